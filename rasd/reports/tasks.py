from django_tasks import task

from rasd.reports.services import generated_report_run


@task()
def generated_report_task(report_id: int) -> str:
    return generated_report_run(report_id=report_id).status
