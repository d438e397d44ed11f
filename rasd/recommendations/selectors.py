"""Reads of recommendations for the web pages and the API: the home page's counts, the list (filters, text search,
similarity) with its facets, one record, the recommendations most like one.

The national classification has two levels (axes and their sub-axes); filtering or counting by an axis
therefore means "the axis itself or one of its sub-axes". Likewise an SDG goal counts the recommendations linked
to any of its targets.

Searching belongs to ``rasd.search.services``; where it finds no recommendation like one (the vectors for
semantic search are computed by the task worker, after an import), "most like" means "sharing the most national
axes".
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, StrIndex
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rasd.core.models import LANGUAGE_CODES, Language
from rasd.followup.models import Assignment, months_after
from rasd.followup.policies import assignments_visible_to
from rasd.followup.selectors import recommendations_with_validated_progress, today, with_late
from rasd.institutions.models import Institution
from rasd.intelligence.models import DuplicateGroup
from rasd.mechanisms.models import Document, Mechanism, Review
from rasd.recommendations.models import (
    AffectedPerson,
    ImplementationStatus,
    NationalAxis,
    Position,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from rasd.search.services import (
    SearchQueryError,
    recommendation_more_like_this,
    recommendation_search,
    recommendation_snippets,
)
from rasd.states.models import State
from rasd.strategy.selectors import axes_recommendations

# The value of the `position` filter that selects recommendations whose position is not recorded.
POSITION_NONE = "none"
# The values of the `progress` filter: a validated progress update was reported (on the recommendation or on an
# action for it), or none was. Reported progress is not implementation, which is the status's to say.
PROGRESS_REPORTED = "reported"
PROGRESS_NONE = "none"
PROGRESS_CHOICES = [
    (PROGRESS_REPORTED, _("Validated progress reported")),
    (PROGRESS_NONE, _("No validated progress yet")),
]


def _progress_reported() -> Q:
    return Q(pk__in=recommendations_with_validated_progress().values("pk"))


# The values of the `published` filter: shown on the public portal (``rasd.portal``) or not.
PUBLISHED_YES = "yes"
PUBLISHED_NO = "no"
PUBLISHED_CHOICES = [(PUBLISHED_YES, _("Published on the portal")), (PUBLISHED_NO, _("Not published"))]


# The values of the `overdue` filter: a recommendation is overdue when one of its assignments (that the reader may
# see) is past its due date while the recommendation is not settled — the work list's and the reminders' "late"
# (``rasd.followup.selectors.with_late``). The other values say how late, by its oldest overdue assignment, so
# that they split the overdue recommendations without overlap.
OVERDUE = "yes"
OVERDUE_UNDER_3_MONTHS = "under_3_months"
OVERDUE_3_TO_12_MONTHS = "3_to_12_months"
OVERDUE_OVER_12_MONTHS = "over_12_months"
OVERDUE_CHOICES = [
    (OVERDUE, _("Overdue")),
    (OVERDUE_UNDER_3_MONTHS, _("Overdue by less than 3 months")),
    (OVERDUE_3_TO_12_MONTHS, _("Overdue by 3 to 12 months")),
    (OVERDUE_OVER_12_MONTHS, _("Overdue by more than 12 months")),
]
# The value of the `at_risk` filter: recurring (in a near-duplicate group asked in two reviews or more, as
# ``rasd.intelligence.selectors.recurrence`` counts them) and not started.
AT_RISK = "yes"
AT_RISK_CHOICES = [(AT_RISK, _("Recurring and not started"))]


def overdue_bounds(on=None) -> dict[str, tuple]:
    """For each "how late" value of the `overdue` filter, the (earliest, latest) due date, inclusive, of the
    oldest overdue assignment on day ``on`` (None: no bound)."""
    on = on or today()
    three, twelve = months_after(on, -3), months_after(on, -12)
    return {
        OVERDUE_UNDER_3_MONTHS: (three, None),
        OVERDUE_3_TO_12_MONTHS: (twelve, three - datetime.timedelta(days=1)),
        OVERDUE_OVER_12_MONTHS: (None, twelve - datetime.timedelta(days=1)),
    }


def late_assignments(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Those of ``assignments`` past their due date today while their recommendation is not settled."""
    return with_late(assignments).filter(late=True)


def _overdue(values: tuple[str, ...], assignments: QuerySet[Assignment]) -> Q:
    late = late_assignments(assignments)
    conditions = []
    for value in values:
        if value == OVERDUE:
            conditions.append(Q(pk__in=late.values("recommendation_id")))
            continue
        earliest, latest = overdue_bounds()[value]
        # The oldest overdue assignment is within the bounds: one is, and none is older.
        within = late.filter(**({"due_date__gte": earliest} if earliest else {}))
        within = within.filter(**({"due_date__lte": latest} if latest else {}))
        condition = Q(pk__in=within.values("recommendation_id"))
        if earliest:
            condition &= ~Q(pk__in=late.filter(due_date__lt=earliest).values("recommendation_id"))
        conditions.append(condition)
    return reduce(or_, conditions)


