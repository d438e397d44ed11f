"""The strategic dashboard: every number it shows equals a count made directly from the database, for a coordinator
and for a focal point (who sees only their institution's assignments); each number links to a list that shows
exactly that many; each chart's table downloads as CSV; the list's `overdue` and `at_risk` filters select exactly
the right recommendations.

The expected counts are made here with plain queries and sets, written from the definitions (an assignment is late
when it is past its due date and its recommendation neither implemented nor not applicable; a group recurs when
its members come from two reviews or more…), not from the code under test.
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rasd.cooperation.models import Cooperation
from rasd.cooperation.selectors import cooperation_list
from rasd.followup.models import Action, Assignment, ProgressUpdate
from rasd.followup.selectors import today
from rasd.intelligence.models import DuplicateGroup, DuplicateMembership
from rasd.mechanisms.models import Mechanism
from rasd.recommendations import selectors
from rasd.recommendations.models import ImplementationStatus, NationalAxis, Recommendation, SdgTarget, Theme
from rasd.strategy.models import Objective, PlanAxis, StrategicPlan
from tests.conftest import institution, login

LIST = "/recommendations/"
SETTLED = {ImplementationStatus.IMPLEMENTED, ImplementationStatus.NOT_APPLICABLE}


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def months_ago(months: int) -> datetime.date:
    day = today()
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("no such day")


@pytest.fixture
def board(people):
    """The demo set with follow-up for every part of the dashboard to count: assignments of the Ministry of
    Justice and of the Interior late by weeks, months and years (one recommendation late at both, one implemented
    and so never late), near-duplicate groups across reviews, themes, SDG targets, validated progress, a strategic
    plan and UN cooperation."""
    justice, interior = institution("justice"), institution("interieur")
    alice = people.alice
    not_started = Recommendation.objects.filter(implementation_status=ImplementationStatus.NOT_STARTED)
    in_progress = Recommendation.objects.filter(implementation_status=ImplementationStatus.IN_PROGRESS)

    def due(recommendation, inst, date):
        Assignment.objects.update_or_create(
            recommendation=recommendation, institution=inst, defaults={"due_date": date, "role": "lead"}
        )

    late = list(in_progress.order_by("id")[:8])
    # Only the assignments below: the demo set gives some of them to several institutions already.
    Assignment.objects.filter(recommendation__in=late).delete()
    due(late[0], justice, days_ago(20))  # < 3 months
    due(late[1], justice, days_ago(200))  # 3–12 months
    due(late[2], justice, months_ago(12) - datetime.timedelta(days=1))  # just over 12 months
    due(late[3], justice, months_ago(3))  # just under 3 months: the boundary day
    due(late[4], justice, days_ago(-30))  # not yet due
    due(late[5], justice, days_ago(600))  # late at the Ministry of Justice…
    due(late[5], interior, days_ago(10))  # …and at the Interior, less so
    due(late[6], interior, days_ago(100))
    implemented = Recommendation.objects.filter(implementation_status=ImplementationStatus.IMPLEMENTED).first()
    due(implemented, justice, days_ago(400))  # settled: never late

    # Near-duplicate groups: across two reviews (a member without a review is a review of its own), or within one.
    reviewed = list(not_started.exclude(review=None).order_by("id")[:4])
    unreviewed = list(not_started.filter(review=None).order_by("id")[:3])
    busy = in_progress.exclude(review=None).order_by("-id").first()

    def group(*members):
        made = DuplicateGroup.objects.create(anchor=members[0], similarity=0.9, size=len(members))
        for member in members:
            DuplicateMembership.objects.create(group=made, recommendation=member, similarity=0.9)

    group(reviewed[0], unreviewed[0])  # recurring, both not started: both at risk
    group(busy, unreviewed[1])  # recurring: only the one not started is at risk
    group(reviewed[1], reviewed[2])  # one review: not recurring
    group(unreviewed[2], reviewed[3], late[7])  # recurring, two of three not started

    # Themes (one named like a spreadsheet formula), SDG targets (two of one goal on one recommendation).
    formula = Theme.objects.create(
        vocabulary="national", code="formula", name_ar="=1+1", name_fr="=1+1", name_en="=HYPERLINK(1)"
    )
    rights = Theme.objects.create(
        vocabulary="national", code="rights", name_ar="حقوق", name_fr="Droits", name_en="Rights"
    )
    some = list(Recommendation.objects.order_by("id")[:12])
    for recommendation in some[:5]:
        recommendation.themes.add(formula)
    for recommendation in some[3:9]:
        recommendation.themes.add(rights)
    for recommendation in some[6:12]:
        recommendation.sdg_targets.add(*SdgTarget.objects.filter(code__in=["16.3", "16.a"]))
    some[0].sdg_targets.add(SdgTarget.objects.get(code="5.1"))

    # Validated progress: on a recommendation, and through an action; a submitted one does not count.
    action = Action.objects.create(title="Action de la Justice", institution=justice, created_by=alice)
    action.recommendations.add(late[1], some[2])
    other_action = Action.objects.create(title="Action de l'Intérieur", institution=interior, created_by=alice)
    other_action.recommendations.add(late[6])
    for kwargs, status in (
        ({"recommendation": late[0]}, "validated"),
        ({"action": action}, "validated"),
        ({"recommendation": late[2]}, "submitted"),
    ):
        ProgressUpdate.objects.create(
            institution=justice, date=days_ago(5), status=status, text="Fait.", created_by=people.fatima, **kwargs
        )

    # A strategic plan: an objective linked to two recommendations, actions serving another objective.
    plan = StrategicPlan.objects.create(code="didh-2025-2030", name_en="DIDH 2025–2030", start_year=2025)
    first = PlanAxis.objects.create(plan=plan, code="1", name_en="Coordination", position=1)
    second = PlanAxis.objects.create(plan=plan, code="2", name_en="Cooperation", position=2)
    PlanAxis.objects.create(plan=plan, code="3", name_en="Empty", position=3)
    objective = Objective.objects.create(axis=first, code="1.1", name_en="Follow up")
    objective.recommendations.add(some[0], some[1])
    served = Objective.objects.create(axis=second, code="2.1", name_en="Implement")
    Action.objects.filter(pk__in=[action.pk, other_action.pk]).update(objective=served)

    # UN cooperation, one record in euros (counted, not summed) and one linked to the Justice's action.
    undp, unicef = institution("undp"), institution("unicef")
    for agency, axis, amount, currency in (
        (undp, "expertise", 1000, "MAD"),
        (undp, "expertise", 500, "MAD"),
        (undp, "logistics", 200, "EUR"),
        (unicef, "capacity_building", 3000, "MAD"),
    ):
        record = Cooperation.objects.create(
            agency=agency, axis=axis, title=f"{agency.code} {axis}", amount=amount, currency=currency, created_by=alice
        )
        if agency == unicef:
            record.actions.add(action)
    return {"late": late, "implemented": implemented, "plan": plan}


# ---- the expected counts, from the database directly ----


def visible_assignments(user):
    if user.is_coordinator:
        return Assignment.objects.all()
    return Assignment.objects.filter(institution=user.institution)


def ids(queryset) -> set[int]:
    return set(queryset.values_list("id", flat=True))


def oldest_late(user) -> dict[int, datetime.date]:
    """Each recommendation's oldest late assignment that ``user`` may see."""
    oldest: dict[int, datetime.date] = {}
    for assignment in visible_assignments(user).select_related("recommendation"):
        due = assignment.due_date
        if due and due < today() and assignment.recommendation.implementation_status not in SETTLED:
            rid = assignment.recommendation_id
            oldest[rid] = min(due, oldest.get(rid, due))
    return oldest


