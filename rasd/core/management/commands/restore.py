from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rasd.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup`: the SQLite database and the uploaded files (stop the server and the worker first)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the .tar.gz made by `manage.py backup`")

    def handle(self, *args, backup, **options):
        try:
            result = backup_restore(path=Path(backup))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        what = "the database and " if result.database else ""
        files = f"{result.files:,} uploaded {'file' if result.files == 1 else 'files'}"
        self.stdout.write(f"Restored {what}{files} from {result.path}.")
