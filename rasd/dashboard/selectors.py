"""Reads of the strategic dashboard: how far the recommendations are implemented, broken down by mechanism, review,
theme, SDG goal, national axis, institution, year and strategic-plan axis; what is overdue, per institution; what
is at risk; the UN agencies' cooperation by axis of support.

Every number is a count of the recommendation list for some filters, as the reader sees that list: each bar and
each cell carries those filters (``filters``), so that the page links the number to the list that shows the same
recommendations. The counts start from the list's own selector (``recommendation_results``) and the assignments
the reader may see (``assignments_visible_to``), and each breakdown is one grouped query whatever the number of
recommendations. The strategic plans' axes and the cooperation are counted by their own apps' selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from rasd.cooperation.models import Cooperation
from rasd.cooperation.selectors import cooperation_totals
from rasd.followup.policies import assignments_visible_to
from rasd.followup.selectors import recommendations_with_validated_progress
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Mechanism, Review
from rasd.recommendations import selectors as recommendation_selectors
from rasd.recommendations.models import ImplementationStatus, NationalAxis, Recommendation, SdgGoal, Theme
from rasd.strategy.models import StrategicPlan
from rasd.strategy.selectors import plan_axis_progress, plan_list

STATUSES = tuple(ImplementationStatus.values)
# The "how late" values of the list's `overdue` filter, the heat-map's columns, least late first.
OVERDUE_BUCKETS = (
    recommendation_selectors.OVERDUE_UNDER_3_MONTHS,
    recommendation_selectors.OVERDUE_3_TO_12_MONTHS,
    recommendation_selectors.OVERDUE_OVER_12_MONTHS,
)
# Recommendations listed under "at risk" (the count and its link give them all).
AT_RISK_SHOWN = 10

_NAMES = ("name_ar", "name_fr", "name_en")
_SHORT_NAMES = ("short_name_ar", "short_name_fr", "short_name_en")


@dataclass(frozen=True)
class Bar:
    """One bar of a status chart: the recommendations that the list ``filters`` give, counted by status."""

    filters: dict[str, str]
    label: str
    by_status: dict[str, int]
    # Of them, those with a validated progress update: reported progress, which is not implementation.
    progress: int
    title: str = ""  # the full name, when the label is a short one
    order: tuple = ()  # where the bar comes in its chart, when not by size

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class StatusChart:
    name: str  # in the page's anchors and the download's URL
    title: str
    bars: list[Bar]
    note: str = ""


@dataclass(frozen=True)
class HeatRow:
    """An institution's overdue recommendations, by how late (``OVERDUE_BUCKETS``' order)."""

    code: str
    label: str
    title: str
    cells: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass(frozen=True)
class AgencyRow:
    """A UN agency's cooperation records by axis of support (``COOPERATION_AXES``' order), and their amount."""

    code: str
    label: str
    title: str
    by_axis: tuple[int, ...]
    amount: object  # Decimal, in MAD (records in another currency are counted, not summed)

    @property
    def total(self) -> int:
        return sum(self.by_axis)


COOPERATION_AXES = tuple(Cooperation.Axis.values)


@dataclass(frozen=True)
class AtRisk:
    count: int
    first: list[Recommendation] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    charts: list[StatusChart]
    plans: list[StatusChart]  # one per strategic plan, its axes as bars
    cooperation: list[AgencyRow]
    overdue: list[HeatRow]
    overdue_count: int  # the list's ``overdue=yes``: an institution's row may share a recommendation with another
    at_risk: AtRisk

    @property
    def overall(self) -> Bar:
        """All the recommendations by status: the sum of the mechanisms' bars (each has one mechanism)."""
        bars = self.chart("mechanism").bars
        by_status = {status: sum(bar.by_status[status] for bar in bars) for status in STATUSES}
        return Bar({}, "", by_status, sum(bar.progress for bar in bars))

    def chart(self, name: str) -> StatusChart:
        return next(chart for chart in self.charts if chart.name == name)