def at_risk_ids() -> set[int]:
    found = set()
    for group in DuplicateGroup.objects.all():
        members = list(Recommendation.objects.filter(duplicate_membership__group=group))
        occasions = {("review", r.review_id) if r.review_id else ("alone", r.pk) for r in members}
        if len(occasions) >= 2:
            found |= {r.pk for r in members if r.implementation_status == ImplementationStatus.NOT_STARTED}
    return found


def progress_ids() -> set[int]:
    found = set()
    for update in ProgressUpdate.objects.filter(status="validated"):
        if update.recommendation_id:
            found.add(update.recommendation_id)
        else:
            found |= ids(update.action.recommendations.all())
    return found


def plan_axis_ids(axis_id: int, user) -> set[int]:
    direct = ids(Recommendation.objects.filter(objectives__axis_id=axis_id))
    actions = Action.objects.filter(objective__axis_id=axis_id)
    if not user.is_coordinator:
        own = user.institution
        actions = [a for a in actions if a.institution_id == own.pk or own in a.supporting_institutions.all()]
    return direct | {r for action in actions for r in ids(action.recommendations.all())}


def lateness(day: datetime.date, value: str) -> bool:
    three, twelve = months_ago(3), months_ago(12)
    return {
        "yes": True,
        "under_3_months": day >= three,
        "3_to_12_months": twelve <= day < three,
        "over_12_months": day < twelve,
    }[value]


