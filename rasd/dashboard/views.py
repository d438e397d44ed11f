"""The strategic dashboard: charts of implementation, the overdue heat-map, what is at risk, the UN cooperation;
each chart's table as CSV.

Every number on the page links to the list that shows what it counts (the recommendation list, or the cooperation
list), and a click on a chart's segment follows the same link: the page hands each chart its numbers and links in
a JSON block (``json_script``), which ``static/js/dashboard.js`` draws with Chart.js.
"""

import csv
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasd.cooperation.models import Cooperation
from rasd.dashboard import selectors
from rasd.recommendations.models import ImplementationStatus
from rasd.recommendations.selectors import AT_RISK, OVERDUE, PROGRESS_REPORTED
from rasd.reports.exports import escape_formula
from rasd.strategy.models import StrategicPlan

# Heat-map cells are shaded in this many steps (rasd-heat-1 … rasd-heat-4), 0 for none.
HEAT_LEVELS = 4
STATUS_LABELS = dict(ImplementationStatus.choices)
AXIS_LABELS = dict(Cooperation.Axis.choices)
BUCKET_TITLES = {
    selectors.OVERDUE_BUCKETS[0]: _("Less than 3 months"),
    selectors.OVERDUE_BUCKETS[1]: _("3 to 12 months"),
    selectors.OVERDUE_BUCKETS[2]: _("More than 12 months"),
}
# The title of the first column of each chart's table.
HEADINGS = {
    "mechanism": _("Mechanism"),
    "review": _("Review"),
    "theme": _("Theme"),
    "sdg_goal": _("Sustainable Development Goal"),
    "axis": _("National axis"),
    "institution": _("Institution"),
    "year": _("Year"),
    "plan": _("Strategic-plan axis"),
}
# Charts whose bars run along the time axis (vertical bars, oldest first in the reading direction).
TIME_CHARTS = frozenset({"year"})
PLAN_PREFIX = "plan-"


def list_url(**filters: str) -> str:
    """The recommendation list with ``filters``."""
    return f"{reverse('recommendation_list')}?{urlencode(filters)}" if filters else reverse("recommendation_list")


def cooperation_url(**filters: str) -> str:
    return f"{reverse('cooperation_list')}?{urlencode(filters)}"


@dataclass(frozen=True)
class Cell:
    count: object  # an int, or an amount
    url: str
    level: int = 0  # the heat-map's shade


@dataclass(frozen=True)
class Row:
    label: str
    title: str
    cells: list[Cell]  # one per column
    total: Cell
    extra: list[Cell] = field(default_factory=list)  # one per extra column


@dataclass(frozen=True)
class ChartView:
    """A chart as the page shows it: its table (rows of linked numbers) and what Chart.js draws (``data``; empty
    for a table without a chart)."""

    name: str
    title: str
    note: str
    heading: str  # the title of the table's first column
    columns: list[str]
    total: str
    extra: list[str]
    rows: list[Row]
    data: dict
    heat: bool = False

    @property
    def counted(self) -> bool:
        """Whether any row counts something: a chart of zeros (a plan no recommendation is linked to yet) is
        replaced by a sentence saying so."""
        return any(row.total.count for row in self.rows)

    def csv_lines(self) -> list[list]:
        header = [self.heading, *self.columns, self.total, *self.extra]
        lines = [
            [row.label, *(cell.count for cell in row.cells), row.total.count, *(cell.count for cell in row.extra)]
            for row in self.rows
        ]
        return [header, *lines]


def _chart_data(name: str, labels: list[str], titles: list[str], keys: list[str], names: list[str], rows) -> dict:
    """What dashboard.js draws: one dataset per column (``keys`` name their colours in dashboard.css), each
    segment with the URL its number links to."""
    return {
        "labels": labels,
        "titles": titles,
        "datasets": [
            {
                "key": key,
                "label": name,
                "data": [row.cells[i].count for row in rows],
                "urls": [row.cells[i].url for row in rows],
            }
            for i, (key, name) in enumerate(zip(keys, names, strict=True))
        ],
        "time": name in TIME_CHARTS,
    }


def _status_chart(chart: selectors.StatusChart) -> ChartView:
    rows = [
        Row(
            bar.label,
            bar.title if bar.title != bar.label else "",
            [Cell(bar.by_status[s], list_url(**bar.filters, status=s)) for s in selectors.STATUSES],
            Cell(bar.total, list_url(**bar.filters)),
            [Cell(bar.progress, list_url(**bar.filters, progress=PROGRESS_REPORTED))],
        )
        for bar in chart.bars
    ]
    names = [str(STATUS_LABELS[s]) for s in selectors.STATUSES]
    heading = HEADINGS["plan" if chart.name.startswith(PLAN_PREFIX) else chart.name]
    return ChartView(
        chart.name,
        chart.title,
        chart.note,
        str(heading),
        names,
        str(_("Total")),
        [str(_("Validated progress reported"))],
        rows,
        _chart_data(
            chart.name,
            [bar.label for bar in chart.bars],
            [bar.title or bar.label for bar in chart.bars],
            list(selectors.STATUSES),
            names,
            rows,
        ),
    )