def recurring_groups() -> QuerySet[DuplicateGroup]:
    """Near-duplicate groups whose ask was made in two reviews or more; a member without a review counts as a
    review of its own (``rasd.intelligence.selectors.Recurrence.count``)."""
    return DuplicateGroup.objects.annotate(
        occasions=Count("memberships__recommendation__review", distinct=True)
        + Count("memberships", filter=Q(memberships__recommendation__review__isnull=True))
    ).filter(occasions__gte=2)


def _at_risk(values: tuple[str, ...]) -> Q:
    return Q(
        duplicate_membership__group__in=recurring_groups().values("pk"),
        implementation_status=ImplementationStatus.NOT_STARTED,
    )


@dataclass(frozen=True)
class CountLine:
    """One line of a count table: the filter value that reproduces it, its label, the number."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class RecommendationCounts:
    total: int
    by_language: list[CountLine]
    by_kind: list[CountLine]
    by_mechanism: list[CountLine]
    by_position: list[CountLine]
    by_status: list[CountLine]
    by_axis: list[CountLine]
    # Only validated progress counts: drafts and reports not yet validated are the institutions' work in progress.
    with_validated_progress: int


def recommendation_counts() -> RecommendationCounts:
    """What is in the system, each number paired with the list filter that shows the same recommendations."""
    recommendations = Recommendation.objects.all()
    language_totals = recommendations.aggregate(
        total=Count("id"), **{code: Count("id", filter=~Q(**{f"text_{code}": ""})) for code in LANGUAGE_CODES}
    )
    by_language = [CountLine(code, Language(code).label, language_totals[code]) for code in LANGUAGE_CODES]

    kind_totals = dict(recommendations.values_list("mechanism__kind").annotate(n=Count("id")).order_by())
    by_kind = [
        CountLine(kind, label, kind_totals[kind]) for kind, label in Mechanism.Kind.choices if kind in kind_totals
    ]

    mechanisms = Mechanism.objects.annotate(n=Count("recommendations")).filter(n__gt=0).order_by("kind", "code")
    by_mechanism = [CountLine(m.code, mechanism_label(m), m.n) for m in mechanisms]

    position_totals = dict(recommendations.values_list("position").annotate(n=Count("id")).order_by())
    by_position = [CountLine(value, label, position_totals.get(value, 0)) for value, label in Position.choices]
    by_position.append(CountLine(POSITION_NONE, gettext("Not recorded"), position_totals.get("", 0)))

    status_totals = dict(recommendations.values_list("implementation_status").annotate(n=Count("id")).order_by())
    by_status = [CountLine(value, label, status_totals.get(value, 0)) for value, label in ImplementationStatus.choices]

    return RecommendationCounts(
        total=language_totals["total"],
        by_language=by_language,
        by_kind=by_kind,
        by_mechanism=by_mechanism,
        by_position=by_position,
        by_status=by_status,
        by_axis=_counts_by_axis(),
        with_validated_progress=recommendations.filter(_progress_reported()).count(),
    )


def mechanism_label(mechanism: Mechanism) -> str:
    # Treaty bodies and the UPR are known by their acronym (CAT, UPR); special procedures' codes are
    # English descriptions ("SR on torture"), so their name in the active language says it better.
    if mechanism.kind == Mechanism.Kind.SPECIAL_PROCEDURE or not mechanism.name or mechanism.name == mechanism.code:
        return mechanism.name or mechanism.code
    return f"{mechanism.code} · {mechanism.name}"


def _counts_by_axis() -> list[CountLine]:
    # One query: each link counts for its top-level axis (the sub-axis's parent, or the axis itself);
    # distinct because a recommendation linked to two sub-axes of one axis is one recommendation.
    through = Recommendation.national_axes.through
    totals = dict(
        through.objects.annotate(top=Coalesce(F("nationalaxis__parent_id"), F("nationalaxis_id")))
        .values_list("top")
        .annotate(n=Count("recommendation_id", distinct=True))
        .order_by()
    )
    axes = NationalAxis.objects.filter(parent__isnull=True)
    return [CountLine(axis.code, axis.name, totals.get(axis.id, 0)) for axis in axes]


# ---- the list: filters, text search, similarity ----

# The list's filters that take values from a fixed or reference list, by their name in a URL and in the API. Each
# takes several values, any of which may match (`?mechanism=CAT&mechanism=CRC`); different filters narrow each other.
FACET_FILTERS = (
    "mechanism",
    "kind",
    "review",
    "document",
    "position",
    "status",
    "progress",
    "published",
    "axis",
    "institution",
    "theme",
    "affected_person",
    "sdg_goal",
    "sdg_target",
    "recommending_state",
    "state",
    "lang",
    "overdue",
    "at_risk",
    "plan_axis",
)
MODES = ("keyword", "semantic", "hybrid")
SORTS = ("relevance", "newest", "oldest", "mechanism")
# How many hits the list asks of the search service; the list says so when a search reaches it.
SEARCH_LIMIT = 1000
# How many recommendations `similar_to` lists.
SIMILAR_LIMIT = 50

_ENUMS = {
    "kind": frozenset(Mechanism.Kind.values),
    "position": frozenset([*Position.values, POSITION_NONE]),
    "status": frozenset(ImplementationStatus.values),
    "progress": frozenset({PROGRESS_REPORTED, PROGRESS_NONE}),
    "published": frozenset({PUBLISHED_YES, PUBLISHED_NO}),
    "lang": frozenset(LANGUAGE_CODES),
    "overdue": frozenset(value for value, _label in OVERDUE_CHOICES),
    "at_risk": frozenset({AT_RISK}),
}
_NUMBERS = frozenset({"review", "sdg_goal", "plan_axis"})
_ISO_CODES = frozenset({"state", "recommending_state"})

_AXIS_LINKS = Recommendation.national_axes.through
_THEME_LINKS = Recommendation.themes.through
_AFFECTED_LINKS = Recommendation.affected_persons.through
_SDG_LINKS = Recommendation.sdg_targets.through
_RECOMMENDING_LINKS = Recommendation.recommending_states.through


@dataclass(frozen=True)
class RecommendationFilters:
    """The list's filters, read from a URL's query or the API's parameters: the values it cannot use left out."""

    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet filter → its values
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    mode: str = "keyword"
    sort: str = ""
    similar_to: int | None = None
    # The assignments the reader may see: filtering and counting by institution look only at these.
    assignments: QuerySet[Assignment] | None = None
    # The reader (a user), for the filters that look only at what they may see (``plan_axis``).
    viewer: Any = None


