"""The public portal in a real browser, as a visitor with no login: an Arabic search, a filter chosen, a published
recommendation opened; then the same in English through the language switcher. Screenshots of the list and the
page in ar, fr and en (``portal/list-<lang>.png``, ``portal/recommendation-<lang>.png``) for a person to look at.
"""

import datetime
import re

import pytest

from rasd.followup.models import ProgressUpdate
from rasd.institutions.models import Institution
from rasd.portal.services import recommendations_publish
from tests.test_browser import DESKTOP, PHONE, alice, browser, demo_set, direction_and_language, screenshot_dir

# The browser, alice and the demo set are test_browser's fixtures: pytest finds them here by these names.
__all__ = ["alice", "browser", "demo_set"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRESS_TEXT = "نظمت المندوبية ثلاث دورات تكوينية لفائدة 120 من موظفي السجون حول الوقاية من التعذيب."


@pytest.fixture
def published(alice, demo_set):
    """Alice publishes the demo recommendations on torture that have an Arabic text, but one; the first has a
    validated progress update. Returns (published, the one left unpublished)."""
    on_torture = list(
        demo_set.filter(text_fr__icontains="torture").exclude(text_ar="").order_by("id").select_related("mechanism")
    )
    chosen, left_out = on_torture[:-1], on_torture[-1]
    recommendations_publish(recommendations=chosen, by=alice)
    ProgressUpdate.objects.create(
        recommendation=chosen[0],
        institution=Institution.objects.get(code="didh"),
        date=datetime.date(2026, 3, 1),
        text=PROGRESS_TEXT,
        status=ProgressUpdate.Status.VALIDATED,
    )
    return chosen, left_out


def count_shown(page) -> int:
    # The count is the first isolated number of the sentence, wherever each language puts it.
    return int(re.sub(r"\D", "", page.inner_text(".rasd-result-count bdi >> nth=0")))


def shots(page, name: str, language: str) -> None:
    folder = screenshot_dir() / "portal"
    folder.mkdir(exist_ok=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} in {language} is {overflow}px wider than the screen"
    page.screenshot(path=str(folder / f"{name}-{language}.png"), full_page=True)


def switch(page, language: str) -> None:
    with page.expect_navigation():
        page.click(f".rasd-language-switcher button[lang={language}]")
    assert direction_and_language(page) == ("rtl" if language == "ar" else "ltr", language)


def test_a_visitor_searches_filters_and_opens_a_published_recommendation_in_arabic_and_english(
    browser, live_server, published
):
    chosen, left_out = published
    context = browser.new_context(locale="ar", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/")
    assert direction_and_language(page) == ("rtl", "ar")
    assert page.locator(".rasd-user-toggle").count() == 0 and page.locator("a[href='/work/']").count() == 0
    assert count_shown(page) == len(chosen)

    for language, query in (("ar", "التعذيب"), ("en", "torture")):
        if language != "ar":
            switch(page, language)  # on the recommendation's page, then back to the list
            with page.expect_navigation():
                page.click(".breadcrumb a")
        page.fill("#rasd-q", query)
        with page.expect_navigation():
            page.click("form.rasd-search button[type=submit]")
        found = count_shown(page)
        assert 0 < found <= len(chosen)
        assert page.locator(f"a[href='/portal/recommendations/{left_out.pk}/']").count() == 0

        # A filter: the status with the most published recommendations among those found.
        status = page.locator("section[aria-labelledby=rasd-facet-status] a.rasd-facet-value").first
        expected = int(re.sub(r"\D", "", status.inner_text().split()[-1]))
        with page.expect_navigation():
            status.click()
        assert "status=" in page.url and count_shown(page) == expected
        shots(page, "list", language)

        with page.expect_navigation():
            page.click(".rasd-result-code >> nth=0")
        assert re.search(r"/portal/recommendations/\d+/$", page.url)
        assert page.is_visible("#progress-title")
        shots(page, "recommendation", language)

    # French too, for the screenshots: the page, then the list.
    switch(page, "fr")
    page.goto(f"{live_server.url}/portal/recommendations/{chosen[0].pk}/")
    assert PROGRESS_TEXT in page.inner_text("main")
    shots(page, "recommendation", "fr")
    with page.expect_navigation():
        page.click(".breadcrumb a")
    shots(page, "list", "fr")
    assert page.goto(f"{live_server.url}/portal/recommendations/{left_out.pk}/").status == 404
    context.close()

    # On a phone, in Arabic: nothing wider than the screen.
    context = browser.new_context(locale="ar", viewport=PHONE)
    page = context.new_page()
    for name, path in (("list", "/portal/"), ("recommendation", f"/portal/recommendations/{chosen[0].pk}/")):
        page.goto(f"{live_server.url}{path}")
        shots(page, name, "ar-phone")
    context.close()
