from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rasd.imports.errors import ImportRejected
from rasd.imports.models import ImportSource
from rasd.imports.services import import_file


class Command(BaseCommand):
    help = (
        "Import recommendations from a file, all or nothing. Formats: didh (folder or ZIP of the DIDH CSV files), "
        "upr_info (UPR Info CSV), uhri (UHRI Excel/CSV export). Re-importing a file updates, never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", choices=ImportSource.values)
        parser.add_argument("path", help="the file (or, for didh, the folder) to import")
        parser.add_argument("--no-progress", action="store_true", help="do not show the progress bar")

    def handle(self, *args, format, path, no_progress, **options):
        bars = {}
        shown = {}  # stage → the last percentage written as a line

        def progress_lines(stage, done, total):
            # Not a terminal (a log, a service's journal): plain lines, one per percent moved, instead of a bar
            # redrawn in place.
            percent = 100 * done // total if total else 100
            if shown.get(stage) != percent:
                shown[stage] = percent
                self.stderr.write(f"{stage}: {done}/{total} rows ({percent}%)")

        def progress(stage, done, total):
            if no_progress:
                return
            if not self.stderr.isatty():
                progress_lines(stage, done, total)
                return
            if stage not in bars:
                for bar in bars.values():
                    bar.close()
                bars[stage] = tqdm(total=total, desc=stage, unit="rows", file=self.stderr._out, dynamic_ncols=True)
            bar = bars[stage]
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = import_file(source=format, data=path, progress=progress)
        except ImportRejected as exc:
            for line in exc.errors:
                self.stderr.write(str(line))
            if exc.truncated:
                self.stderr.write("…")
            raise CommandError(f"{path}: refused, nothing was imported ({len(exc.errors)} problem(s) shown).") from None
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(f"{path}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
