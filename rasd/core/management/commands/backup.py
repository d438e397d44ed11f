from pathlib import Path

from django.core.management.base import BaseCommand

from rasd.core.backup import backup_create


class Command(BaseCommand):
    help = "Back up the SQLite database (online: the server may keep running) and the uploaded files to a .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", default=".", help="a .tar.gz file, or a folder (default: here)")

    def handle(self, *args, output, **options):
        result = backup_create(output=Path(output))
        what = "the database and " if result.database else "(PostgreSQL: use pg_dump for the database) "
        files = f"{result.files:,} uploaded {'file' if result.files == 1 else 'files'}"
        self.stdout.write(f"Backed up {what}{files} to {result.path}.")
