from django.core.management.base import BaseCommand

from rasd.core.tasks_recovery import MAX_ATTEMPTS, tasks_recover


class Command(BaseCommand):
    help = (
        "Before the task worker starts (while none runs, or with --worker-id): queue again the tasks a stopped worker "
        "left running "
        f"(imports, vectors, reminders, all safe to run again), or mark them failed after {MAX_ATTEMPTS} attempts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            help="only the tasks this worker took last (the --worker-id it runs with): safe while other workers run",
        )

    def handle(self, *args, worker_id=None, **options):
        recovery = tasks_recover(worker_id=worker_id)
        if not recovery.count:
            self.stdout.write("No interrupted task.")
            return
        self.stdout.write(
            f"Interrupted tasks: {len(recovery.requeued)} queued again, {len(recovery.failed)} marked failed."
        )
        for line in recovery.other:
            self.stdout.write(line)
