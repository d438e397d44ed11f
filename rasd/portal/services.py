"""Writes of the portal: a coordinator publishes recommendations, or withdraws them from the portal.

Each service checks the writer's permission, changes the records inside one transaction and records the change on
each recommendation's history (``published``: the date it was published, before → after), so that its timeline
says who put it before the public and when.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.core.history import history_entries_insert, history_entry_build
from rasd.core.models import HistoryEntry
from rasd.followup.policies import require
from rasd.portal.models import Publication
from rasd.recommendations.models import Recommendation


def can_publish(user: User) -> bool:
    """Choose what the public reads: part of the coordinator's work, as validation is."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def _chosen(recommendations: Iterable[Recommendation]) -> list[Recommendation]:
    chosen = list({r.pk: r for r in recommendations}.values())
    if not chosen:
        raise ValidationError({"recommendation": _("Choose at least one recommendation.")})
    return chosen


@transaction.atomic
def recommendations_publish(*, recommendations: Iterable[Recommendation], by: User) -> list[Publication]:
    """Show ``recommendations`` on the public portal and in its open data (coordinators only).

    Those published already stay as they are (their first publication date is kept); returns the publications
    made now.
    """
    require(can_publish(by))
    chosen = _chosen(recommendations)
    published = set(Publication.objects.filter(recommendation__in=chosen).values_list("recommendation_id", flat=True))
    now = timezone.now()
    made = [Publication(recommendation=r, published_by=by, published_at=now) for r in chosen if r.pk not in published]
    for publication in made:
        publication.save()
    history_entries_insert(
        [
            history_entry_build(
                instance=publication.recommendation,
                action=HistoryEntry.Action.UPDATED,
                changes={"published": (None, timezone.localdate(now).isoformat())},
                actor=by,
            )
            for publication in made
        ]
    )
    return made


@transaction.atomic
def recommendations_unpublish(*, recommendations: Iterable[Recommendation], by: User) -> int:
    """Withdraw ``recommendations`` from the public portal and its open data (coordinators only); those not
    published are left alone. Returns how many were withdrawn."""
    require(can_publish(by))
    chosen = _chosen(recommendations)
    publications = list(
        Publication.objects.select_for_update().filter(recommendation__in=chosen).select_related("recommendation")
    )
    history_entries_insert(
        [
            history_entry_build(
                instance=publication.recommendation,
                action=HistoryEntry.Action.UPDATED,
                changes={"published": (timezone.localdate(publication.published_at).isoformat(), None)},
                actor=by,
            )
            for publication in publications
        ]
    )
    Publication.objects.filter(pk__in=[p.pk for p in publications]).delete()
    return len(publications)