def recommendation_filters(filters: Mapping) -> RecommendationFilters:
    """Read ``filters``: a dict (a value or a list of values per name) or a QueryDict (``request.GET``).

    Unusable values are dropped rather than refused (a position that does not exist, a review id that is not a
    number): refusing them with a message is the form's job, this only keeps the database from seeing them.
    """
    selected = {}
    for name in FACET_FILTERS:
        values = _values(filters, name)
        if name in _ISO_CODES:
            values = [value.upper() for value in values]
        if name in _ENUMS:
            values = [value for value in values if value in _ENUMS[name]]
        if name in _NUMBERS:
            values = [str(number) for number in map(_number, values) if number is not None]
        if values:
            selected[name] = tuple(dict.fromkeys(values))
    mode = next(iter(_values(filters, "mode")), "")
    sort = next(iter(_values(filters, "sort")), "")
    return RecommendationFilters(
        selected=selected,
        year_from=_number(next(iter(_values(filters, "year_from")), "")),
        year_to=_number(next(iter(_values(filters, "year_to")), "")),
        q=next(iter(_values(filters, "q")), ""),
        mode=mode if mode in MODES else "keyword",
        sort=sort if sort in SORTS else "",
        similar_to=_number(next(iter(_values(filters, "similar_to")), "")),
    )


def _values(filters: Mapping, name: str) -> list[str]:
    raw = filters.getlist(name) if hasattr(filters, "getlist") else filters.get(name)
    if not isinstance(raw, list | tuple | set | frozenset):
        raw = [raw]
    return [text for text in (str(value).strip() for value in raw if value is not None) if text]


def _number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**31 else None


def _linked(links: QuerySet) -> Q:
    # A subquery rather than a join, so that a recommendation linked to two of the values is listed once.
    return Q(pk__in=links.values("recommendation_id"))


def _id_or_code(values: tuple[str, ...], prefix: str = "") -> Q:
    ids = [value for value in values if value.isascii() and value.isdigit()]
    return Q(**{f"{prefix}id__in": ids}) | Q(**{f"{prefix}code__in": values})


_CONDITIONS = {
    "mechanism": lambda values: Q(mechanism__code__in=values),
    "kind": lambda values: Q(mechanism__kind__in=values),
    "review": lambda values: Q(review_id__in=values),
    "document": lambda values: Q(document__symbol__in=values),
    "position": lambda values: Q(position__in=["" if value == POSITION_NONE else value for value in values]),
    "status": lambda values: Q(implementation_status__in=values),
    "progress": lambda values: reduce(
        or_, (_progress_reported() if value == PROGRESS_REPORTED else ~_progress_reported() for value in values)
    ),
    "published": lambda values: reduce(or_, (Q(publication__isnull=value == PUBLISHED_NO) for value in values)),
    "state": lambda values: Q(state__iso3__in=values),
    "lang": lambda values: reduce(or_, (~Q(**{f"text_{code}": ""}) for code in values)),
    "axis": lambda values: _linked(
        _AXIS_LINKS.objects.filter(Q(nationalaxis__code__in=values) | Q(nationalaxis__parent__code__in=values))
    ),
    "theme": lambda values: _linked(_THEME_LINKS.objects.filter(_id_or_code(values, "theme__"))),
    "affected_person": lambda values: _linked(_AFFECTED_LINKS.objects.filter(affectedperson__code__in=values)),
    "sdg_goal": lambda values: _linked(_SDG_LINKS.objects.filter(sdgtarget__goal__number__in=values)),
    "sdg_target": lambda values: _linked(_SDG_LINKS.objects.filter(sdgtarget__code__in=values)),
    "recommending_state": lambda values: _linked(_RECOMMENDING_LINKS.objects.filter(state__iso3__in=values)),
    "at_risk": _at_risk,
}


