from django.core.management.base import BaseCommand, CommandError

from rasd.core.history import history_verify


class Command(BaseCommand):
    help = "Check that no entry of the change history was edited, inserted or removed (its chain of digests)."

    def handle(self, *args, **options):
        check = history_verify()
        if check.broken_at is not None:
            raise CommandError(
                f"The change history was altered: entry {check.broken_at} does not follow from the entries before "
                "it — it was edited, or an entry before it was edited, inserted or removed."
            )
        self.stdout.write(f"The change history is intact: {check.entries:,} entries, last digest {check.last_digest}.")
