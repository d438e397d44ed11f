from django.core.management.base import BaseCommand

from rasd.core.reference import reference_data_load


class Command(BaseCommand):
    help = "Create or refresh the reference data (states, SDGs, mechanisms, UPR Info issues, UN agencies)."

    def handle(self, *args, **options):
        counts = reference_data_load()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