def _filtered(filters: RecommendationFilters, restriction: Q, *, skip: str = "") -> QuerySet[Recommendation]:
    """The recommendations that pass every filter but ``skip`` (a facet counts its values without its own filter)."""
    recommendations = Recommendation.objects.filter(restriction)
    for name, values in filters.selected.items():
        if name == skip:
            continue
        if name == "institution":
            condition = _linked(_assignments(filters).filter(institution__code__in=values))
        elif name == "overdue":
            condition = _overdue(values, _assignments(filters))
        elif name == "plan_axis":
            # Through the actions the reader may see only (``rasd.strategy.selectors``).
            linked = axes_recommendations(axis_ids=values, visible_to=filters.viewer)
            condition = Q(pk__in=linked.values("pk"))
        else:
            condition = _CONDITIONS[name](values)
        recommendations = recommendations.filter(condition)
    if skip != "year":
        if filters.year_from is not None:
            recommendations = recommendations.filter(year__gte=filters.year_from)
        if filters.year_to is not None:
            recommendations = recommendations.filter(year__lte=filters.year_to)
    return recommendations


def _assignments(filters: RecommendationFilters) -> QuerySet[Assignment]:
    return Assignment.objects.all() if filters.assignments is None else filters.assignments


def _in_order(ids: list[int]) -> StrIndex:
    """An expression that orders recommendations as ``ids`` lists them.

    It is the position of ",<id>," in the ids joined by commas (INSTR on SQLite, STRPOS on PostgreSQL): one query
    parameter whatever the number of ids. A CASE with one WHEN per id took 200 ms for 1,000 search hits on SQLite,
    against 15 ms for this.
    """
    joined = Value("," + ",".join(str(pk) for pk in ids) + ",")
    return StrIndex(joined, Concat(Value(","), Cast("pk", output_field=CharField()), Value(",")))


@dataclass(frozen=True)
class RecommendationResults:
    """What the list shows for a set of filters.

    ``recommendations`` is ordered by ``sort``: "relevance" lists the best search hit (or the most similar
    recommendation) first. ``hits`` holds the search service's hit for each recommendation found by the text, for
    its snippet. ``search_error`` is the service's refusal of the text (then the list is not narrowed by the text).
    ``restriction`` is what the text and the similarity leave, for the facets to count within.
    """

    recommendations: QuerySet[Recommendation]
    filters: RecommendationFilters
    sort: str
    restriction: Q
    ranked: bool = False
    hits: dict[int, Any] = field(default_factory=dict)
    capped: bool = False
    similar_by_text: bool = False
    search_error: Exception | None = None


def recommendation_results(*, filters: Mapping, visible_to=None) -> RecommendationResults:
    """The recommendations that pass ``filters`` (see ``recommendation_list``), with what the list page shows of
    the search: the snippet of each hit, whether the search reached its limit, the service's refusal of a text.

    With ``visible_to`` (a user), the institution filter and its counts use only the assignments that user may
    see: a focal point cannot learn from the list what is assigned to another institution."""
    wanted = recommendation_filters(filters)
    if visible_to is not None:
        wanted = replace(wanted, assignments=assignments_visible_to(visible_to), viewer=visible_to)
    ranking: list[int] | None = None
    restriction = Q()
    hits: dict[int, Any] = {}
    similar_by_text = capped = False
    search_error = None
    if wanted.similar_to is not None:
        try:
            ranking, similar_by_text = _similar_ids(recommendation_id=wanted.similar_to, limit=SIMILAR_LIMIT)
        except SearchQueryError as exc:
            ranking, search_error = [], exc
    if wanted.q:
        try:
            found = recommendation_search(query=wanted.q, mode=wanted.mode, limit=SEARCH_LIMIT)
        except SearchQueryError as exc:
            search_error = exc
        else:
            capped = len(found) >= SEARCH_LIMIT
            for hit in found:
                hits.setdefault(hit.recommendation_id, hit)
            if ranking is None:
                ranking = list(hits)
            else:
                similar = set(ranking)
                ranking = [pk for pk in hits if pk in similar]
    if ranking is not None:
        restriction &= Q(pk__in=ranking)
    sort = wanted.sort or ("relevance" if ranking is not None else "newest")
    if sort == "relevance" and ranking is None:
        sort = "newest"
    order = {
        "relevance": lambda: [_in_order(ranking), "id"],
        "newest": lambda: [F("year").desc(nulls_last=True), "mechanism__code", "id"],
        "oldest": lambda: [F("year").asc(nulls_last=True), "mechanism__code", "id"],
        "mechanism": lambda: ["mechanism__code", F("year").desc(nulls_last=True), "id"],
    }[sort]()
    recommendations = _filtered(wanted, restriction).select_related("mechanism", "document").order_by(*order)
    return RecommendationResults(
        recommendations=recommendations,
        filters=wanted,
        sort=sort,
        restriction=restriction,
        ranked=ranking is not None,
        hits=hits,
        capped=capped,
        similar_by_text=similar_by_text,
        search_error=search_error,
    )


