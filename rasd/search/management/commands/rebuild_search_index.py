from django.core.management.base import BaseCommand
from tqdm import tqdm

from rasd.search.services import search_index_update


class Command(BaseCommand):
    help = (
        "Rebuild the keyword search index of every recommendation (SQLite FTS5 or PostgreSQL full-text). "
        "Imports and the admin keep the index up to date; run this after writing recommendations another way."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="do not show the progress bar")

    def handle(self, *args, no_progress, **options):
        with tqdm(
            desc="indexing", unit="recommendations", file=self.stderr._out, dynamic_ncols=True, disable=no_progress
        ) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            # One transaction (search_index_update opens it): searches see the old index until the new one is whole.
            indexed = search_index_update(progress=progress)
        self.stdout.write(f"{indexed} recommendations indexed.")