def expected(query: str, user) -> int:
    """How many recommendations the list's ``query`` selects, as ``user`` sees them, counted without the list."""
    found = ids(Recommendation.objects.all())
    params: dict[str, str] = dict(parse_qsl(query))
    for name, value in params.items():
        if name == "mechanism":
            found &= ids(Recommendation.objects.filter(mechanism__code=value))
        elif name == "status":
            found &= ids(Recommendation.objects.filter(implementation_status=value))
        elif name == "review":
            found &= ids(Recommendation.objects.filter(review_id=value))
        elif name == "theme":
            found &= ids(Recommendation.objects.filter(themes__id=value))
        elif name == "sdg_goal":
            found &= ids(Recommendation.objects.filter(sdg_targets__goal__number=value))
        elif name == "axis":
            axis = NationalAxis.objects.get(code=value)
            found &= ids(Recommendation.objects.filter(national_axes__in=[axis, *axis.children.all()]))
        elif name == "institution":
            found &= {a.recommendation_id for a in visible_assignments(user).filter(institution__code=value)}
        elif name in ("year_from", "year_to"):
            found &= ids(Recommendation.objects.filter(year=value))
        elif name == "progress":
            assert value == "reported"
            found &= progress_ids()
        elif name == "at_risk":
            found &= at_risk_ids()
        elif name == "plan_axis":
            found &= plan_axis_ids(int(value), user)
        elif name == "overdue":
            oldest = oldest_late(user)
            found &= {rid for rid, day in oldest.items() if lateness(day, value)}
        else:
            raise AssertionError(f"a link with a filter this test does not know: {name}")
    return len(found)


# ---- reading the page ----