def _listed(filters: dict, user) -> QuerySet[Recommendation]:
    return recommendation_selectors.recommendation_results(filters=filters, visible_to=user).recommendations


def _recommendations(user) -> QuerySet[Recommendation]:
    """The recommendations of the list with no filter, as ``user`` sees it."""
    return recommendation_selectors.recommendation_results(filters={}, visible_to=user).recommendations.order_by()


def _tally(
    rows: QuerySet,
    *,
    keys: dict,
    bar: Callable[[dict], tuple],
    through: str = "",
) -> list[Bar]:
    """Bars from ``rows`` (recommendations, or rows that point at them through ``through``) grouped by ``keys``
    (alias → field or expression) and by status: one query. ``bar`` makes a bar's (filters, label, title[, order])
    from a group's keys."""
    recommendation = f"{through}__id" if through else "id"
    status = f"{through}__implementation_status" if through else "implementation_status"
    validated = recommendations_with_validated_progress().values("pk")
    # Aliases of their own: a key named like a field of the rows' model ("code", "year") may not be an alias.
    aliased = {f"k_{alias}": F(key) if isinstance(key, str) else key for alias, key in keys.items()}
    grouped = (
        rows.values(**aliased, status_value=F(status))
        .annotate(
            n=Count(recommendation, distinct=True),
            progress=Count(recommendation, distinct=True, filter=Q(**{f"{recommendation}__in": validated})),
        )
        .order_by()
    )
    groups: dict[tuple, dict] = {}
    by_status: dict[tuple, dict[str, int]] = {}
    progress: dict[tuple, int] = {}
    for row in grouped:
        own = {alias: row[f"k_{alias}"] for alias in keys}
        key = tuple(own.values())
        groups.setdefault(key, own)
        by_status.setdefault(key, dict.fromkeys(STATUSES, 0))[row["status_value"]] += row["n"]
        progress[key] = progress.get(key, 0) + row["progress"]
    made = []
    for key, own in groups.items():
        filters, label, title, *order = bar(own)
        made.append(Bar(filters, label, by_status[key], progress[key], title, tuple(order)))
    return made


def _by_total(bars: list[Bar]) -> list[Bar]:
    return sorted(bars, key=lambda bar: (-bar.total, bar.label))


def _fields(prefix: str, names: tuple[str, ...]) -> dict[str, str]:
    return {name: f"{prefix}{name}" for name in names}


def _mechanism_chart(user) -> StatusChart:
    def bar(own):
        mechanism = Mechanism(**own)
        return {"mechanism": mechanism.code}, recommendation_selectors.mechanism_label(mechanism), ""

    bars = _tally(_recommendations(user), keys=_fields("mechanism__", ("code", "kind", *_NAMES)), bar=bar)
    return StatusChart("mechanism", str(_("By mechanism")), _by_total(bars))


def _review_chart(user) -> StatusChart:
    fields = ("id", "cycle", "session", "year")
    mechanism_fields = ("code", "kind", *_NAMES)

    def bar(own):
        mechanism = Mechanism(**{name: own[f"m_{name}"] for name in mechanism_fields})
        review = Review(mechanism=mechanism, **{name: own[name] for name in fields})
        return {"review": str(review.pk)}, str(review), "", -(review.year or 0), review.pk

    keys = {**_fields("review__", fields), **{f"m_{name}": f"review__mechanism__{name}" for name in mechanism_fields}}
    bars = _tally(_recommendations(user).exclude(review=None), keys=keys, bar=bar)
    return StatusChart("review", str(_("By review")), sorted(bars, key=lambda b: b.order))


def _links(model, user) -> QuerySet:
    return model.objects.filter(recommendation_id__in=_recommendations(user).values("pk"))


def _theme_chart(user) -> StatusChart:
    def bar(own):
        theme = Theme(**own)
        return {"theme": str(theme.pk)}, theme.name, ""

    bars = _tally(
        _links(Recommendation.themes.through, user),
        keys=_fields("theme__", ("id", *_NAMES)),
        bar=bar,
        through="recommendation",
    )
    return StatusChart("theme", str(_("By theme")), _by_total(bars))


