"""The review queue in a real browser, with the demo coordinator and what the shipped models suggest for thirty
demo recommendations: the queue filtered to one label and a high confidence, every suggestion shown accepted at once
after a confirmation that gives their number, and each recommendation's page then showing the accepted label with
who accepted it — while what the filter left out still waits.

Walked in Arabic, the interface's first language; the queue, the confirmation, a recommendation's panel and the
model card page are also shown in French and English and left as screenshots in ``suggestions/`` of the screenshot
folder for a person to look at: queue, confirm, recommendation and models, each ``-ar``, ``-fr`` and ``-en.png``.
"""

import re
from collections import Counter
from types import SimpleNamespace

import pytest
from django.utils import translation

from rasd.intelligence.models import Suggestion
from rasd.intelligence.services import suggestions_refresh
from rasd.recommendations.models import Recommendation, Theme
from rasd.semantic.services import embeddings_compute
from tests.test_browser import screenshot_dir
from tests.test_browser_accessibility import axe_source, report, serious_violations
from tests.test_browser_followup import browser, click_and_wait, demo_users, person, settled, switch

# The browser, axe-core and the demo users are fixtures of the modules they come from: pytest finds them here by
# these names.
__all__ = ["axe_source", "browser", "demo_users"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WALK = "ar"
LANGUAGES = ("ar", "fr", "en")


def screenshots(page, name: str, axe: str, part: str | None = None) -> None:
    """The page as it is now in each language, as ``suggestions/<name>-<language>.png`` (and its ``part``, a
    selector, as ``<name>-part-<language>.png``); each must fit the page's column and have no serious accessibility
    violation that axe-core finds. The page is left in the walking language."""
    folder = screenshot_dir() / "suggestions"
    folder.mkdir(exist_ok=True)
    for language in LANGUAGES:
        switch(page, language)
        settled(page)
        page.screenshot(path=str(folder / f"{name}-{language}.png"), full_page=True)
        if part:
            page.locator(part).screenshot(path=str(folder / f"{name}-part-{language}.png"))
        # The page's own content; the menu bar, shared by every page, is checked by test_browser.
        overflow = page.evaluate("(m => m.scrollWidth - m.clientWidth)(document.querySelector('main'))")
        assert overflow <= 0, f"{name} in {language} is {overflow}px wider than its column"
        violations = serious_violations(page, axe)
        assert not violations, report({f"{name} in {language}": violations})
    switch(page, WALK)


@pytest.fixture
def waiting(demo_data):
    """What the shipped models suggest for thirty real demo recommendations, stored as the task worker stores it
    once their vectors are computed; ``label``: the UPR Info issue suggested with 90% or more to most of them,
    ``sure``: those suggestions."""
    ids = list(
        Recommendation.objects.filter(source="didh").exclude(text_ar="").order_by("pk").values_list("pk", flat=True)
    )[:30]
    embeddings_compute(recommendation_ids=ids)
    suggestions_refresh(recommendation_ids=ids)
    sure = Suggestion.objects.filter(task="upr-issues", status="pending", confidence__gte=0.9)
    [(label, count)] = Counter(sure.values_list("label", flat=True)).most_common(1)
    assert count >= 2, "the models are sure of no UPR Info issue for two of these recommendations"
    return SimpleNamespace(label=label, sure=list(sure.filter(label=label).order_by("-confidence", "id")))


def test_the_coordinator_accepts_the_sure_suggestions_of_one_label_at_once_and_the_pages_say_who_did(
    browser, live_server, axe_source, demo_users, waiting
):
    url = live_server.url
    coordinator = person(browser, live_server, "coordinator")
    pending = Suggestion.objects.filter(status="pending")
    waiting_before = pending.count()

    # The queue is in the coordinator's menu; it lists the suggestions waiting, most confident first.
    coordinator.click("#rasd-nav li.dropdown:has(a[href='/suggestions/']) > .dropdown-toggle")
    click_and_wait(coordinator, "#rasd-nav a[href='/suggestions/']", f"{url}/suggestions/")
    rows = coordinator.locator("table.rasd-suggestion-table tbody tr")
    assert rows.count() == min(waiting_before, 50)
    assert coordinator.locator("table.rasd-suggestion-table meter").count() == rows.count()
    screenshots(coordinator, "queue", axe_source)

    # Filtered to one issue, from 90% up: the sure suggestions of that issue only.
    coordinator.select_option("#id_label", f"upr-issues:{waiting.label}")
    coordinator.select_option("#id_min_confidence", "0.9")
    click_and_wait(coordinator, "form.rasd-filters button[type=submit]")
    shown = coordinator.eval_on_selector_all(
        "table.rasd-suggestion-table tbody tr td:first-child a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert shown == [f"/recommendations/{s.recommendation_id}/" for s in waiting.sure]

    # "Accept all N shown": a page that says how many, then the decision.
    click_and_wait(coordinator, "a[href^='/suggestions/accept-all/']", re.compile(r"/suggestions/accept-all/\?"))
    assert coordinator.locator("main form input[name=expected]").input_value() == str(len(waiting.sure))
    screenshots(coordinator, "confirm", axe_source)
    click_and_wait(coordinator, "main form button.btn-success")
    assert coordinator.locator(".rasd-messages .alert-success").is_visible()
    assert coordinator.locator("table.rasd-suggestion-table").count() == 0  # nothing left for this filter

    assert set(Suggestion.objects.filter(status="accepted")) == set(waiting.sure)  # those, and only those
    assert pending.count() == waiting_before - len(waiting.sure)
    for sure in waiting.sure:
        sure.refresh_from_db()
        assert (sure.status, sure.decided_by) == ("accepted", demo_users["coordinator"])
        assert sure.recommendation.themes.filter(vocabulary="upr_info", code=waiting.label).exists()

    # Each recommendation's page shows the accepted label (named in the page's language), who accepted it, and the
    # model's confidence.
    theme = Theme.objects.get(vocabulary="upr_info", code=waiting.label)
    for sure in waiting.sure:
        coordinator.goto(f"{url}/recommendations/{sure.recommendation_id}/")
        panel = coordinator.inner_text("#suggestions")
        assert any(name and name in panel for name in (theme.name_en, theme.name_fr, theme.name_ar))
        assert "coordinator" in panel
        assert f"{round(sure.confidence * 100)}" in panel
    coordinator.goto(f"{url}/recommendations/{waiting.sure[0].recommendation_id}/")
    screenshots(coordinator, "recommendation", axe_source, "#suggestions")

    # Where a suggestion still waits, the coordinator decides it on the recommendation's page.
    left = pending.order_by("id").first()
    coordinator.goto(f"{url}/recommendations/{left.recommendation_id}/")
    click_and_wait(coordinator, f"#suggestions form[action='/suggestions/{left.pk}/reject/'] button")
    assert coordinator.url == f"{url}/recommendations/{left.recommendation_id}/#suggestions"
    left.refresh_from_db()
    assert left.status == "rejected"

    # In the queue, a decision takes the row's place without leaving the page.
    coordinator.goto(f"{url}/suggestions/")
    first = coordinator.locator("table.rasd-suggestion-table form[hx-post$='/accept/']").first
    chosen = Suggestion.objects.get(pk=first.get_attribute("hx-post").split("/")[2])
    first.locator("button").click()
    coordinator.wait_for_selector("tr.rasd-suggestion-decided")
    assert coordinator.url == f"{url}/suggestions/"
    chosen.refresh_from_db()
    assert (chosen.status, chosen.decided_by) == ("accepted", demo_users["coordinator"])

    coordinator.goto(f"{url}/models/")
    with translation.override(WALK):
        assert str(Suggestion.Task.UPR_ISSUES.label) in coordinator.inner_text("main")
    assert coordinator.locator(".rasd-model-card table.rasd-metrics").count() >= 1
    screenshots(coordinator, "models", axe_source)
    coordinator.context.close()