def _heat_level(count: int, highest: int) -> int:
    return 0 if not count else max(1, -(-count * HEAT_LEVELS // highest))


def _heat_map(rows: list[selectors.HeatRow]) -> ChartView:
    highest = max((max(row.cells) for row in rows), default=0)
    made = [
        Row(
            row.label,
            row.title if row.title != row.label else "",
            [
                Cell(count, list_url(institution=row.code, overdue=bucket), _heat_level(count, highest))
                for bucket, count in zip(selectors.OVERDUE_BUCKETS, row.cells, strict=True)
            ],
            Cell(row.total, list_url(institution=row.code, overdue=OVERDUE)),
        )
        for row in rows
    ]
    note = _(
        "The overdue recommendations among those assigned to each institution: a recommendation is overdue when "
        "one of its assignments is past its due date and it is neither implemented nor not applicable. How late "
        "is counted from its oldest overdue assignment."
    )
    return ChartView(
        "overdue",
        str(_("Overdue, per institution")),
        str(note),
        str(HEADINGS["institution"]),
        [str(BUCKET_TITLES[bucket]) for bucket in selectors.OVERDUE_BUCKETS],
        str(_("Total overdue")),
        [],
        made,
        {},
        heat=True,
    )


def _cooperation_chart(rows: list[selectors.AgencyRow]) -> ChartView:
    made = [
        Row(
            row.label,
            row.title,
            [
                Cell(count, cooperation_url(agency=row.code, axis=axis))
                for axis, count in zip(selectors.COOPERATION_AXES, row.by_axis, strict=True)
            ],
            Cell(row.total, cooperation_url(agency=row.code)),
            [Cell(row.amount, cooperation_url(agency=row.code))],
        )
        for row in rows
    ]
    names = [str(AXIS_LABELS[axis]) for axis in selectors.COOPERATION_AXES]
    note = _(
        "Cooperation records of each UN agency by axis of support. Amounts add up the records in dirhams (MAD) "
        "only: amounts in other currencies are counted, not summed."
    )
    return ChartView(
        "cooperation",
        str(_("UN cooperation by agency and axis of support")),
        str(note),
        str(_("UN agency")),
        names,
        str(_("Total")),
        [str(_("Amount (MAD)"))],
        made,
        _chart_data(
            "cooperation",
            [row.label for row in rows],
            [row.title or row.label for row in rows],
            [f"axis-{axis}" for axis in selectors.COOPERATION_AXES],
            names,
            made,
        ),
    )


@login_required
def dashboard(request):
    board = selectors.dashboard(visible_to=request.user)
    overall = board.overall
    context = {
        "charts": [_status_chart(chart) for chart in board.charts if chart.name not in TIME_CHARTS],
        "trends": [_status_chart(chart) for chart in board.charts if chart.name in TIME_CHARTS],
        "plans": [_status_chart(chart) for chart in board.plans],
        "cooperation": _cooperation_chart(board.cooperation),
        "heat_map": _heat_map(board.overdue),
        "overall_total": overall.total,
        "overall_url": list_url(),
        "overall_statuses": [
            (status, STATUS_LABELS[status], Cell(overall.by_status[status], list_url(status=status)))
            for status in selectors.STATUSES
        ],
        "implemented": Cell(
            overall.by_status[ImplementationStatus.IMPLEMENTED], list_url(status=ImplementationStatus.IMPLEMENTED)
        ),
        "progress": Cell(overall.progress, list_url(progress=PROGRESS_REPORTED)),
        "overdue": Cell(board.overdue_count, list_url(overdue=OVERDUE)),
        "at_risk": board.at_risk,
        "at_risk_url": list_url(at_risk=AT_RISK),
    }
    return render(request, "dashboard/dashboard.html", context)


def _chart_view(name: str, user) -> ChartView:
    if name == "overdue":
        return _heat_map(selectors.overdue_by_institution(visible_to=user))
    if name == "cooperation":
        return _cooperation_chart(selectors.cooperation_by_agency(visible_to=user))
    if name in selectors.CHARTS:
        return _status_chart(selectors.dashboard_chart(name=name, visible_to=user))
    plan_id = name.removeprefix(PLAN_PREFIX)
    if name.startswith(PLAN_PREFIX) and plan_id.isascii() and plan_id.isdigit():
        plan = StrategicPlan.objects.filter(pk=int(plan_id)).first()
        if plan is not None:
            return _status_chart(selectors.plan_chart(plan=plan, visible_to=user))
    raise Http404


@login_required
def dashboard_csv(request, chart: str):
    """A chart's table as CSV: the numbers the page shows, headers and labels in the reader's language."""
    view = _chart_view(chart, request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="rasd-dashboard-{chart}-{timezone.localdate().isoformat()}.csv"'
    )
    # A byte-order mark, without which Excel reads Arabic as Latin-1.
    response.write("\ufeff")
    writer = csv.writer(response)
    for line in view.csv_lines():
        writer.writerow([escape_formula(value) if isinstance(value, str) else value for value in line])
    return response
