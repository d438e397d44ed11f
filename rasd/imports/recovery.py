"""Settling the imports a stopped worker left behind (called by ``rasd.core.tasks_recovery``).

An import writes in one transaction, so an interrupted one wrote nothing: queued again, it imports the file whole;
given up, its page says so and that nothing was imported.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from rasd.core.tasks_recovery import records_orphaned_recover, task_record_id
from rasd.imports.models import ImportJob

TASK_PATH = "rasd.imports.tasks.import_job_task"


def interrupted_message() -> str:
    return _("Interrupted: the worker stopped before the import finished, so nothing was imported. Run it again.")


def import_job_task_interrupted(result: DBTaskResult, outcome: str) -> None:
    """The task of an import was queued again (``outcome`` "requeued") or given up ("failed"): say so on its job."""
    job = ImportJob.objects.filter(pk=task_record_id(result, "job_id")).first()
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

    return records_orphaned_recover(
        records=ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]),
        task_path=TASK_PATH,
        argument="job_id",
        running=ImportJob.Status.RUNNING,
        give_up=import_job_interrupted,
        enqueue=lambda pk: import_job_task.enqueue(job_id=pk),
        label="import",
    )