class LinkedNumbers(HTMLParser):
    """(href, number) of each link whose first <bdi> holds a number, and the JSON blocks of the charts."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, int]] = []
        self.href = None
        self.in_bdi = False
        self.taken = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.href, self.taken = attrs.get("href"), False
        elif tag == "bdi" and self.href:
            self.in_bdi = True

    def handle_endtag(self, tag):
        if tag == "a":
            self.href = None
        elif tag == "bdi":
            self.in_bdi = False

    def handle_data(self, data):
        if self.in_bdi and self.href and not self.taken and re.fullmatch(r"[\d,]+(\.\d+)?", data.strip()):
            self.links.append((self.href.replace("&amp;", "&"), data.strip()))
            self.taken = True


def dashboard_page(client, user):
    login(client, user)
    client.cookies["django_language"] = "en"
    response = client.get("/dashboard/")
    assert response.status_code == 200
    parser = LinkedNumbers()
    parser.feed(response.content.decode())
    return response, parser.links


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def list_count(client, url: str) -> int:
    page = client.get(url).content.decode()
    found = re.search(r'class="rasd-result-count[^"]*"[^>]*>\s*(?:<bdi>)?([\d,]+)', page)
    assert found, f"no count on {url}"
    return int(found.group(1).replace(",", ""))


# ---- the numbers ----


@pytest.mark.parametrize("who", ["alice", "fatima"])
def test_every_number_on_the_dashboard_equals_a_count_made_from_the_database(client, people, board, who):
    user = getattr(people, who)
    response, links = dashboard_page(client, user)
    recommendation_links = [(href, n) for href, n in links if href.startswith(LIST)]
    assert len(recommendation_links) > 100
    wrong = [
        (href, n, expected(urlsplit(href).query, user))
        for href, n in recommendation_links
        if number(n) != expected(urlsplit(href).query, user)
    ]
    assert wrong == []


@pytest.mark.parametrize("who", ["alice", "fatima"])
def test_each_chart_segment_carries_the_number_and_link_of_its_table_cell(client, people, board, who):
    response, links = dashboard_page(client, getattr(people, who))
    table = {href: number(n) for href, n in links}
    charts = [*response.context["charts"], *response.context["plans"], *response.context["trends"]]
    segments = 0
    for chart in [*charts, response.context["cooperation"]]:
        for dataset in chart.data["datasets"]:
            for count, url in zip(dataset["data"], dataset["urls"], strict=True):
                assert table[url] == count
                segments += 1
    assert segments > 100


@pytest.mark.parametrize("who", ["alice", "fatima"])
def test_each_number_links_to_a_list_that_shows_exactly_that_many(client, people, board, who):
    user = getattr(people, who)
    _response, links = dashboard_page(client, user)
    # Every filter and every kind of number, once or more: the first links of each kind of query.
    seen, checked = set(), 0
    for href, n in links:
        if not href.startswith(LIST):
            continue
        kind = tuple(sorted(name for name, _value in parse_qsl(urlsplit(href).query)))
        if kind in seen and "overdue" not in kind:
            continue
        seen.add(kind)
        assert list_count(client, href) == number(n), href
        checked += 1
    assert {"overdue", "at_risk", "plan_axis", "progress", "year_from"} <= {name for kind in seen for name in kind}
    assert checked > 15


def test_a_focal_point_sees_only_their_institution_in_the_institution_chart_and_the_heat_map(client, people, board):
    response, _links = dashboard_page(client, people.fatima)
    institutions = next(chart for chart in response.context["charts"] if chart.name == "institution")
    assert [row.label for row in institutions.rows] == [institution("justice").short_name]
    heat = response.context["heat_map"]
    assert [row.label for row in heat.rows] == [institution("justice").short_name]
    # Late at the Interior only, the recommendation is not overdue for the Justice's focal point.
    assert response.context["overdue"].count == 5

    response, _links = dashboard_page(client, people.alice)
    heat = {row.label: [cell.count for cell in row.cells] for row in response.context["heat_map"].rows}
    # The Justice: 20 days and 3 months to the day (< 3 months), 200 days, over 12 months (two, one late
    # at the Interior too). The Interior: its two, the one also late at the Justice counted by its oldest date.
    assert heat[institution("justice").short_name] == [2, 1, 2]
    assert heat[institution("interieur").short_name] == [0, 1, 1]


def test_the_heat_map_shades_its_cells_by_how_many_are_overdue(client, people, board):
    response, _links = dashboard_page(client, people.alice)
    page = response.content.decode()
    assert "rasd-heat rasd-heat-4" in page and "rasd-heat rasd-heat-0" in page
    assert " style=" not in page and "<style" not in page


def test_the_at_risk_section_counts_and_lists_the_recurring_recommendations_not_started(client, people, board):
    response, _links = dashboard_page(client, people.alice)
    at_risk = response.context["at_risk"]
    assert at_risk.count == len(at_risk_ids()) == 5
    assert {r.pk for r in at_risk.first} == at_risk_ids()


def test_cooperation_numbers_equal_the_records_and_link_to_the_cooperation_list(client, people, board):
    response, links = dashboard_page(client, people.alice)
    rows = {row.label: row for row in response.context["cooperation"].rows}
    assert len(rows) == 2
    undp, unicef = institution("undp"), institution("unicef")
    assert [cell.count for cell in rows[undp.short_name].cells] == [2, 0, 0, 1]
    assert rows[undp.short_name].extra[0].count == Decimal(1500)  # the euros are not added to dirhams
    assert rows[unicef.short_name].total.count == 1
    counted = 0
    for row in rows.values():
        for cell in [*row.cells, row.total]:
            filters = dict(parse_qsl(urlsplit(cell.url).query))
            assert urlsplit(cell.url).path == "/cooperation/"
            assert cooperation_list(visible_to=people.alice, filters=filters).count() == cell.count
            assert (
                Cooperation.objects.filter(agency__code=filters["agency"])
                .filter(**({"axis": filters["axis"]} if "axis" in filters else {}))
                .count()
                == cell.count
            )
            counted += 1
        amount = Cooperation.objects.filter(agency__code=row.total.url.rsplit("=", 1)[1], currency="MAD")
        assert row.extra[0].count == sum(record.amount for record in amount)
    assert counted == 2 * 5
    assert ("/cooperation/?agency=undp&axis=expertise", "2") in links

    # The focal point sees the cooperation linked to their institution's actions only.
    response, _links = dashboard_page(client, people.fatima)
    assert [row.label for row in response.context["cooperation"].rows] == [unicef.short_name]


def test_the_strategic_plan_section_counts_each_axis_with_the_actions_the_reader_may_see(client, people, board):
    plan = board["plan"]
    # The second axis: the Justice's action (two recommendations) and the Interior's (one).
    for user, second in ((people.alice, 3), (people.fatima, 2)):
        response, _links = dashboard_page(client, user)
        (chart,) = response.context["plans"]
        assert chart.name == f"plan-{plan.pk}"
        assert [row.total.count for row in chart.rows] == [2, second, 0]


def test_a_plan_no_recommendation_is_linked_to_says_so_rather_than_drawing_an_empty_chart(client, people):
    plan = StrategicPlan.objects.create(code="empty-plan", name_en="An empty plan", start_year=2025)
    PlanAxis.objects.create(plan=plan, code="1", name_en="Governance")
    login(client, people.alice)
    client.cookies["django_language"] = "en"
    page = client.get("/dashboard/").content.decode()
    section = page[page.index(f'id="chart-plan-{plan.pk}"') :]
    section = section[: section.index("</section>")]
    assert "Nothing to count yet." in section
    assert "<canvas" not in section


def test_the_home_page_and_the_menu_link_to_the_dashboard(client, people):
    login(client, people.fatima)
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert page.count('href="/dashboard/"') == 2


def test_the_dashboard_is_for_logged_in_users(client, demo_data):
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/dashboard/mechanism.csv").status_code == 302


def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_data(client, people, board):
    login(client, people.alice)
    client.get("/dashboard/")  # the session and the user, read once
    with CaptureQueriesContext(connection) as first:
        client.get("/dashboard/")
    # Twice the follow-up: more assignments late, more groups, more themes.
    for assignment in Assignment.objects.filter(due_date=None)[:300]:
        assignment.due_date = days_ago(assignment.pk % 700)
        assignment.save(update_fields=["due_date"])
    Theme.objects.get(code="rights").recommendations.add(*Recommendation.objects.order_by("-id")[:200])
    with CaptureQueriesContext(connection) as second:
        client.get("/dashboard/")
    assert len(second) == len(first)
    # One grouped query per breakdown, the strategic plan's per axis.
    assert len(first) <= 40


# ---- the downloads ----


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize(
    "chart", ["mechanism", "review", "theme", "sdg_goal", "axis", "institution", "year", "overdue", "cooperation"]
)
def test_each_chart_downloads_as_csv_with_the_numbers_of_its_table(client, people, board, chart):
    response, _links = dashboard_page(client, people.alice)
    views = {view.name: view for view in [*response.context["charts"], *response.context["trends"]]}
    views.update(overdue=response.context["heat_map"], cooperation=response.context["cooperation"])
    view = views[chart]
    rows = read_csv(client.get(f"/dashboard/{chart}.csv"))
    assert rows[0] == [view.heading, *view.columns, view.total, *view.extra]
    assert len(rows) == len(view.rows) + 1 > 1
    for line, row in zip(rows[1:], view.rows, strict=True):
        numbers = [cell.count for cell in row.cells] + [row.total.count] + [cell.count for cell in row.extra]
        assert [Decimal(value) for value in line[1:]] == [Decimal(n) for n in numbers]


def test_the_csv_escapes_a_label_that_a_spreadsheet_would_run_as_a_formula(client, people, board):
    login(client, people.alice)
    client.cookies["django_language"] = "en"
    rows = read_csv(client.get("/dashboard/theme.csv"))
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]
    assert not any(row[0].startswith("=") for row in rows)


def test_the_csv_follows_the_readers_language(client, people, board):
    login(client, people.alice)
    client.cookies["django_language"] = "ar"
    rows = read_csv(client.get("/dashboard/mechanism.csv"))
    with translation.override("ar"):
        not_started = str(ImplementationStatus.NOT_STARTED.label)
    assert not_started != "Not started"
    assert rows[0][1] == not_started


def test_an_unknown_chart_has_no_download(client, people, board):
    login(client, people.alice)
    assert client.get("/dashboard/nothing.csv").status_code == 404
    assert client.get("/dashboard/plan-999999.csv").status_code == 404
    assert client.get("/dashboard/plan-x.csv").status_code == 404


# ---- the list's filters ----


def listed(filters, user=None) -> set[int]:
    return ids(selectors.recommendation_list(filters=filters, visible_to=user))


def test_overdue_selects_the_recommendations_with_a_late_assignment_that_are_not_settled(people, board):
    late = board["late"]
    expected_ids = {late[i].pk for i in (0, 1, 2, 3, 5, 6)}
    assert listed({"overdue": "yes"}, people.alice) == expected_ids
    assert board["implemented"].pk not in listed({"overdue": "yes"}, people.alice)  # implemented: settled
    assert late[4].pk not in listed({"overdue": "yes"}, people.alice)  # not yet due


def test_how_late_is_counted_from_the_oldest_late_assignment_and_the_values_split_the_overdue(people, board):
    late = board["late"]
    alice = people.alice
    assert listed({"overdue": "under_3_months"}, alice) == {late[0].pk, late[3].pk}
    assert listed({"overdue": "3_to_12_months"}, alice) == {late[1].pk, late[6].pk}
    assert listed({"overdue": "over_12_months"}, alice) == {late[2].pk, late[5].pk}
    assert listed({"overdue": ["under_3_months", "over_12_months"]}, alice) == {
        late[0].pk,
        late[3].pk,
        late[2].pk,
        late[5].pk,
    }


def test_a_focal_point_sees_overdue_only_through_their_institutions_assignments(people, board):
    late = board["late"]
    assert listed({"overdue": "yes"}, people.karim) == {late[5].pk, late[6].pk}
    # Late at the Interior since 10 days only, as the Interior's focal point sees it.
    assert listed({"overdue": "under_3_months"}, people.karim) == {late[5].pk}


def test_at_risk_selects_the_recurring_recommendations_not_started(people, board):
    assert listed({"at_risk": "yes"}, people.alice) == at_risk_ids()
    assert len(at_risk_ids()) == 5


def test_the_list_names_the_overdue_and_at_risk_filters_in_use_and_refuses_unknown_values(client, people, board):
    login(client, people.alice)
    client.cookies["django_language"] = "en"
    page = client.get(f"{LIST}?overdue=over_12_months&at_risk=yes").content.decode()
    assert "Overdue by more than 12 months" in page and "Recurring and not started" in page
    # A value the filter does not know is dropped, as the list drops any unusable filter.
    assert listed({"overdue": "tomorrow"}) == ids(Recommendation.objects.all())


def test_the_mechanism_chart_lists_every_mechanism_with_recommendations(client, people, board):
    response, _links = dashboard_page(client, people.alice)
    chart = next(chart for chart in response.context["charts"] if chart.name == "mechanism")
    assert len(chart.rows) == Mechanism.objects.filter(recommendations__isnull=False).distinct().count()
