"""Reads of the public portal. Everything the portal shows starts here, from the published recommendations only:
the list with its search and facets, one recommendation, its validated progress, the summary and the open data.

Nothing here takes a user: the portal shows the same to everyone, a coordinator browsing it included. A
recommendation without a publication is absent from every answer; a progress update shows only once validated,
and only its date, its institution and its text (never its evidence, its author or its workflow).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from rasd.followup.models import Action, Assignment, ProgressUpdate, Report
from rasd.followup.selectors import recommendations_with_validated_progress
from rasd.recommendations import selectors as recommendation_selectors
from rasd.recommendations.models import ImplementationStatus, Recommendation
from rasd.recommendations.selectors import CountLine, Facets, RecommendationResults

# The one condition every read of the portal starts from.
PUBLISHED = Q(publication__isnull=False)

# The list's filters the portal offers (a subset of the staff list's, with the same names and values).
FILTERS = ("mechanism", "review", "theme", "sdg_goal", "sdg_target", "axis", "status")
PARAMETERS = (*FILTERS, "q", "sort", "year_from", "year_to")
# The facets shown, in this order ("year" is the year range).
FACETS = ("status", "mechanism", "review", "axis", "theme", "sdg_goal", "year")


def published_recommendations() -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(PUBLISHED)


def portal_filters(query: QueryDict) -> QueryDict:
    """The portal's parameters of ``query`` (others, such as ``institution`` or ``similar_to``, are left out);
    searching is by keyword."""
    kept = QueryDict(mutable=True)
    for name in PARAMETERS:
        values = query.getlist(name)
        if values:
            kept.setlist(name, values)
    kept["mode"] = "keyword"
    return kept


def portal_results(*, filters: Mapping) -> RecommendationResults:
    """The published recommendations that pass ``filters`` (see ``portal_filters``), as the staff list reads them,
    then narrowed to the published ones: the facets count within the same narrowing."""
    results = recommendation_selectors.recommendation_results(filters=filters)
    return replace(
        results,
        restriction=results.restriction & PUBLISHED,
        recommendations=results.recommendations.filter(PUBLISHED),
    )


def portal_facets(*, results: RecommendationResults) -> Facets:
    """The portal's facets, counted among the published recommendations of ``results`` only."""
    counted = recommendation_selectors.recommendation_facets(results=results)
    by_name = {facet.name: facet for facet in counted.facets}
    return Facets(counted.total, [by_name[name] for name in FACETS if name in by_name])


def portal_recommendation_get(*, pk: int) -> Recommendation | None:
    """A published recommendation with everything its portal page shows; ``None`` when it is not published."""
    return recommendation_selectors.recommendation_with_details(published_recommendations().filter(pk=pk)).first()


def lead_institutions(recommendation: Recommendation) -> list:
    """The lead institutions of a recommendation read by ``portal_recommendation_get`` (its assignments are
    prefetched)."""
    return [a.institution for a in recommendation.assignments.all() if a.role == Assignment.Role.LEAD]


@dataclass(frozen=True)
class PublicProgress:
    """What the public reads of a validated progress update."""

    date: date
    institution: str
    text: str


def validated_progress(*, recommendation_ids: list[int]) -> dict[int, list[PublicProgress]]:
    """The validated progress updates of each recommendation, reported on it or on an action for it, newest first.

    Two queries whatever the number of recommendations: the open data reads them chunk by chunk."""
    if not recommendation_ids:
        return {}
    validated = ProgressUpdate.objects.filter(status=Report.Status.VALIDATED)
    action_links: dict[int, list[int]] = {}
    for recommendation_id, action_id in Action.recommendations.through.objects.filter(
        recommendation_id__in=recommendation_ids
    ).values_list("recommendation_id", "action_id"):
        action_links.setdefault(action_id, []).append(recommendation_id)
    rows = (
        validated.filter(Q(recommendation_id__in=recommendation_ids) | Q(action_id__in=list(action_links)))
        .select_related("institution")
        .order_by("-date", "-id")
    )
    progress: dict[int, list[PublicProgress]] = {}
    for update in rows:
        shown = PublicProgress(update.date, update.institution.name, update.text)
        concerned = [update.recommendation_id] if update.recommendation_id else action_links.get(update.action_id, [])
        for recommendation_id in concerned:
            progress.setdefault(recommendation_id, []).append(shown)
    return progress


@dataclass(frozen=True)
class PortalSummary:
    total: int
    by_status: list[CountLine]  # each line's value is the `status` filter that lists the same recommendations
    with_validated_progress: int


def portal_summary() -> PortalSummary:
    """How many recommendations are published, by implementation status."""
    recommendations = published_recommendations()
    totals = dict(recommendations.values_list("implementation_status").annotate(n=Count("id")).order_by())
    by_status = [CountLine(value, str(label), totals.get(value, 0)) for value, label in ImplementationStatus.choices]
    progress = recommendations_with_validated_progress().filter(PUBLISHED)
    return PortalSummary(sum(totals.values()), by_status, progress.count())
