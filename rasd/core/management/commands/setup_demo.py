from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from rasd.accounts.services import DEMO_PASSWORD, demo_users_create
from rasd.core.reference import reference_data_load
from rasd.imports.services import import_file

DEMO_DIR = Path(settings.BASE_DIR) / "data" / "demo" / "didh_morocco"


class Command(BaseCommand):
    help = "Load the reference data, the DIDH demo recommendations (Morocco) and one demo user per role. Idempotent."

    def handle(self, *args, **options):
        translation.activate("en")
        reference_data_load()
        result = import_file(source="didh", data=DEMO_DIR, label="demo data")
        self.stdout.write(
            f"Demo recommendations: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
        users = demo_users_create()
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for user in users:
            institution = user.institution.short_name if user.institution else ""
            self.stdout.write(f"  {user.username:<12} {user.get_role_display()} — {institution}")
