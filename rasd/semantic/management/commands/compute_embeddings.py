from django.core.management.base import BaseCommand
from tqdm import tqdm

from rasd.semantic.services import embeddings_compute


class Command(BaseCommand):
    help = (
        "Compute the semantic-search vectors of every language version of the recommendations that has none or "
        "whose text changed (all recommendations, or those given with --ids). The task worker does this after "
        "each import; run it after changing the model, or to fill a database at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ids", help="comma-separated recommendation ids (default: all recommendations)")
        parser.add_argument("--no-progress", action="store_true", help="do not show the progress bar")

    def handle(self, *args, ids, no_progress, **options):
        recommendation_ids = [int(i) for i in ids.split(",") if i.strip()] if ids else None
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None and total:
                bar = tqdm(total=total, desc="embeddings", unit="texts", file=self.stderr._out, dynamic_ncols=True)
            if bar is not None:
                bar.update(done - bar.n)

        try:
            written = embeddings_compute(
                recommendation_ids=recommendation_ids, progress=None if no_progress else progress
            )
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(f"{written} vectors computed.")
