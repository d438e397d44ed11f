"""Picking up the tasks a stopped worker left behind.

The task worker (django_tasks_db's ``db_worker``) marks a task RUNNING when it takes it and SUCCESSFUL or FAILED
when it ends. A worker that is killed (a power cut, ``kill -9``, the out-of-memory killer, a host restart) leaves
its task RUNNING for ever: no worker takes a RUNNING task again, and the page of an import would say "running"
for ever too. ``tasks_recover`` runs before the worker starts (``manage.py recover_tasks``), while no worker is
running, and settles every such task.

Every task of Rasd can safely run again after an interruption, so an interrupted task is queued again, once:

- an import writes in one transaction: a killed import wrote nothing, and running it again imports the file whole;
- the semantic vectors are computed for what is missing or out of date, so a second run finishes the first one's work;
- the daily reminders claim their day before sending: a second run sends no email twice (at most once a day).
- the near-duplicate groups are computed again whole from the stored vectors, in one transaction;
- a generated report writes only its own record and file: written again, it is written whole.

A task interrupted a second time is marked failed instead of queued a third time: a task that kills its worker
(a file too large for the memory) would otherwise stop the worker at every start.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# A record saved less than this long ago may be waiting for its task, which is queued just after it: not an orphan.
ORPHAN_AFTER = datetime.timedelta(minutes=1)

# How many workers may take a task before it is given up: each one that takes it records its id in worker_ids.
MAX_ATTEMPTS = 2

# Task → what else must be settled with it (a function of the task result and of "requeued" or "failed").
# Dotted paths: the apps that own the tasks know their own records; this module knows none of them.
FOLLOW_UPS = {
    "rasd.imports.tasks.import_job_task": "rasd.imports.recovery.import_job_task_interrupted",
    "rasd.reports.tasks.generated_report_task": "rasd.reports.recovery.generated_report_task_interrupted",
}
# Run once all tasks are settled, for records that lost their task altogether.
SWEEPS = [
    "rasd.imports.recovery.import_jobs_orphaned_recover",
    "rasd.reports.recovery.generated_reports_orphaned_recover",
]


class TaskInterrupted(Exception):
    """Recorded as the error of a task whose worker stopped before it finished, a second time."""


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)  # task result ids
    failed: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # what the sweeps settled, described

    @property
    def count(self) -> int:
        return len(self.requeued) + len(self.failed) + len(self.other)


def tasks_recover(*, worker_id: str | None = None) -> Recovery:
    """Queue again (once) or mark failed every task left RUNNING by a worker that stopped.

    Without ``worker_id``, only while no worker runs: a task a running worker is working on looks exactly the same.
    With it, only the tasks that worker (started with ``db_worker --worker-id``) took last: safe beside other
    workers, run before that worker starts again.
    """
    recovery = Recovery()
    with transaction.atomic():
        for result in DBTaskResult.objects.running().select_for_update().order_by("started_at"):
            if worker_id is not None and result.worker_ids[-1:] != [worker_id]:
                continue
            outcome = _task_requeue(result) if len(result.worker_ids) < MAX_ATTEMPTS else _task_fail(result)
            getattr(recovery, outcome).append(str(result.pk))
            follow_up = FOLLOW_UPS.get(result.task_path)
            if follow_up:
                import_string(follow_up)(result, outcome)
        for sweep in SWEEPS:
            recovery.other.extend(import_string(sweep)())
    return recovery


def _task_requeue(result: DBTaskResult) -> str:
    # worker_ids is kept: it counts the attempts.
    result.status, result.started_at = TaskResultStatus.READY, None
    result.save(update_fields=["status", "started_at"])
    logger.warning("Task %s (%s) was interrupted; queued again.", result.pk, result.task_path)
    return "requeued"


def _task_fail(result: DBTaskResult) -> str:
    result.set_failed(
        TaskInterrupted(f"the worker stopped before the task finished, {len(result.worker_ids)} times; not run again")
    )
    logger.error("Task %s (%s) was interrupted again; marked failed.", result.pk, result.task_path)
    return "failed"


def task_record_id(result: DBTaskResult, argument: str) -> int | None:
    """The id of the record a task was queued for: its keyword ``argument``, or its first positional argument."""
    kwargs, args = result.args_kwargs.get("kwargs") or {}, result.args_kwargs.get("args") or []
    return kwargs.get(argument, args[0] if args else None)


def records_orphaned_recover(
    *,
    records: models.QuerySet,
    task_path: str,
    argument: str,
    running: str,
    give_up: Callable[[models.Model], None],
    enqueue: Callable[[int], object],
    label: str,
) -> list[str]:
    """Settle the unfinished ``records`` (imports, reports…) that no task is working on: a ``running`` one whose
    task is gone is given up (``give_up``); a queued one whose task was never written (the server stopped between
    saving the record and queuing its task) is queued now (``enqueue`` with its id). Returns what was done, one
    line per record, named with ``label``."""
    pending = DBTaskResult.objects.filter(
        task_path=task_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    with_task = {task_record_id(result, argument) for result in pending}
    settled = []
    for record in records.filter(created_at__lt=timezone.now() - ORPHAN_AFTER):
        if record.pk in with_task:
            continue
        if record.status == running:
            give_up(record)
            settled.append(f"{label} #{record.pk}: failed")
        else:
            enqueue(record.pk)
            settled.append(f"{label} #{record.pk}: queued")
    return settled