def _sdg_chart(user) -> StatusChart:
    names = ("number", "short_ar", "short_fr", "short_en")

    def bar(own):
        goal = SdgGoal(**own)
        return {"sdg_goal": str(goal.number)}, str(goal), goal.short, goal.number

    bars = _tally(
        _links(Recommendation.sdg_targets.through, user),
        keys=_fields("sdgtarget__goal__", names),
        bar=bar,
        through="recommendation",
    )
    bars.sort(key=lambda b: b.order)
    note = _("A recommendation counts once under a goal, whichever of its targets it is linked to.")
    return StatusChart("sdg_goal", str(_("By Sustainable Development Goal")), bars, str(note))


def _axis_chart(user) -> StatusChart:
    # A link counts for its top-level axis (the sub-axis's parent, or the axis itself), once per recommendation,
    # as the list's `axis` filter includes the sub-axes.
    axes = {axis.pk: axis for axis in NationalAxis.objects.filter(parent__isnull=True)}

    def bar(own):
        axis = axes[own["top"]]
        return {"axis": axis.code}, f"{axis.code} {axis.short_name}", axis.name, axis.position, axis.code

    bars = _tally(
        _links(Recommendation.national_axes.through, user),
        keys={"top": Coalesce("nationalaxis__parent_id", "nationalaxis_id")},
        bar=bar,
        through="recommendation",
    )
    bars.sort(key=lambda b: b.order)
    note = _("A recommendation counts once under an axis, whether it is linked to the axis or to its sub-axes.")
    return StatusChart("axis", str(_("By national axis")), bars, str(note))


def _institution_chart(user) -> StatusChart:
    def bar(own):
        institution = Institution(**own)
        return {"institution": institution.code}, institution.short_name, institution.name

    assignments = assignments_visible_to(user).filter(recommendation_id__in=_recommendations(user).values("pk"))
    bars = _tally(
        assignments,
        keys=_fields("institution__", ("code", *_NAMES, *_SHORT_NAMES)),
        bar=bar,
        through="recommendation",
    )
    note = _("The recommendations assigned to each institution, as lead or in support.")
    return StatusChart("institution", str(_("By institution")), _by_total(bars), str(note))


def _year_chart(user) -> StatusChart:
    def bar(own):
        year = str(own["year"])
        return {"year_from": year, "year_to": year}, year, "", own["year"]

    bars = _tally(_recommendations(user).exclude(year=None), keys={"year": "year"}, bar=bar)
    bars.sort(key=lambda b: b.order)
    note = _("The status of the recommendations of each year, the year they were made: the trend over the cycles.")
    return StatusChart("year", str(_("Trend over the years")), bars, str(note))


CHARTS: dict[str, Callable] = {
    "mechanism": _mechanism_chart,
    "review": _review_chart,
    "theme": _theme_chart,
    "sdg_goal": _sdg_chart,
    "axis": _axis_chart,
    "institution": _institution_chart,
    "year": _year_chart,
}


def dashboard_chart(*, name: str, visible_to) -> StatusChart:
    """One status chart by its name (a key of ``CHARTS``), as ``visible_to`` sees the list."""
    return CHARTS[name](visible_to)


def plan_charts(*, visible_to) -> list[StatusChart]:
    """Each strategic plan's axes by status (``rasd.strategy.selectors.plan_axis_progress``): the list's
    ``plan_axis=<id>``, as ``visible_to`` sees it."""
    return [plan_chart(plan=plan, visible_to=visible_to) for plan in plan_list()]


def plan_chart(*, plan: StrategicPlan, visible_to) -> StatusChart:
    bars = [
        Bar(
            {"plan_axis": str(row["axis"].pk)},
            str(row["axis"]),
            dict(row["by_status"]),
            row["recommendations_with_validated_progress"],
        )
        for row in plan_axis_progress(plan=plan, visible_to=visible_to)
    ]
    title = _("Strategic plan: %(plan)s") % {"plan": plan.name}
    note = _("The recommendations linked to each axis: to one of its objectives, or through an action serving one.")
    return StatusChart(f"plan-{plan.pk}", str(title), bars, str(note))


