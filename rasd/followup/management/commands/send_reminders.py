import argparse
import datetime

from django.core.management.base import BaseCommand

from rasd.followup.models import ReminderRun
from rasd.followup.reminders import reminders_build, reminders_send
from rasd.followup.selectors import today


def day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date written YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Send the reminder emails of a day now (today by default), as the task worker does each morning. "
        "Once a day: the reminders of a day already sent are not sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=day, help="the day to send the reminders of, YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="print the emails instead of sending them")

    def handle(self, *args, date, dry_run, **options):
        on = date or today()
        already_sent = ReminderRun.objects.filter(day=on).exists()
        if dry_run:
            messages = reminders_build(on=on)
            for message in messages:
                self.stdout.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}")
                self.stdout.write("-" * 72)
            self.stdout.write(f"Dry run for {on}: {len(messages)} emails would be sent; nothing was sent.")
            if already_sent:
                self.stdout.write(f"The reminders of {on} were sent already: send_reminders would send nothing.")
            return
        if already_sent:
            self.stdout.write(f"The reminders of {on} were sent already; nothing was sent.")
            return
        sent = reminders_send(on=on)
        self.stdout.write(f"Reminders of {on}: {sent} emails sent.")
