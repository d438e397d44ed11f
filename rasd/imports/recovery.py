"""Settling the imports a stopped worker left behind (called by ``rasd.core.tasks_recovery``).

An import writes in one transaction, so an interrupted one wrote nothing: queued again, it imports the file whole;
given up, its page says so and that nothing was imported.
"""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasd.imports.models import ImportJob

TASK_PATH = "rasd.imports.tasks.import_job_task"
ORPHAN_AFTER = datetime.timedelta(minutes=1)


def interrupted_message() -> str:
    return _("Interrupted: the worker stopped before the import finished, so nothing was imported. Run it again.")


def _job_id(result: DBTaskResult) -> int | None:
    kwargs, args = result.args_kwargs.get("kwargs") or {}, result.args_kwargs.get("args") or []
    return kwargs.get("job_id", args[0] if args else None)


def import_job_task_interrupted(result: DBTaskResult, outcome: str) -> None:
    """The task of an import was queued again (``outcome`` "requeued") or given up ("failed"): say so on its job."""
    job = ImportJob.objects.filter(pk=_job_id(result)).first()
    if job is None or job.is_finished:
        return  # the worker stopped after the job's result was saved: nothing to settle
    if outcome == "requeued":
        job.status, job.stage, job.progress, job.total = ImportJob.Status.QUEUED, "", 0, 0
        job.save(update_fields=["status", "stage", "progress", "total"])
    else:
        import_job_interrupted(job)


def import_job_interrupted(job: ImportJob) -> None:
    with translation.override(job.language):
        job.message = interrupted_message()
    job.status, job.stage, job.errors, job.finished_at = ImportJob.Status.FAILED, "", [], timezone.now()
    job.save()


def import_jobs_orphaned_recover() -> list[str]:
    """Jobs left without a task: a running one whose task is gone is given up; a queued one whose task was never
    written (the server stopped between saving the upload and queuing it) is queued now."""
    from rasd.imports.tasks import import_job_task

    # A job the upload page is saving right now gets its task a moment after: not an orphan.
    settled_before = timezone.now() - ORPHAN_AFTER
    pending = DBTaskResult.objects.filter(
        task_path=TASK_PATH, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    with_task = {_job_id(result) for result in pending}
    settled = []
    jobs = ImportJob.objects.filter(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING], created_at__lt=settled_before
    )
    for job in jobs:
        if job.pk in with_task:
            continue
        if job.status == ImportJob.Status.RUNNING:
            import_job_interrupted(job)
            settled.append(f"import #{job.pk}: failed")
        else:
            import_job_task.enqueue(job_id=job.pk)
            settled.append(f"import #{job.pk}: queued")
    return settled
