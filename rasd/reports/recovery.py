"""Settling the reports a stopped worker left behind (called by ``rasd.core.tasks_recovery``).

Writing a report changes nothing but its own record and file, so an interrupted one is simply written again from
the start when its task is queued again; given up, its page says so.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from rasd.core.tasks_recovery import records_orphaned_recover, task_record_id
from rasd.reports.models import GeneratedReport

TASK_PATH = "rasd.reports.tasks.generated_report_task"


def interrupted_message() -> str:
    return _("Interrupted: the worker stopped before the report was written. Ask for it again.")


def generated_report_task_interrupted(result: DBTaskResult, outcome: str) -> None:
    """The task of a report was queued again (``outcome`` "requeued") or given up ("failed"): say so on it."""
    report = GeneratedReport.objects.filter(pk=task_record_id(result, "report_id")).first()
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

    return records_orphaned_recover(
        records=GeneratedReport.objects.filter(
            status__in=[GeneratedReport.Status.QUEUED, GeneratedReport.Status.RUNNING]
        ),
        task_path=TASK_PATH,
        argument="report_id",
        running=GeneratedReport.Status.RUNNING,
        give_up=generated_report_interrupted,
        enqueue=lambda pk: generated_report_task.enqueue(report_id=pk),
        label="report",
    )