def cooperation_by_agency(*, visible_to) -> list[AgencyRow]:
    """The cooperation ``visible_to`` may see, by UN agency and axis of support
    (``rasd.cooperation.selectors.cooperation_totals``), the agencies with the most records first."""
    agencies: dict[str, tuple] = {}
    for row in cooperation_totals(visible_to=visible_to):
        agency = row["agency"]
        counts, amount = agencies.get(agency.code, (agency, {}, 0))[1:]
        counts[row["axis"]] = row["count"]
        agencies[agency.code] = (agency, counts, amount + row["amount"])
    made = [
        AgencyRow(
            code,
            agency.short_name,
            agency.name if agency.name != agency.short_name else "",
            tuple(counts.get(axis, 0) for axis in COOPERATION_AXES),
            amount,
        )
        for code, (agency, counts, amount) in agencies.items()
    ]
    return sorted(made, key=lambda row: (-row.total, row.label))


def overdue_by_institution(*, visible_to) -> list[HeatRow]:
    """For each institution with overdue recommendations, how many are overdue by how late: the list's
    ``institution=<code>&overdue=<bucket>``, as ``visible_to`` sees it. One query."""
    visible = assignments_visible_to(visible_to)
    late = recommendation_selectors.late_assignments(visible)
    oldest = late.filter(recommendation_id=OuterRef("recommendation_id")).order_by("due_date").values("due_date")[:1]
    bounds = recommendation_selectors.overdue_bounds()
    under_3, from_3_to_12 = (bounds[bucket][0] for bucket in OVERDUE_BUCKETS[:2])
    bucket = Case(
        When(oldest__gte=under_3, then=Value(OVERDUE_BUCKETS[0])),
        When(oldest__gte=from_3_to_12, then=Value(OVERDUE_BUCKETS[1])),
        default=Value(OVERDUE_BUCKETS[2]),
        output_field=CharField(),
    )
    names = ("code", *_NAMES, *_SHORT_NAMES)
    grouped = (
        visible.filter(recommendation_id__in=_recommendations(visible_to).values("pk"))
        .annotate(oldest=Subquery(oldest))
        .exclude(oldest=None)
        .values(**{f"k_{name}": F(f"institution__{name}") for name in names}, bucket=bucket)
        .annotate(n=Count("recommendation_id", distinct=True))
        .order_by()
    )
    rows: dict[str, tuple[Institution, dict[str, int]]] = {}
    for row in grouped:
        institution = Institution(**{name: row[f"k_{name}"] for name in names})
        rows.setdefault(institution.code, (institution, {}))[1][row["bucket"]] = row["n"]
    made = [
        HeatRow(code, institution.short_name, institution.name, tuple(cells.get(b, 0) for b in OVERDUE_BUCKETS))
        for code, (institution, cells) in rows.items()
    ]
    return sorted(made, key=lambda row: (-row.cells[-1], -row.total, row.label))


def at_risk(*, visible_to, shown: int = AT_RISK_SHOWN) -> AtRisk:
    """The recommendations of the list's ``at_risk`` filter: how many, and the first ``shown`` of them."""
    listed = _listed({"at_risk": recommendation_selectors.AT_RISK}, visible_to)
    count = listed.count()
    return AtRisk(count, list(listed[:shown]) if count else [])


def dashboard(*, visible_to) -> Dashboard:
    """Everything the dashboard shows, as ``visible_to`` sees the recommendation list."""
    return Dashboard(
        charts=[chart(visible_to) for chart in CHARTS.values()],
        plans=plan_charts(visible_to=visible_to),
        cooperation=cooperation_by_agency(visible_to=visible_to),
        overdue=overdue_by_institution(visible_to=visible_to),
        overdue_count=_listed({"overdue": recommendation_selectors.OVERDUE}, visible_to).count(),
        at_risk=at_risk(visible_to=visible_to),
    )
