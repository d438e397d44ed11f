"""The daily reminders, run by the task worker: each run sends the day's reminders and queues the next day's run.

``manage.py schedule_reminders`` (which ``make run`` calls before it starts the worker) queues the first run; after
that the job keeps itself going. At most one run waits in the queue at a time.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rasd.followup.reminders import reminders_send


@task()
def reminders_send_task() -> int:
    """Send today's reminders; return how many emails were sent.

    Tomorrow's run is queued first, so that a failure today (a mail server that does not answer) does not stop the
    days after.
    """
    reminders_schedule(at=reminder_time(timezone.localdate() + datetime.timedelta(days=1)))
    return reminders_send()


def reminder_time(day: datetime.date) -> datetime.datetime:
    """``RASD_REMINDER_HOUR`` o'clock on ``day``, in the local time zone (``TIME_ZONE``)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(settings.RASD_REMINDER_HOUR)))


def next_reminder_time(now: datetime.datetime | None = None) -> datetime.datetime:
    """The first reminder time after ``now``: today's if it is still to come, else tomorrow's."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    at = reminder_time(today)
    return at if at > now else reminder_time(today + datetime.timedelta(days=1))


def reminders_waiting():
    """The queued runs of the reminders task that have not started yet."""
    return DBTaskResult.objects.filter(task_path=reminders_send_task.module_path, status=TaskResultStatus.READY)


def reminders_schedule(*, at: datetime.datetime | None = None) -> DBTaskResult | None:
    """Queue a run of the reminders task at ``at`` (the next reminder time by default), unless a run is waiting
    already; return the queued run, or None when there was one."""
    with transaction.atomic():
        if reminders_waiting().exists():
            return None
        result = reminders_send_task.using(run_after=at or next_reminder_time()).enqueue()
    return result.db_result