def recommendation_list(*, filters: Mapping, visible_to=None) -> QuerySet[Recommendation]:
    """Recommendations matching ``filters``, a dict (one value or a list per name) or a QueryDict.

    Filters that take several values (any may match; different filters narrow each other): ``mechanism`` (code),
    ``kind``, ``review`` (id), ``document`` (symbol), ``position`` (``"none"``: not recorded), ``status``,
    ``axis`` (code; an axis includes its sub-axes), ``institution`` (code; assigned as lead or in support),
    ``theme`` (id or code), ``affected_person`` (code), ``sdg_goal`` (number), ``sdg_target`` (code),
    ``recommending_state`` and ``state`` (ISO alpha-3), ``lang`` (has a text in that language),
    ``plan_axis`` (id of a strategic plan's axis: ``rasd.strategy.selectors.plan_axis_recommendations``).
    One value each: ``year_from`` and ``year_to`` (inclusive), ``q`` (text searched by the search service in
    ``mode`` keyword, semantic or hybrid), ``similar_to``
    (a recommendation's id: the ones most like it) and ``sort`` (relevance, newest, oldest, mechanism; relevance
    is the default when there is a text or ``similar_to``, newest otherwise).

    Absent, empty and unusable values are ignored. Raises the search service's ``SearchQueryError`` (a
    ``ValueError`` whose message is for the user) when it refuses ``q``.
    """
    results = recommendation_results(filters=filters, visible_to=visible_to)
    if results.search_error is not None:
        raise results.search_error
    return results.recommendations


