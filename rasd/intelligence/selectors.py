"""Reads of the intelligence app: a recommendation's near-duplicates and how often its ask recurs."""

from dataclasses import dataclass

from django.utils.translation import ngettext

from rasd.intelligence.models import DuplicateMembership
from rasd.recommendations.models import Recommendation

__all__ = ["Recurrence", "recurrence"]


@dataclass(frozen=True)
class Recurrence:
    """The group a recommendation belongs to, seen from it.

    ``count`` is the number of distinct reviews (a UPR cycle, a treaty body's session, a visit) in which the ask
    was made: ten states recommending one text in one UPR session count once, the same ask again in the next cycle
    twice. A member without a review counts as a review of its own. ``first_year``: the earliest year of a member
    (its own, else its review's); None when no member has one.
    """

    members: list[Recommendation]  # the others, earliest first
    similarity: float
    count: int
    first_year: int | None

    @property
    def recurs(self) -> bool:
        return self.count > 1

    @property
    def label(self) -> str:
        if self.first_year is None:
            return ngettext("Recurring %(count)s time", "Recurring %(count)s times", self.count) % {"count": self.count}
        return ngettext(
            "Recurring since %(year)s, %(count)s time", "Recurring since %(year)s, %(count)s times", self.count
        ) % {"year": self.first_year, "count": self.count}


def _year(recommendation: Recommendation) -> int | None:
    return recommendation.year or (recommendation.review.year if recommendation.review else None)


def recurrence(recommendation: Recommendation) -> Recurrence | None:
    """The recommendation's near-duplicate group, as ``Recurrence``; None when it is in none."""
    membership = DuplicateMembership.objects.filter(recommendation=recommendation).select_related("group").first()
    if membership is None:
        return None
    everyone = list(
        Recommendation.objects.filter(duplicate_membership__group=membership.group_id)
        .select_related("mechanism", "review", "state")
        .order_by("year", "pk")
    )
    occasions = {("review", r.review_id) if r.review_id else ("recommendation", r.pk) for r in everyone}
    years = [year for year in map(_year, everyone) if year]
    return Recurrence(
        members=[r for r in everyone if r.pk != recommendation.pk],
        similarity=membership.group.similarity,
        count=len(occasions),
        first_year=min(years) if years else None,
    )
