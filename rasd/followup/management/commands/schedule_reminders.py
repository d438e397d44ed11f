from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from rasd.followup.tasks import reminders_schedule, reminders_waiting


class Command(BaseCommand):
    help = (
        "Queue the daily reminders for the task worker, at RASD_REMINDER_HOUR o'clock, unless a run is queued "
        "already. Each run queues the next day's."
    )

    def handle(self, *args, **options):
        result = reminders_schedule()
        if result is None:
            result = reminders_waiting().order_by("run_after").first()
            message = "The daily reminders are already queued; the next run is at {at}."
        else:
            message = "The daily reminders are queued; the first run is at {at}."
        at = timezone.localtime(result.run_after)
        self.stdout.write(message.format(at=f"{at:%Y-%m-%d %H:%M} ({settings.TIME_ZONE})"))
