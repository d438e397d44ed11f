"""Reads of recommendations for the web pages: counts for the home page, the filtered list, one record.

The national classification has two levels (axes and their sub-axes); filtering or counting by an axis
therefore means "the axis itself or one of its sub-axes".
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from rasd.core.history import history_for
from rasd.core.models import LANGUAGE_CODES, HistoryEntry, Language
from rasd.followup.models import Assignment
from rasd.mechanisms.models import Mechanism
from rasd.recommendations.models import ImplementationStatus, NationalAxis, Position, Recommendation

# The value of the `position` filter that selects recommendations whose position is not recorded.
POSITION_NONE = "none"


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


def _axis_membership(code: str) -> QuerySet:
    """Ids of the recommendations linked to the axis ``code`` or to one of its sub-axes."""
    through = Recommendation.national_axes.through
    return through.objects.filter(Q(nationalaxis__code=code) | Q(nationalaxis__parent__code=code)).values(
        "recommendation_id"
    )


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


def recommendation_list(*, filters: dict) -> QuerySet[Recommendation]:
    """Recommendations matching ``filters``: mechanism, kind, position, status, axis, state, lang, q
    (absent or empty keys are ignored).

    ``axis`` includes the axis's sub-axes, ``position="none"`` selects a position not recorded,
    ``lang`` keeps recommendations that have a text in that language, ``q`` is a plain
    case-insensitive substring match on the three texts and the national code.
    """
    qs = Recommendation.objects.select_related("mechanism", "document")
    if value := filters.get("mechanism"):
        qs = qs.filter(mechanism__code=value)
    if value := filters.get("kind"):
        qs = qs.filter(mechanism__kind=value)
    if value := filters.get("position"):
        qs = qs.filter(position="" if value == POSITION_NONE else value)
    if value := filters.get("status"):
        qs = qs.filter(implementation_status=value)
    if value := filters.get("axis"):
        # A subquery rather than a join, so that a recommendation in two sub-axes is listed once.
        qs = qs.filter(pk__in=_axis_membership(value))
    if value := filters.get("state"):
        qs = qs.filter(state__iso3=value.upper())
    if (value := filters.get("lang")) in LANGUAGE_CODES:
        qs = qs.exclude(**{f"text_{value}": ""})
    if value := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(text_ar__icontains=value)
            | Q(text_fr__icontains=value)
            | Q(text_en__icontains=value)
            | Q(code__icontains=value)
        )
    return qs


def recommendation_get(*, pk: int) -> Recommendation | None:
    """One recommendation with everything its detail page shows, loaded in a fixed number of queries."""
    return (
        Recommendation.objects.select_related("state", "mechanism", "review__mechanism", "document")
        .prefetch_related(
            "recommending_states",
            "themes",
            "affected_persons",
            "sdg_targets",
            Prefetch("national_axes", queryset=NationalAxis.objects.select_related("parent")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("institution").order_by("role", "id")),
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def recommendation_history(*, recommendation: Recommendation) -> list[tuple[HistoryEntry, list[FieldChange]]]:
    """The change history, newest first, each field named and each value shown as a reader would."""
    entries = history_for(instance=recommendation)
    return [(entry, [_field_change(name, pair) for name, pair in entry.changes.items()]) for entry in entries]


def _field_change(name: str, pair) -> FieldChange:
    before, after = (list(pair) + [None, None])[:2]
    try:
        model_field = Recommendation._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed: its history stays readable under its old name
        return FieldChange(name, _display(before), _display(after))
    choices = dict(model_field.flatchoices) if getattr(model_field, "choices", None) else {}
    return FieldChange(
        str(getattr(model_field, "verbose_name", name)),
        _display(_choice_label(choices, before)),
        _display(_choice_label(choices, after)),
    )


def _choice_label(choices: dict, value):
    # Stored values ("supported") are shown as their translated labels; lists (many-to-many) as they are.
    return value if isinstance(value, list) else choices.get(value, value)


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)
