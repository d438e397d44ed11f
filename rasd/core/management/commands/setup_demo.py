import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from rasd.accounts.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_users_create
from rasd.accounts.two_factor import two_factor_required
from rasd.core.reference import reference_data_load
from rasd.imports.services import import_file
from rasd.mechanisms.deadlines import upr_deadlines_create
from rasd.mechanisms.models import Mechanism, Review
from rasd.portal.models import Publication
from rasd.portal.services import recommendations_publish
from rasd.recommendations.models import Recommendation
from rasd.strategy.demo import panddh_load

DEMO_DIR = Path(settings.BASE_DIR) / "data" / "demo" / "didh_morocco"
# The day of each UPR review of the demo data, which the DIDH tables do not give: Morocco's third review was held
# on 2 May 2017, at the 27th session of the UPR Working Group (1–12 May 2017; OHCHR's timetable of the session).
UPR_REVIEW_DATES = {("MAR", 3): datetime.date(2017, 5, 2)}


class Command(BaseCommand):
    help = "Load the reference data, the DIDH demo recommendations (Morocco) and one demo user per role. Idempotent."

    def handle(self, *args, **options):
        translation.activate("en")
        reference_data_load()
        result = import_file(source="didh", data=DEMO_DIR, label="demo data")
        self.stdout.write(
            f"Demo recommendations: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
        for review in Review.objects.filter(mechanism__kind=Mechanism.Kind.UPR).select_related("mechanism", "state"):
            reviewed_on = UPR_REVIEW_DATES.get((review.state.iso3, review.cycle))
            if reviewed_on is not None:
                for deadline in upr_deadlines_create(review=review, reviewed_on=reviewed_on):
                    self.stdout.write(f"Deadline: {deadline} — {deadline.description}")
        self.stdout.write(f"Demo strategic plan (PANDDH): {panddh_load()} records created.")
        users = demo_users_create()
        # The portal shows something from the start: the UPR review's recommendations, which the DIDH publishes
        # itself, published by the demo coordinator. Only on an install where nothing is published yet, so that a
        # coordinator's later choices stand.
        if not Publication.objects.exists():
            coordinator = next(user for user in users if user.is_coordinator)
            upr = Recommendation.objects.filter(source="didh", mechanism__kind=Mechanism.Kind.UPR)
            if upr.exists():
                published = recommendations_publish(recommendations=upr, by=coordinator)
                self.stdout.write(f"Demo portal: {len(published)} UPR recommendations published by {coordinator}.")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for user in users:
            institution = user.institution.short_name if user.institution else ""
            second_step = "  + authenticator code" if two_factor_required(user) else ""
            self.stdout.write(
                f"  {user.username:<12} {user.get_role_display()} — {institution} ({user.email}){second_step}"
            )
        secret = " ".join(DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(DEMO_TOTP_SECRET), 4))
        self.stdout.write(
            "The coordinator and the admin also give a code from an authenticator app (FreeOTP, Aegis, Google "
            f"Authenticator…):\n  add an account with the secret key {secret} (time-based, 6 digits);\n"
            "  this key is public, for a demonstration install only."
        )
