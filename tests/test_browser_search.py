"""Searching and filtering the real Moroccan recommendations in a browser: an Arabic query, two facets chosen
with htmx (no page reload, a shareable URL), a result opened and its "more like this" followed; screenshots in
ar/fr/en (search-<lang>.png, detail-similar-<lang>.png, search-<lang>-phone.png) for a person to look at.
"""

import re

import pytest

from tests.test_browser import (
    DESKTOP,
    PHONE,
    alice,
    browser,
    demo_set,
    direction_and_language,
    log_in,
    screenshot_dir,
)

# The browser, alice and the demo set are test_browser's fixtures: pytest finds them here by these names.
__all__ = ["alice", "browser", "demo_set"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TORTURE_AR = "التعذيب"


def facet_links(page, name: str, chosen: bool = False):
    state = ".is-chosen" if chosen else ":not(.is-chosen)"
    return page.locator(f"#rasd-facets section[aria-labelledby=rasd-facet-{name}] a.rasd-facet-value{state}")


def count_shown(page) -> int:
    text = page.inner_text("#rasd-results .rasd-result-count")
    return int(re.sub(r"\D", "", text.split()[0]))


def choose(page, name: str) -> str:
    """Click the facet value with the most recommendations that is not chosen yet; wait for htmx's update.
    Returns the id of the link clicked."""
    link = facet_links(page, name).first
    href, anchor = link.get_attribute("href"), link.get_attribute("id")
    with page.expect_response(lambda response: "/recommendations/?" in response.url):
        link.click()
    page.wait_for_function("url => location.href.endsWith(url)", arg=href)
    page.wait_for_selector(f"#{anchor}.is-chosen")
    return anchor


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_user_searches_in_arabic_narrows_with_two_facets_and_follows_more_like_this(
    browser, live_server, alice, demo_set, language
):
    folder = screenshot_dir()
    context = browser.new_context(locale=language, viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/recommendations/")
    assert direction_and_language(page) == ("rtl" if language == "ar" else "ltr", language)
    # htmx updates the page in place: a marker set on this window survives only if nothing reloads it.
    page.evaluate("window.rasdNoReload = true")

    page.fill("#rasd-q", TORTURE_AR)
    with page.expect_response(lambda response: "q=" in response.url):
        page.press("#rasd-q", "Enter")
    page.wait_for_function("() => location.search.includes('q=')")
    # A search lists the best matches first, and says so.
    assert "sort=newest" not in page.url
    assert page.eval_on_selector("#rasd-sort", "s => s.options[s.selectedIndex].value") == ""
    assert page.locator("#rasd-sort option").count() == 4
    found = count_shown(page)
    assert 0 < found < demo_set.count()
    assert page.locator("#rasd-results li.rasd-result").count() > 0

    clicked = choose(page, "mechanism")
    # The facets were redrawn, and the keyboard focus is still on the value just chosen.
    assert page.evaluate("document.activeElement.id") == clicked
    after_one = count_shown(page)
    assert 0 < after_one <= found
    choose(page, "status")
    after_two = count_shown(page)
    assert 0 < after_two <= after_one
    assert page.locator(".rasd-active-filter").count() == 2
    assert page.evaluate("window.rasdNoReload") is True
    # Back goes to the list as it was before the second filter, as with whole pages.
    page.go_back()
    page.wait_for_function("() => !location.search.includes('status=')")
    page.wait_for_selector(".rasd-active-filter >> nth=0")
    assert count_shown(page) == after_one and page.locator(".rasd-active-filter").count() == 1
    page.go_forward()
    page.wait_for_function("() => location.search.includes('status=')")
    page.wait_for_function("() => document.querySelectorAll('.rasd-active-filter').length == 2")

    # The URL holds the whole state: opened afresh, it gives the same list.
    shared = page.url
    assert "mechanism=" in shared and "status=" in shared and "q=" in shared
    assert page.input_value("#rasd-q") == TORTURE_AR
    page.screenshot(path=str(folder / f"search-{language}.png"), full_page=True)
    page.goto(shared)
    assert count_shown(page) == after_two

    # The language switcher returns to the list as it now is, filters included.
    assert page.get_attribute("#rasd-language-next", "value").endswith(shared.removeprefix(live_server.url))
    # Another search mode is one click, which keeps the filters.
    with page.expect_response(lambda response: "mode=hybrid" in response.url):
        page.click("label[for=rasd-mode-hybrid]")
    page.wait_for_function("() => location.search.includes('mode=hybrid')")
    assert "mechanism=" in page.url and "status=" in page.url

    first = page.locator("#rasd-results a.rasd-result-code").first
    first.click()
    page.wait_for_url(re.compile(r"/recommendations/\d+/$"))
    opened = page.url
    page.wait_for_selector("#rasd-similar .rasd-similar-list a.rasd-result-code")
    assert page.locator("#rasd-similar li.rasd-result").count() <= 10
    page.screenshot(path=str(folder / f"detail-similar-{language}.png"), full_page=True)

    # "More like this": a similar recommendation, then the list of all of them.
    page.locator("#rasd-similar a.rasd-result-code").first.click()
    page.wait_for_url(re.compile(r"/recommendations/\d+/$"))
    assert page.url != opened
    page.go_back()
    page.wait_for_selector("#rasd-similar .rasd-similar-list")
    page.click(f"#rasd-similar a[href$='similar_to={opened.rstrip('/').rsplit('/', 1)[1]}']")
    page.wait_for_url(re.compile(r"similar_to=\d+"))
    assert page.locator("#rasd-results li.rasd-result").count() > 0
    assert page.locator(".rasd-similar-intro").count() == 1
    context.close()


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_search_and_filters_fit_a_phone_with_the_facets_in_a_panel(browser, live_server, alice, demo_set, language):
    context = browser.new_context(locale=language, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/recommendations/?q={TORTURE_AR}")
    assert not page.is_visible("#rasd-facets")
    page.click(".rasd-facets-toggle")
    page.wait_for_selector("#rasd-facets-panel.show")
    choose(page, "mechanism")
    # The panel stays open over the updated list, its counts redrawn; its button closes it.
    assert page.is_visible("#rasd-facets")
    page.click(".rasd-facets-done")
    page.wait_for_selector("#rasd-facets-panel:not(.show)", state="attached")
    page.wait_for_function("() => !document.querySelector('.offcanvas-backdrop')")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the list in {language} is {overflow}px wider than a phone"
    assert page.locator(".rasd-active-filter").count() == 1
    page.screenshot(path=str(screenshot_dir() / f"search-{language}-phone.png"), full_page=True)
    context.close()


def test_without_javascript_the_search_is_a_plain_form_and_the_facets_plain_links(
    browser, live_server, alice, demo_set
):
    context = browser.new_context(locale="ar", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/recommendations/")
    page.fill("#rasd-q", TORTURE_AR)
    page.click("#rasd-search-form button[type=submit]")
    page.wait_for_url(re.compile(r"q=%D8"))
    found = count_shown(page)
    # The panel that slides in on a phone with JavaScript is shown in the page without it.
    link = facet_links(page, "mechanism").first
    assert link.is_visible()
    link.click()
    page.wait_for_url(re.compile(r"mechanism="))
    assert 0 < count_shown(page) <= found
    assert page.locator(".rasd-active-filter").count() == 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=str(screenshot_dir() / "search-ar-phone-nojs.png"), full_page=True)
    context.close()
