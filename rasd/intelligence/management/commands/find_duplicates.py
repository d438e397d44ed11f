from django.core.management.base import BaseCommand

from rasd.intelligence.services import duplicate_groups_refresh


class Command(BaseCommand):
    help = (
        "Group the recommendations that ask for the same thing (near-duplicate vectors across languages, identical "
        "normalised text), replacing the groups found before. Run it after the vectors are computed "
        "(compute_embeddings, or the worker after an import)."
    )

    def handle(self, *args, **options):
        groups, members = duplicate_groups_refresh()
        self.stdout.write(f"{groups} groups of near-duplicates, {members} recommendations in them.")
