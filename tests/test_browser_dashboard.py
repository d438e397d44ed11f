"""The dashboard in a real browser: the demo coordinator logs in (password and authenticator code), opens the
dashboard, clicks a segment of a chart — found where Chart.js drew it — and lands on the recommendation list
filtered the same way, showing as many recommendations as the segment counts. In Arabic the bars grow from the
right; the click still finds its segment. The page breaks no rule of the Content-Security-Policy, has no serious
accessibility violation, and is left as ``dashboard/dashboard-<language>.png`` in the screenshot folder.
"""

import datetime
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings

from rasd.accounts.models import User
from rasd.cooperation.models import Cooperation
from rasd.followup.models import Assignment
from rasd.followup.selectors import today
from rasd.institutions.models import Institution
from rasd.intelligence.models import DuplicateGroup, DuplicateMembership
from rasd.recommendations.models import ImplementationStatus, Recommendation
from rasd.strategy.demo import panddh_load
from rasd.strategy.models import Objective
from tests.conftest import totp_code, totp_device
from tests.test_browser import DESKTOP, browser, direction_and_language, screenshot_dir
from tests.test_browser_accessibility import axe_source, report, serious_violations
from tests.test_browser_followup import demo_users

# The browser, the demo users and axe-core are other modules' fixtures: pytest finds them here by these names.
__all__ = ["axe_source", "browser", "demo_users"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("ar", "fr", "en")


@pytest.fixture
def follow_up(demo_users):
    """Some of the demo set's assignments late by weeks to years, two near-duplicate groups across reviews, the
    PANDDH demo plan with recommendations linked to its objectives, and UN cooperation."""
    panddh_load()
    recommendations = list(Recommendation.objects.order_by("id"))
    for n, objective in enumerate(Objective.objects.filter(axis__plan__code="panddh").order_by("id")):
        objective.recommendations.add(*recommendations[n * 7 : n * 7 + 5 + n % 4])
    coordinator = demo_users["coordinator"]
    for n, (agency, axis) in enumerate(
        [("undp", "expertise"), ("undp", "capacity_building"), ("unicef", "capacity_building"), ("ohchr", "expertise")]
        + [("ohchr", "hrba_integration"), ("unfpa", "logistics"), ("undp", "expertise")]
    ):
        Cooperation.objects.create(
            agency=Institution.objects.get(code=agency),
            axis=axis,
            title=f"{agency} {axis}",
            amount=100000 * (n + 1),
            created_by=coordinator,
        )
    for n, assignment in enumerate(Assignment.objects.order_by("id")[:240]):
        assignment.due_date = today() - datetime.timedelta(days=(n * 37) % 800 - 60)
        assignment.save(update_fields=["due_date"])
    not_started = Recommendation.objects.filter(implementation_status=ImplementationStatus.NOT_STARTED)
    for first, second in zip(
        not_started.exclude(review=None).order_by("id")[:2], not_started.filter(review=None).order_by("id")[:2]
    ):
        group = DuplicateGroup.objects.create(anchor=first, similarity=0.9, size=2)
        for member in (first, second):
            DuplicateMembership.objects.create(group=group, recommendation=member, similarity=0.9)


def coordinator_page(browser, live_server):
    """The demo coordinator, logged in once through the login form and the authenticator's code."""
    context = browser.new_context(locale="ar", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", "rasd-demo-login")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/two-factor/verify/" in page.url, page.url
    page.fill("#id_code", totp_code(totp_device(User.objects.get(username="coordinator"))))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == f"{live_server.url}/"
    return page


def in_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


def open_dashboard(page, live_server, language: str) -> list[str]:
    """The dashboard in ``language``, its charts drawn; the browser's complaints (a CSP violation…) returned."""
    in_language(page, live_server, language)
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length > 0")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))"
    )
    assert direction_and_language(page) == ("rtl" if language == "ar" else "ltr", language)
    return complaints


def segment(page, chart: str, status: str, bar: int) -> dict:
    """Where Chart.js drew the segment of ``status`` in bar ``bar`` of ``chart``, with its number and link."""
    return page.evaluate(
        """([chart, status, bar]) => {
            const canvas = document.querySelector(`canvas[data-chart="chart-data-${chart}"]`);
            canvas.scrollIntoView({block: "center", behavior: "instant"});  // not smooth: measured now
            const data = JSON.parse(document.getElementById(`chart-data-${chart}`).textContent);
            const index = data.datasets.findIndex(set => set.key === status);
            const drawn = window.Chart.getChart(canvas);
            const point = drawn.getDatasetMeta(index).data[bar].getCenterPoint();
            const box = canvas.getBoundingClientRect();
            return {
                x: box.left + point.x, y: box.top + point.y,
                count: data.datasets[index].data[bar], url: data.datasets[index].urls[bar],
                label: data.labels[bar], reversed: drawn.options.scales.x.reverse,
                start: drawn.getDatasetMeta(0).data[bar].base, end: point.x,
            };
        }""",
        [chart, status, bar],
    )


def listed_count(page) -> int:
    return int(re.sub(r"\D", "", page.inner_text("#rasd-results .rasd-result-count").split()[0]))


def test_a_click_on_a_chart_segment_opens_the_list_it_counts_in_each_language(
    browser, live_server, demo_users, follow_up, axe_source
):
    page = coordinator_page(browser, live_server)
    folder = screenshot_dir() / "dashboard"
    folder.mkdir(exist_ok=True)
    for language in LANGUAGES:
        complaints = open_dashboard(page, live_server, language)
        page.screenshot(path=str(folder / f"dashboard-{language}.png"), full_page=True)
        # The charts and tables fit the page's width (the menu above them is the base template's).
        overflow = page.evaluate("(main => main.scrollWidth - main.clientWidth)(document.querySelector('main'))")
        assert overflow <= 0, f"the dashboard in {language} is {overflow}px wider than its column"
        violations = serious_violations(page, axe_source)
        assert violations == [], report({language: violations})

        # The mechanisms' first bar (the one with most recommendations), its "in progress" segment.
        target = segment(page, "mechanism", ImplementationStatus.IN_PROGRESS, 0)
        assert target["count"] > 0
        # Right to left in Arabic: the bar starts at the right and grows leftwards.
        assert target["reversed"] == (language == "ar")
        assert (target["end"] < target["start"]) == (language == "ar")
        with page.expect_navigation():
            page.mouse.click(target["x"], target["y"])
        assert urlsplit(page.url).path == "/recommendations/"
        assert parse_qsl(urlsplit(page.url).query) == parse_qsl(urlsplit(target["url"]).query)
        assert dict(parse_qsl(urlsplit(page.url).query))["status"] == ImplementationStatus.IN_PROGRESS
        assert listed_count(page) == target["count"]
        assert complaints == [], complaints

    # The trend over the years: a vertical bar, earliest year first in the reading direction.
    open_dashboard(page, live_server, "ar")
    target = segment(page, "year", ImplementationStatus.IMPLEMENTED, 0)
    with page.expect_navigation():
        page.mouse.click(target["x"], target["y"])
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert query["year_from"] == query["year_to"] == target["label"]
    assert listed_count(page) == target["count"]


def test_the_overdue_heat_map_links_each_cell_to_its_list(browser, live_server, demo_users, follow_up):
    page = coordinator_page(browser, live_server)
    open_dashboard(page, live_server, "en")
    cell = page.locator("table[data-table=overdue] td.rasd-heat-4 a").first
    count = int(cell.inner_text().replace(",", ""))
    with page.expect_navigation():
        cell.click()
    assert "overdue=" in page.url and "institution=" in page.url
    assert listed_count(page) == count
    assert page.locator(".rasd-active-filter", has_text="Overdue").count() == 1
