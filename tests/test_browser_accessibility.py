"""Accessibility in a real browser: axe-core checks the main pages in Arabic, French and English, and the keyboard
alone reaches the content and works the list's search and filters.

axe-core is the project's npm development dependency (package.json; ``make install-test`` installs it). Its script
is run in each page through the DevTools protocol, which the Content-Security-Policy does not govern. A page may
have no serious or critical violation; when one has, the failure names each rule, its impact, what it asks and the
elements it found, so that the template to fix is plain.

People sign in as after the whole login (the password, and the authenticator's code for a coordinator) with the
session that ``tests.conftest.login`` gives. Full-page screenshots of a few pages are left in ``accessibility/`` of
the screenshot folder.
"""

import os

# Playwright's sync API runs an event loop in this thread; see test_browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from rasd.followup import services  # noqa: E402
from rasd.strategy.demo import panddh_load  # noqa: E402
from tests.conftest import login  # noqa: E402
from tests.test_browser import DESKTOP, browser, direction_and_language, screenshot_dir  # noqa: E402

# The browser is test_browser's fixture: pytest finds it here by this name.
__all__ = ["browser"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ("ar", "fr", "en")
BLOCKING = ("serious", "critical")
SCREENSHOTS = {"home", "recommendations", "recommendation", "work-validator", "update-form"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(settings.BASE_DIR)} is missing: run `make install-test` (npm ci)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def follow_up(people, action):
    """fatima's action, with a progress update she submitted (in omar's queue) and one omar approved (in alice's)."""
    updates = []
    for text in ("Trois sessions de formation ont eu lieu à Rabat.", "Un guide pratique a été diffusé aux juges."):
        update = services.progress_update_create(
            by=people.fatima, action=action, text=text, date=datetime.date(2026, 3, 1)
        )
        updates.append(services.report_submit(report=update, by=people.fatima, version=update.version))
    services.report_approve(report=updates[1], by=people.omar, version=updates[1].version)
    return action


def signed_in(browser, live_server, user, language: str):
    """A page of its own for ``user``, signed in, reading Rasd in ``language``."""
    client = Client()
    login(client, user)
    context = browser.new_context(locale=language, viewport=DESKTOP)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return context.new_page()


def anonymous(browser, live_server, language: str):
    context = browser.new_context(locale=language, viewport=DESKTOP)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context.new_page()


def serious_violations(page, axe_source: str) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => {
                    const why = [...n.any, ...n.all, ...n.none].map(c => c.message).filter(Boolean)[0] || "";
                    return `${n.target.join(" ")}  ${n.html.slice(0, 120)}  ${why}`;
                }),
            }));
        }"""
    )
    return [violation for violation in violations if violation["impact"] in BLOCKING]


def report(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}")
            lines.extend(f"    {target}" for target in violation["targets"][:10])
    return "\n".join(lines)


def check(page, url: str, name: str, language: str, axe_source: str, found: dict) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # Swagger UI and the API's description exist in English only: that page says so, whatever the reader's language.
    expected = ("ltr", "en") if name == "api-docs" else ("rtl" if language == "ar" else "ltr", language)
    assert direction_and_language(page) == expected, url
    violations = serious_violations(page, axe_source)
    if violations:
        found[f"{name} ({url})"] = violations
    if name in SCREENSHOTS:
        folder = screenshot_dir() / "accessibility"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{language}.png"), full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_have_no_serious_accessibility_violation(
    browser, live_server, axe_source, people, follow_up, language
):
    server = live_server.url
    recommendation = follow_up.recommendations.first()
    update = follow_up.updates.order_by("id").first()
    found: dict[str, list[dict]] = {}

    page = anonymous(browser, live_server, language)
    check(page, f"{server}/accounts/login/", "login", language, axe_source, found)
    page.context.close()

    page = signed_in(browser, live_server, people.fatima, language)
    for name, path in (
        ("home", "/"),
        ("recommendations", f"/recommendations/?q=torture&mechanism={recommendation.mechanism.code}"),
        ("recommendation", f"/recommendations/{recommendation.pk}/"),
        ("work-focal-point", "/work/"),
        ("actions", "/actions/"),
        ("action", f"/actions/{follow_up.pk}/"),
        ("action-form", f"/actions/{follow_up.pk}/edit/"),
        ("update-form", f"/updates/new/?action={follow_up.pk}"),
        ("update", f"/updates/{update.pk}/"),
        ("institution", f"/institutions/{people.fatima.institution.code}/"),
        ("deadlines", "/deadlines/"),
        ("api-docs", "/api/v1/docs/"),
    ):
        check(page, server + path, name, language, axe_source, found)
    page.context.close()

    page = signed_in(browser, live_server, people.omar, language)
    check(page, f"{server}/work/", "work-validator", language, axe_source, found)
    page.context.close()

    page = signed_in(browser, live_server, people.alice, language)
    panddh_load()
    for name, path in (
        ("work-coordinator", "/work/"),
        ("imports", "/imports/"),
        ("import-form", "/imports/new/"),
        ("plans", "/plans/"),
        ("plan", "/plans/panddh/"),
        ("cooperation", "/cooperation/"),
        ("cooperation-form", "/cooperation/new/"),
    ):
        check(page, server + path, name, language, axe_source, found)
    page.context.close()

    assert not found, "axe-core found serious or critical violations:\n" + report(found)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_form_errors_are_read_with_their_fields(browser, live_server, axe_source, people, follow_up, language):
    page = signed_in(browser, live_server, people.fatima, language)
    page.goto(f"{live_server.url}/updates/new/?action={follow_up.pk}")
    page.fill("#id_date", "")
    # The server's answer is what is checked, not the browser's own check of required fields.
    page.evaluate("() => document.querySelectorAll('main form').forEach(form => form.noValidate = true)")
    with page.expect_navigation():
        page.click("main form button[type=submit].btn-primary")

    invalid = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')].map(field => ({
            id: field.id,
            described: (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)
                .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent.trim()),
        }))"""
    )
    assert {field["id"] for field in invalid} >= {"id_text", "id_date"}, invalid
    for field in invalid:
        error = page.inner_text(f"#{field['id']}_error").strip()
        assert error and error in field["described"], field
    violations = serious_violations(page, axe_source)
    assert not violations, report({"update-form with errors": violations})
    page.context.close()


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, name: e.getAttribute("name"),
                           text: (e.textContent || "").trim(), visible: e.getBoundingClientRect().width > 1}; }"""
    )


def settled(page) -> None:
    """Wait until htmx has swapped in what it asked for."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def tab_to(page, test, most: int = 80) -> dict:
    """Press Tab until the focused element passes ``test``; fail after ``most`` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        element = focused(page)
        if test(element):
            return element
    raise AssertionError(f"Tab never reached the element; the last one was {element}")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_keyboard_alone_skips_to_the_content_and_works_the_search_and_its_filters(
    browser, live_server, people, follow_up, language
):
    page = signed_in(browser, live_server, people.fatima, language)
    page.goto(f"{live_server.url}/recommendations/")
    page.wait_for_load_state("networkidle")

    # The first Tab shows the link that skips the banner and the menu; Enter moves the focus to the content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert "rasd-skip-link" in skip["cls"] and skip["visible"], skip
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    # From the content, the search box comes first; Enter searches.
    search = tab_to(page, lambda e: e["id"] == "rasd-q")
    assert search["tag"] == "input"
    page.keyboard.type("torture")
    with page.expect_response(lambda response: "q=torture" in response.url):
        page.keyboard.press("Enter")
    settled(page)
    assert "q=torture" in page.url

    # A filter is a link: Tab reaches the first value of a facet, Enter applies it.
    link = tab_to(page, lambda e: e["tag"] == "a" and "rasd-facet-value" in e["cls"])
    before = page.url
    page.keyboard.press("Enter")
    page.wait_for_function("before => location.href !== before", arg=before)
    settled(page)
    assert page.locator(".rasd-facet-value.is-chosen").count() == 1, link

    # A search mode is a radio button: Tab reaches the chosen one, an arrow key chooses the next, and the list follows.
    chosen = tab_to(page, lambda e: e["name"] == "mode")
    was = f"mode={chosen['id'].removeprefix('rasd-mode-')}"
    with page.expect_response(lambda response: "mode=" in response.url and was not in response.url):
        page.keyboard.press("ArrowLeft" if language == "ar" else "ArrowRight")
    settled(page)
    now = focused(page)
    assert now["name"] == "mode" and now["id"] != chosen["id"], now
    assert f"mode={now['id'].removeprefix('rasd-mode-')}" in page.url
    page.context.close()
