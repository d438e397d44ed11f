"""Settling the reports a stopped worker left behind (called by ``rasd.core.tasks_recovery``).

Writing a report changes nothing but its own record and file, so an interrupted one is simply written again from
the start when its task is queued again; given up, its page says so.
"""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasd.reports.models import GeneratedReport

TASK_PATH = "rasd.reports.tasks.generated_report_task"
ORPHAN_AFTER = datetime.timedelta(minutes=1)


def interrupted_message() -> str:
    return _("Interrupted: the worker stopped before the report was written. Ask for it again.")


def _report_id(result: DBTaskResult) -> int | None:
    kwargs, args = result.args_kwargs.get("kwargs") or {}, result.args_kwargs.get("args") or []
    return kwargs.get("report_id", args[0] if args else None)


def generated_report_task_interrupted(result: DBTaskResult, outcome: str) -> None:
    """The task of a report was queued again (``outcome`` "requeued") or given up ("failed"): say so on it."""
    report = GeneratedReport.objects.filter(pk=_report_id(result)).first()
    if report is None or report.is_finished:
        return
    if outcome == "requeued":
        report.status, report.progress = GeneratedReport.Status.QUEUED, 0
        report.save(update_fields=["status", "progress"])
    else:
        generated_report_interrupted(report)


def generated_report_interrupted(report: GeneratedReport) -> None:
    with translation.override(report.language):
        report.message = interrupted_message()
    report.status, report.finished_at = GeneratedReport.Status.FAILED, timezone.now()
    report.save(update_fields=["status", "message", "finished_at"])


def generated_reports_orphaned_recover() -> list[str]:
    """Reports left without a task: a running one is given up; a queued one whose task was never written (the
    server stopped between saving the request and queuing it) is queued now."""
    from rasd.reports.tasks import generated_report_task

    settled_before = timezone.now() - ORPHAN_AFTER
    pending = DBTaskResult.objects.filter(
        task_path=TASK_PATH, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    with_task = {_report_id(result) for result in pending}
    settled = []
    reports = GeneratedReport.objects.filter(
        status__in=[GeneratedReport.Status.QUEUED, GeneratedReport.Status.RUNNING], created_at__lt=settled_before
    )
    for report in reports:
        if report.pk in with_task:
            continue
        if report.status == GeneratedReport.Status.RUNNING:
            generated_report_interrupted(report)
            settled.append(f"report #{report.pk}: failed")
        else:
            generated_report_task.enqueue(report_id=report.pk)
            settled.append(f"report #{report.pk}: queued")
    return settled
