from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rasd.intelligence.services import duplicate_groups_refresh, suggestions_refresh


@task()
def duplicate_groups_refresh_task() -> int:
    """Group the near-duplicates again from the stored vectors; returns how many groups there are."""
    groups, _members = duplicate_groups_refresh()
    return groups


def duplicate_groups_refresh_later() -> bool:
    """Queue a refresh of the groups unless one is already waiting (it will see every vector stored by then).
    Returns whether one was queued."""
    waiting = DBTaskResult.objects.filter(
        task_path=duplicate_groups_refresh_task.module_path, status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        duplicate_groups_refresh_task.enqueue()
    return not waiting


@task()
def suggestions_refresh_task() -> int:
    """Run the shipped classifiers over every recommendation again, with the vectors stored by then; returns how
    many new suggestions wait in the review queue."""
    return suggestions_refresh()


def suggestions_refresh_later() -> bool:
    """Queue a refresh of the suggestions unless one is already waiting (it will see every vector stored by then).
    Returns whether one was queued."""
    waiting = DBTaskResult.objects.filter(
        task_path=suggestions_refresh_task.module_path, status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        suggestions_refresh_task.enqueue()
    return not waiting
