"""Reporting deadlines of reviews, computed from the rules of their mechanism."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rasd.followup.models import months_after
from rasd.mechanisms.models import Deadline, Mechanism, Review

# The UPR reviews each state every four and a half years (HRC resolution 16/21, from the second cycle on), and
# encourages a voluntary mid-term report on the recommendations halfway through, two and a half years after the review.
UPR_MID_TERM_MONTHS = 30
UPR_CYCLE_MONTHS = 54


@transaction.atomic
def upr_deadlines_create(*, review: Review, reviewed_on: datetime.date) -> list[Deadline]:
    """The mid-term report and the next review of a UPR review held on ``reviewed_on``, as estimated deadlines.

    A review that has a deadline of one of these kinds already (entered or corrected by hand) keeps it; returns the
    deadlines created, so a second call creates none.
    """
    if review.mechanism.kind != Mechanism.Kind.UPR:
        raise ValueError(f"{review} is not a UPR review")
    values = {"date": reviewed_on.isoformat()}
    rules = [
        (
            Deadline.Kind.MID_TERM_REPORT,
            UPR_MID_TERM_MONTHS,
            _(
                "Estimated from the 4.5-year UPR cycle: the voluntary mid-term report, two and a half years after "
                "the review of %(date)s."
            )
            % values,
        ),
        (
            Deadline.Kind.PERIODIC_REPORT,
            UPR_CYCLE_MONTHS,
            _(
                "Estimated from the 4.5-year UPR cycle: the next review, four and a half years after the review of %(date)s."
            )
            % values,
        ),
    ]
    existing = set(review.deadlines.values_list("kind", flat=True))
    return [
        Deadline.objects.create(
            review=review, kind=kind, due_date=months_after(reviewed_on, months), description=description
        )
        for kind, months, description in rules
        if kind not in existing
    ]