def search_snippets(*, results: RecommendationResults, recommendation_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(snippet HTML with <mark>, its language) of each of ``recommendation_ids`` that the search text found.

    The service gives snippets with its first hits only; those of a later page are asked of it when it offers
    ``recommendation_snippets``.
    """
    snippets = {}
    for pk in recommendation_ids:
        hit = results.hits.get(pk)
        if hit is not None and hit.snippet:
            snippets[pk] = (hit.snippet, hit.language)
    missing = [pk for pk in recommendation_ids if pk in results.hits and pk not in snippets]
    if missing:
        snippets.update(recommendation_snippets(recommendation_ids=missing, query=results.filters.q))
    return snippets


def _similar_ids(*, recommendation_id: int, limit: int) -> tuple[list[int], bool]:
    """Ids of the recommendations most like one, most similar first, and whether the likeness is of their texts.

    The search service compares the texts. Where it finds nothing (its index of meanings is built by the task
    worker, so a fresh import has none yet), likeness falls back to the national axes shared.
    """
    hits = recommendation_more_like_this(recommendation_id=recommendation_id, limit=limit)
    ids = [hit.recommendation_id for hit in hits if hit.recommendation_id != recommendation_id]
    if ids:
        return list(dict.fromkeys(ids)), True
    own_axes = _AXIS_LINKS.objects.filter(recommendation_id=recommendation_id).values("nationalaxis_id")
    sharing = (
        _AXIS_LINKS.objects.filter(nationalaxis_id__in=own_axes)
        .exclude(recommendation_id=recommendation_id)
        .values("recommendation_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "recommendation_id")
    )
    return [row["recommendation_id"] for row in sharing[:limit]], False


@dataclass(frozen=True)
class SimilarRecommendations:
    recommendations: list[Recommendation]
    by_text: bool  # False: by the national axes they share (the search service had nothing to say)
    error: str = ""


def recommendation_similar(*, recommendation_id: int, limit: int = 10) -> SimilarRecommendations:
    """Up to ``limit`` recommendations most like one, most similar first, with their mechanism and document."""
    try:
        ids, by_text = _similar_ids(recommendation_id=recommendation_id, limit=limit)
    except SearchQueryError as exc:
        return SimilarRecommendations([], True, str(exc))
    rows = Recommendation.objects.select_related("mechanism", "document").in_bulk(ids)
    return SimilarRecommendations([rows[pk] for pk in ids if pk in rows], by_text)


# ---- facets: for each filter, its values and how many recommendations each would give ----


@dataclass(frozen=True)
class FacetValue:
    value: str  # as the filter takes it in a URL
    label: str  # in the active language
    count: int
    selected: bool = False
    code: str = ""  # shown before the label (an axis's or an SDG's number)
    title: str = ""  # the full name, when the label is a short one
    children: tuple["FacetValue", ...] = ()  # sub-axes, SDG targets


@dataclass(frozen=True)
class Facet:
    name: str  # the filter
    values: tuple[FacetValue, ...]
    children_name: str = ""  # the filter of the values' children


@dataclass(frozen=True)
class Facets:
    total: int  # the recommendations in the list
    facets: list[Facet]  # those with something to show


def recommendation_facets(*, results: RecommendationResults) -> Facets:
    """Every facet of the list with the number of recommendations each value gives, counted with the search and
    all the other filters applied (standard faceting: a facet's own filter is left out, so its values add up).

    One grouped query per facet, but one for all the facets with a fixed list of values whose filter is not in
    use, one more for the names of the national axes, and one more for the sub-axes or SDG targets shown under a
    chosen value; whatever the number of recommendations. A chosen value no recommendation has is listed with 0,
    so that it can be unchosen.
    """
    wanted = results.filters

    def counted(name: str) -> QuerySet[Recommendation]:
        return _filtered(wanted, results.restriction, skip=name).order_by()

    def links(model, name: str) -> QuerySet:
        return model.objects.filter(recommendation_id__in=counted(name).values("pk")).order_by()

    choices = _choice_facets(counted, wanted)
    status = choices["status"]
    facets = [
        _related_facet(_MECHANISM, counted("mechanism"), wanted),
        choices["kind"],
        _related_facet(_REVIEW, counted("review"), wanted),
        _related_facet(_DOCUMENT, counted("document"), wanted),
        choices["position"],
        status,
        choices["progress"],
        choices["published"],
        _axis_facet(links(_AXIS_LINKS, "axis"), wanted),
        _related_facet(
            _INSTITUTION,
            _assignments(wanted).filter(recommendation_id__in=counted("institution").values("pk")).order_by(),
            wanted,
        ),
        _related_facet(_THEME, links(_THEME_LINKS, "theme"), wanted),
        _related_facet(_AFFECTED, links(_AFFECTED_LINKS, "affected_person"), wanted),
        _sdg_facet(links(_SDG_LINKS, "sdg_goal"), links(_SDG_LINKS, "sdg_target"), wanted),
        _related_facet(_RECOMMENDING, links(_RECOMMENDING_LINKS, "recommending_state"), wanted),
        _related_facet(_STATE, counted("state"), wanted),
        choices["lang"],
        _year_facet(counted("year"), wanted),
    ]
    # Every recommendation has exactly one status, so the status counts (made without the status filter) add up,
    # over the statuses chosen (all when none is), to the length of the list: it needs no query of its own.
    chosen = wanted.selected.get("status")
    total = sum(value.count for value in status.values if not chosen or value.value in chosen)
    return Facets(total, [facet for facet in facets if facet.values])


_POSITION_CHOICES = [*Position.choices, (POSITION_NONE, _("Not recorded"))]
_NAMES = ("name_ar", "name_fr", "name_en")
_SHORT_NAMES = ("short_name_ar", "short_name_fr", "short_name_en")


@dataclass(frozen=True)
class _Related:
    """A facet whose values are rows of another table, counted through ``prefix`` from the rows counted."""

    name: str
    model: type
    prefix: str  # from a counted row (a recommendation or a link) to the other table's row
    key: str  # the field the filter takes
    fields: tuple[str, ...]  # what the label needs, from the other table's row
    label: Callable[[dict], str]
    # A value may be chosen by another key too (a theme by id or code).
    also: str = ""


_MECHANISM = _Related(
    "mechanism",
    Mechanism,
    "mechanism__",
    "code",
    ("code", "kind", *_NAMES),
    lambda row: mechanism_label(Mechanism(**row)),
)
_REVIEW = _Related(
    "review",
    Review,
    "review__",
    "id",
    ("id", "cycle", "session", "year", "mechanism__code", "mechanism__kind", *(f"mechanism__{n}" for n in _NAMES)),
    lambda row: str(
        Review(
            cycle=row["cycle"],
            session=row["session"],
            year=row["year"],
            mechanism=Mechanism(**{name.removeprefix("mechanism__"): v for name, v in row.items() if "__" in name}),
        )
    ),
)
_DOCUMENT = _Related("document", Document, "document__", "symbol", ("symbol",), lambda row: row["symbol"])
_INSTITUTION = _Related(
    "institution",
    Institution,
    "institution__",
    "code",
    ("code", *_NAMES, *_SHORT_NAMES),
    lambda row: Institution(**row).name,
)
_THEME = _Related("theme", Theme, "theme__", "id", ("id", "code", *_NAMES), lambda row: Theme(**row).name, also="code")
_AFFECTED = _Related(
    "affected_person",
    AffectedPerson,
    "affectedperson__",
    "code",
    ("code", *_NAMES),
    lambda row: AffectedPerson(**row).name,
)
_STATE_FIELDS = ("iso3", *_NAMES)
_RECOMMENDING = _Related("recommending_state", State, "state__", "iso3", _STATE_FIELDS, lambda row: State(**row).name)
_STATE = _Related("state", State, "state__", "iso3", _STATE_FIELDS, lambda row: State(**row).name)


def _related_facet(spec: _Related, rows: QuerySet, wanted: RecommendationFilters) -> Facet:
    chosen = wanted.selected.get(spec.name, ())
    counted_field = "recommendation_id" if rows.model is not Recommendation else "id"
    grouped = (
        rows.exclude(**{f"{spec.prefix}{spec.key}": None})
        .values(*(spec.prefix + name for name in spec.fields))
        .annotate(n=Count(counted_field))
    )
    values, seen = [], set()
    for row in grouped:
        own = {name: row[spec.prefix + name] for name in spec.fields}
        keys = {str(own[spec.key]), str(own.get(spec.also, ""))} - {""}
        # A value chosen by its other key keeps that key in the URL, so that the link unchooses it.
        value = next((key for key in keys if key in chosen), str(own[spec.key]))
        values.append(FacetValue(value, spec.label(own), row["n"], value in chosen))
        seen |= keys
    values.sort(key=lambda v: (-v.count, v.label))
    missing = [value for value in chosen if value not in seen]
    if missing:  # rare: only when a chosen value has nothing left to count
        lookup = _id_or_code(tuple(missing)) if spec.also else Q(**{f"{spec.key}__in": missing})
        for own in spec.model.objects.filter(lookup).values(*spec.fields):
            value = next((v for v in (str(own[spec.key]), str(own.get(spec.also, ""))) if v in missing), "")
            values.append(FacetValue(value, spec.label(own), 0, True))
    return Facet(spec.name, tuple(values))


# The facets whose values are a fixed list.
_CHOICES = {
    "kind": Mechanism.Kind.choices,
    "position": _POSITION_CHOICES,
    "status": ImplementationStatus.choices,
    "progress": PROGRESS_CHOICES,
    "published": PUBLISHED_CHOICES,
    "lang": Language.choices,
}


def _has(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


# What a grouped query reads to tell a recommendation's value in each of them: a column, or for the validated
# progress and the languages, whether the recommendation has it.
_CHOICE_COLUMNS = {
    "kind": {"kind_value": F("mechanism__kind")},
    "position": {"position_value": F("position")},
    "status": {"status_value": F("implementation_status")},
    "progress": {"progress_value": _has(_progress_reported())},
    "published": {"published_value": _has(Q(publication__isnull=False))},
    "lang": {f"lang_{code}": _has(~Q(**{f"text_{code}": ""})) for code in LANGUAGE_CODES},
}


def _choice_value_keys(name: str, row: dict) -> list[str]:
    """The values of facet ``name`` that a row of ``_choice_facets``'s grouped query has."""
    if name == "lang":
        return [code for code in LANGUAGE_CODES if row[f"lang_{code}"]]
    if name == "progress":
        return [PROGRESS_REPORTED if row["progress_value"] else PROGRESS_NONE]
    if name == "published":
        return [PUBLISHED_YES if row["published_value"] else PUBLISHED_NO]
    if name == "position":
        return [row["position_value"] or POSITION_NONE]
    return [row[f"{name}_value"]]


def _choice_facets(counted: Callable[[str], QuerySet], wanted: RecommendationFilters) -> dict[str, Facet]:
    """The facets of ``_CHOICES``, by name. Those whose filter is not in use count the same recommendations, so
    one query grouped by all their columns counts their values together; one whose filter is in use counts
    without it, in a query of its own. (Grouping costs the ORM less than a conditional count per value.)"""
    unused = [name for name in _CHOICES if name not in wanted.selected]
    groups = [("", unused)] if unused else []
    groups += [(name, [name]) for name in _CHOICES if name in wanted.selected]
    facets = {}
    for skip, names in groups:
        columns = {alias: column for name in names for alias, column in _CHOICE_COLUMNS[name].items()}
        counts: dict[tuple[str, str], int] = {}
        for row in counted(skip).values(**columns).annotate(n=Count("id")):
            for name in names:
                for value in _choice_value_keys(name, row):
                    counts[name, value] = counts.get((name, value), 0) + row["n"]
        for name in names:
            chosen = wanted.selected.get(name, ())
            values = [
                FacetValue(value, str(label), counts.get((name, value), 0), value in chosen)
                for value, label in _CHOICES[name]
                if counts.get((name, value)) or value in chosen
            ]
            facets[name] = Facet(name, tuple(values))
    return facets


def _year_facet(rows: QuerySet, wanted: RecommendationFilters) -> Facet:
    """The years, latest first; a year is chosen when the range (if any) holds it."""
    low, high = wanted.year_from, wanted.year_to
    ranged = low is not None or high is not None
    grouped = rows.exclude(year=None).values_list("year").annotate(n=Count("id")).order_by("-year")
    values = [
        FacetValue(str(year), str(year), n, ranged and (low or 0) <= year <= (high or 9999)) for year, n in grouped
    ]
    return Facet("year", tuple(values))


def _axis_facet(links: QuerySet, wanted: RecommendationFilters) -> Facet:
    """The axes, each counting the recommendations linked to it or to its sub-axes; under an axis that is chosen
    or whose sub-axis is, its sub-axes."""
    chosen = wanted.selected.get("axis", ())
    fields = ("code", "position", *_NAMES, *_SHORT_NAMES)
    # A link counts for its top-level axis: the sub-axis's parent, or the axis itself. Grouped by the axis's id,
    # then the few axes read by id: half the time of one query grouping by their names through two joins.
    totals = dict(
        links.values_list(Coalesce("nationalaxis__parent_id", "nationalaxis_id")).annotate(
            n=Count("recommendation_id", distinct=True)
        )
    )
    children: dict[str, list[FacetValue]] = {}
    if chosen:
        opened = NationalAxis.objects.filter(Q(code__in=chosen) | Q(children__code__in=chosen)).values("id")
        sub = (
            links.filter(nationalaxis__parent_id__in=opened)
            .values("nationalaxis__parent__code", *(f"nationalaxis__{name}" for name in fields))
            .annotate(n=Count("recommendation_id"))
            .order_by("nationalaxis__position", "nationalaxis__code")
        )
        for row in sub:
            axis = NationalAxis(**{name: row[f"nationalaxis__{name}"] for name in fields})
            children.setdefault(row["nationalaxis__parent__code"], []).append(
                FacetValue(axis.code, axis.name, row["n"], axis.code in chosen, code=axis.code)
            )
    values, seen = [], set()
    for axis in NationalAxis.objects.filter(pk__in=totals).order_by("position", "code") if totals else ():
        kids = tuple(children.get(axis.code, ()))
        seen |= {axis.code, *(kid.value for kid in kids)}
        values.append(
            FacetValue(
                axis.code, axis.short_name, totals[axis.pk], axis.code in chosen, axis.code, axis.name, children=kids
            )
        )
    missing = [code for code in chosen if code not in seen]
    for axis in NationalAxis.objects.filter(code__in=missing) if missing else ():
        values.append(FacetValue(axis.code, axis.short_name, 0, True, axis.code, axis.name))
    return Facet("axis", tuple(values), children_name="axis")


def _sdg_facet(goal_links: QuerySet, target_links: QuerySet, wanted: RecommendationFilters) -> Facet:
    """The SDGs, each counting the recommendations linked to one of its targets; under a goal that is chosen or
    whose target is, its targets."""
    goals_chosen = wanted.selected.get("sdg_goal", ())
    targets_chosen = wanted.selected.get("sdg_target", ())
    goal_fields = ("number", "short_ar", "short_fr", "short_en")
    grouped = (
        goal_links.values(*(f"sdgtarget__goal__{name}" for name in goal_fields))
        .annotate(n=Count("recommendation_id", distinct=True))
        .order_by("sdgtarget__goal__number")
    )
    # A target's code starts with its goal's number (16.3, 5.a).
    opened = {*goals_chosen, *(code.partition(".")[0] for code in targets_chosen)}
    children: dict[str, list[FacetValue]] = {}
    if opened:
        target_fields = ("code", "title_ar", "title_fr", "title_en")
        sub = (
            target_links.filter(sdgtarget__goal__number__in=[n for n in map(_number, opened) if n is not None])
            .values("sdgtarget__goal__number", *(f"sdgtarget__{name}" for name in target_fields))
            .annotate(n=Count("recommendation_id"))
            .order_by("sdgtarget__goal__number", "sdgtarget__position")
        )
        for row in sub:
            target = SdgTarget(**{name: row[f"sdgtarget__{name}"] for name in target_fields})
            children.setdefault(str(row["sdgtarget__goal__number"]), []).append(
                FacetValue(target.code, target.title, row["n"], target.code in targets_chosen, code=target.code)
            )
    values, seen = [], set()
    for row in grouped:
        goal = SdgGoal(**{name: row[f"sdgtarget__goal__{name}"] for name in goal_fields})
        number = str(goal.number)
        seen.add(number)
        values.append(
            FacetValue(
                number, goal.short, row["n"], number in goals_chosen, number, children=tuple(children.get(number, ()))
            )
        )
    missing = [number for number in goals_chosen if number not in seen]
    for goal in SdgGoal.objects.filter(number__in=missing) if missing else ():
        values.append(FacetValue(str(goal.number), goal.short, 0, True, str(goal.number)))
    return Facet("sdg_goal", tuple(values), children_name="sdg_target")


def recommendation_with_details(
    recommendations: QuerySet[Recommendation], *, visible_to=None
) -> QuerySet[Recommendation]:
    """Everything a detail shows (page or API), in a fixed number of queries whatever the number of rows; with
    ``visible_to``, only the assignments that user may see."""
    assignments = Assignment.objects.all() if visible_to is None else assignments_visible_to(visible_to)
    return recommendations.select_related(
        "state", "mechanism", "review__mechanism", "review__state", "document", "publication"
    ).prefetch_related(
        "recommending_states",
        "themes",
        "affected_persons",
        Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal")),
        Prefetch("national_axes", queryset=NationalAxis.objects.select_related("parent")),
        Prefetch("assignments", queryset=assignments.select_related("institution").order_by("role", "id")),
    )


def recommendation_get(*, pk: int, visible_to=None) -> Recommendation | None:
    """One recommendation with everything its detail page shows."""
    return recommendation_with_details(Recommendation.objects.filter(pk=pk), visible_to=visible_to).first()
