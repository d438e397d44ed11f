"""The whole follow-up cycle in a real browser, with the demo users, each in their own browser: the coordinator
assigns a real demo recommendation to the Ministry of Justice; its focal point plans an action and reports progress
with a PDF evidence file; its validator approves the report; the coordinator validates it and decides the
recommendation's implementation status, with a justification. The recommendation's timeline then tells each step,
the evidence downloads, and the observer sees the validated report (and nothing of it before).

The cycle is walked in Arabic, the interface's first language; each page on the way is also shown in French and
English through the language switcher, and left as a screenshot in ``followup/`` of the screenshot folder
for a person to look at: assign, action, update-draft, work-validator, update-validator, recommendation and
update-observer, each ``-ar``, ``-fr`` and ``-en.png``.
"""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst

from rasd.accounts.models import User
from rasd.accounts.services import DEMO_PASSWORD, demo_users_create
from rasd.accounts.two_factor import two_factor_required
from rasd.core.models import HistoryEntry
from rasd.followup.models import Action, Assignment, Evidence, ProgressUpdate
from rasd.institutions.models import Institution
from rasd.recommendations.models import Recommendation
from tests.conftest import totp_code, totp_device
from tests.test_browser import DESKTOP, browser, direction_and_language, screenshot_dir

# The browser is test_browser's fixture: pytest finds it here by this name.
__all__ = ["browser"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WALK = "ar"  # the language the cycle is walked in
LANGUAGES = ("ar", "fr", "en")

ACTION_TITLE = "تكوين القضاة وأعوان كتابة الضبط في مجال ضمانات المحاكمة العادلة"
UPDATE_TEXT = "نُظمت ثلاث دورات تكوينية لفائدة 120 قاضيا بالرباط وفاس ومراكش، ويرفق محضر اللجنة."
EVIDENCE_NAME = "محضر-اللجنة-2025.pdf"
JUSTIFICATION = "التقرير المصادق عليه يثبت انطلاق التنفيذ: دورات تكوينية منجزة ومحضر موقع."


def one_page_pdf(line: str) -> bytes:
    """A real one-page PDF (A4, one line of Helvetica), written by hand with its cross-reference table."""
    stream = f"BT /F1 18 Tf 72 770 Td ({line}) Tj ET".encode("ascii")
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(pdf)


EVIDENCE_PDF = one_page_pdf("Proces-verbal du comite de suivi - formations 2025")


@pytest.fixture
def demo_users(demo_data):
    """The demo logins (coordinator, focal_point, validator, partner, observer, admin), by username."""
    return {user.username: user for user in demo_users_create()}


@pytest.fixture
def recommendation(demo_data):
    """A real demo recommendation, in Arabic and French, not started and not yet given to the Ministry of Justice."""
    found = (
        Recommendation.objects.filter(source="didh", implementation_status="not_started")
        .exclude(text_ar="")
        .exclude(text_fr="")
        .exclude(assignments__institution__code="justice")
        .select_related("mechanism")
        .order_by("id")
        .first()
    )
    assert found is not None, "the demo set has no recommendation left to assign"
    return found


def person(browser, live_server, username: str):
    """A browser of its own for one demo user, logged in through the login form."""
    context = browser.new_context(locale=WALK, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if two_factor_required(User.objects.get(username=username)):
        # The demo coordinator's second step: the code of the demo authenticator.
        assert "/accounts/two-factor/verify/" in page.url, page.url
        page.fill("#id_code", totp_code(totp_device(User.objects.get(username=username))))
        with page.expect_navigation():
            page.click("main button[type=submit]")
    assert page.url == f"{live_server.url}/", f"{username} could not log in"
    assert direction_and_language(page) == ("rtl", "ar")
    return page


def click_and_wait(page, selector: str, url: str | re.Pattern | None = None) -> None:
    """Click what sends a form or follows a link, and wait for the page it leads to (at ``url`` when given)."""
    with page.expect_navigation(url=url) if url is not None else page.expect_navigation():
        page.click(selector)


def settled(page) -> None:
    """Wait for what htmx loads after the page: a recommendation's "more like this"."""
    if page.locator("#rasd-similar").count():
        page.wait_for_function("() => !document.querySelector('#rasd-similar > a')")


def switch(page, language: str) -> None:
    """The same page in ``language``, chosen with the language switcher."""
    if direction_and_language(page)[1] != language:
        click_and_wait(page, f".rasd-language-switcher button[lang={language}]")
    assert direction_and_language(page) == ("rtl" if language == "ar" else "ltr", language)


def screenshots(page, name: str) -> None:
    """The page as it is now in each language, as ``followup/<name>-<language>.png``; each must fit the screen's
    width. The page is left in the walking language."""
    folder = screenshot_dir() / "followup"
    folder.mkdir(exist_ok=True)
    for language in LANGUAGES:
        switch(page, language)
        settled(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} in {language} is {overflow}px wider than the screen"
        page.screenshot(path=str(folder / f"{name}-{language}.png"), full_page=True)
    switch(page, WALK)


def success_message(page) -> str:
    return page.inner_text(".rasd-messages .alert-success")


def timeline_steps(page) -> list[dict]:
    """The timeline of the page, oldest first: each step's kind (created, submitted…), its subject, note and text."""
    steps = page.eval_on_selector_all(
        "ol.rasd-timeline > li.rasd-history-entry",
        """items => items.map(item => ({
            step: [...item.querySelector('.rasd-chip').classList].find(c => c.startsWith('rasd-step-')).slice(10),
            subject: item.querySelector('.rasd-timeline-subject')?.innerText.trim() ?? '',
            note: item.querySelector('.rasd-timeline-note [dir=auto]')?.innerText.trim() ?? '',
            text: item.innerText,
        }))""",
    )
    return steps[::-1]


def test_the_demo_users_walk_the_whole_follow_up_cycle_and_the_timeline_tells_each_step(
    browser, live_server, demo_users, recommendation
):
    url = live_server.url
    justice = Institution.objects.get(code="justice")
    interior = Institution.objects.get(code="interieur")
    today = timezone.localdate()
    pk = recommendation.pk
    observer = person(browser, live_server, "observer")

    # 1. The coordinator finds the recommendation, ticks it in the list and assigns it, with a due date.
    coordinator = person(browser, live_server, "coordinator")
    code = recommendation.code or recommendation.paragraph
    coordinator.goto(f"{url}/recommendations/?q={code}&mechanism={recommendation.mechanism.code}")
    coordinator.check(f"input.rasd-assign-check[value='{pk}']")
    click_and_wait(coordinator, ".rasd-assign-bar button[type=submit]", re.compile(r"/assignments/new/\?"))
    assert coordinator.is_checked(f"#assign-recommendation-{pk}")
    assert coordinator.locator("input[name=recommendation]").count() == 1
    screenshots(coordinator, "assign")
    coordinator.select_option("#id_lead", str(justice.pk))
    coordinator.fill("#id_due_date", (today + datetime.timedelta(days=90)).isoformat())
    coordinator.check(f"input[name=supporting][value='{interior.pk}']")
    click_and_wait(coordinator, "main form.rasd-form button[type=submit]", f"{url}/recommendations/{pk}/")
    with translation.override(WALK):
        justice_name = justice.name
    assert justice_name in success_message(coordinator)
    assert justice_name in coordinator.inner_text("section[aria-labelledby=assignments-title]")

    # 2. The focal point finds it in their work, plans an action from the recommendation's page, and reports
    #    progress on the action with a PDF evidence file.
    focal_point = person(browser, live_server, "focal_point")
    focal_point.goto(f"{url}/work/")
    assert focal_point.locator(f"#assignments a[href='/recommendations/{pk}/']").is_visible()
    click_and_wait(focal_point, f"#assignments a[href='/recommendations/{pk}/']", f"{url}/recommendations/{pk}/")
    click_and_wait(focal_point, f"a[href='/actions/new/?recommendation={pk}']")
    assert focal_point.is_checked(f"input[name=recommendations][value='{pk}']")
    focal_point.fill("#id_title", ACTION_TITLE)
    focal_point.fill("#id_description", "ثلاث دورات جهوية بشراكة مع المعهد العالي للقضاء.")
    assert focal_point.input_value("#id_institution") == str(justice.pk)
    focal_point.select_option("#id_status", "ongoing")
    focal_point.fill("#id_start_date", today.isoformat())
    focal_point.fill("#id_end_date", (today + datetime.timedelta(days=365)).isoformat())
    focal_point.fill("#id_budget_amount", "1250000.50")
    focal_point.fill("#id_budget_currency", "mad")
    focal_point.fill("#id_budget_source", "الميزانية العامة للدولة")
    click_and_wait(focal_point, "main form.rasd-form button[type=submit]", re.compile(r"/actions/\d+/$"))
    action = Action.objects.get(title=ACTION_TITLE)
    assert focal_point.url == f"{url}/actions/{action.pk}/"
    assert success_message(focal_point)
    assert "MAD" in focal_point.inner_text("section[aria-labelledby=about-title]")
    screenshots(focal_point, "action")

    click_and_wait(focal_point, f"a[href='/updates/new/?action={action.pk}']")
    assert focal_point.input_value("#id_date") == today.isoformat()
    focal_point.fill("#id_text", UPDATE_TEXT)
    focal_point.select_option("#id_proposed_status", "in_progress")
    focal_point.set_input_files(
        "#id_files", files=[{"name": EVIDENCE_NAME, "mimeType": "application/pdf", "buffer": EVIDENCE_PDF}]
    )
    click_and_wait(focal_point, "main form.rasd-form button[type=submit]", re.compile(r"/updates/\d+/$"))
    update = ProgressUpdate.objects.get(action=action)
    assert focal_point.url == f"{url}/updates/{update.pk}/"
    assert update.status == ProgressUpdate.Status.DRAFT
    assert focal_point.inner_text(".rasd-evidence-list a") == EVIDENCE_NAME
    assert focal_point.locator(f"form[action='/updates/{update.pk}/submit/'] button").is_visible()
    screenshots(focal_point, "update-draft")
    click_and_wait(focal_point, f"form[action='/updates/{update.pk}/submit/'] button", f"{url}/updates/{update.pk}/")
    assert success_message(focal_point)
    update.refresh_from_db()
    assert update.status == ProgressUpdate.Status.SUBMITTED
    # Not validated yet: the observer is told it does not exist.
    assert observer.goto(f"{url}/updates/{update.pk}/").status == 404

    # 3. The validator finds the report waiting for approval in their work, and approves it.
    validator = person(browser, live_server, "validator")
    validator.goto(f"{url}/work/")
    waiting = f"section[aria-labelledby=to-approve-title] a[href='/updates/{update.pk}/']"
    assert validator.locator(waiting).is_visible()
    screenshots(validator, "work-validator")
    click_and_wait(validator, waiting, f"{url}/updates/{update.pk}/")
    assert validator.locator(f"form[action='/updates/{update.pk}/return/'] textarea[name=reason]").is_visible()
    screenshots(validator, "update-validator")
    click_and_wait(validator, f"form[action='/updates/{update.pk}/approve/'] button", f"{url}/updates/{update.pk}/")
    assert success_message(validator)
    update.refresh_from_db()
    assert update.status == ProgressUpdate.Status.APPROVED

    # 4. The coordinator finds it in the validation queue and validates it, then decides the recommendation's
    #    status with a justification.
    coordinator.goto(f"{url}/work/")
    queued = f"section[aria-labelledby=to-validate-title] a[href='/updates/{update.pk}/']"
    assert coordinator.locator(queued).is_visible()
    click_and_wait(coordinator, queued, f"{url}/updates/{update.pk}/")
    click_and_wait(coordinator, f"form[action='/updates/{update.pk}/validate/'] button", f"{url}/updates/{update.pk}/")
    assert success_message(coordinator)
    update.refresh_from_db()
    assert update.status == ProgressUpdate.Status.VALIDATED

    # The evidence downloads: clicked in the browser, and asked for with the coordinator's cookies.
    link = coordinator.locator(".rasd-evidence-list a")
    with coordinator.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == EVIDENCE_NAME
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == EVIDENCE_PDF
    response = coordinator.context.request.get(f"{url}{link.get_attribute('href')}")
    assert response.ok and response.body() == EVIDENCE_PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")

    coordinator.goto(f"{url}/recommendations/{pk}/")
    coordinator.select_option("#id_status", "in_progress")
    coordinator.fill("#id_justification", JUSTIFICATION)
    click_and_wait(coordinator, "form.rasd-status-form button[type=submit]", f"{url}/recommendations/{pk}/")
    assert success_message(coordinator)
    assert coordinator.locator("#status .rasd-badge.rasd-status-in_progress").is_visible()
    decided = coordinator.inner_text(".rasd-status-history")
    assert JUSTIFICATION in decided
    # From the old status to the new one, the arrow pointing the way Arabic reads.
    assert "←" in decided and "→" not in decided

    # 5. The timeline tells each step in order, each by its demo user; the status decision is the newest.
    with translation.override(WALK):
        kind = {model: f"{capfirst(model._meta.verbose_name)}:" for model in (Assignment, Action, ProgressUpdate)}
    expected = [
        ("created", kind[Assignment], justice_name, "coordinator"),
        ("created", kind[Action], ACTION_TITLE, "focal_point"),
        ("created", kind[ProgressUpdate], ACTION_TITLE, "focal_point"),
        ("submitted", kind[ProgressUpdate], ACTION_TITLE, "focal_point"),
        ("approved", kind[ProgressUpdate], ACTION_TITLE, "validator"),
        ("validated", kind[ProgressUpdate], ACTION_TITLE, "coordinator"),
        ("updated", "", "", "coordinator"),
    ]
    steps = timeline_steps(coordinator)
    found = iter(steps)
    for step, subject_start, subject_has, actor in expected:
        assert any(
            s["step"] == step
            and s["subject"].startswith(subject_start)
            and subject_has in s["subject"]
            and actor in s["text"]
            for s in found
        ), f"the timeline lacks, in its place, {step} {subject_start} {subject_has} by {actor}: {steps}"
    assert steps[-1]["subject"] == "" and steps[-1]["note"] == JUSTIFICATION
    screenshots(coordinator, "recommendation")

    # The observer now sees the validated report, with its evidence, on the recommendation's page.
    observer.goto(f"{url}/recommendations/{pk}/")
    assert observer.locator(f"section[aria-labelledby=updates-title] a[href='/updates/{update.pk}/']").is_visible()
    assert observer.goto(f"{url}/updates/{update.pk}/").status == 200
    assert observer.locator("header .rasd-report-validated").is_visible()
    # Of the report's history, the observer sees its validation only, not the drafting that led to it.
    assert [step["step"] for step in timeline_steps(observer)] == ["validated"]
    observed = observer.context.request.get(f"{url}{observer.get_attribute('.rasd-evidence-list a', 'href')}")
    assert observed.ok and observed.body() == EVIDENCE_PDF
    screenshots(observer, "update-observer")

    for page in (coordinator, focal_point, validator, observer):
        page.context.close()

    # What the database holds: the validated report, the decided status, each step by its demo user.
    recommendation.refresh_from_db()
    update.refresh_from_db()
    assert recommendation.implementation_status == "in_progress"
    assert update.validated_at is not None and update.proposed_status == "in_progress"
    assert Assignment.objects.get(recommendation=recommendation, institution=justice).role == Assignment.Role.LEAD
    assert (
        Assignment.objects.get(recommendation=recommendation, institution=interior).role == Assignment.Role.SUPPORTING
    )
    evidence = Evidence.objects.get(progress_update=update)
    assert (evidence.name, evidence.content_type, evidence.uploaded_by) == (
        EVIDENCE_NAME,
        "application/pdf",
        demo_users["focal_point"],
    )

    def actor_of(record, action):
        return HistoryEntry.objects.get(
            content_type__model=record._meta.model_name, object_id=str(record.pk), action=action
        ).actor

    lead = Assignment.objects.get(recommendation=recommendation, institution=justice)
    assert actor_of(lead, "created") == demo_users["coordinator"]
    assert actor_of(action, "created") == demo_users["focal_point"]
    assert actor_of(update, "created") == demo_users["focal_point"]
    assert actor_of(update, "submitted") == demo_users["focal_point"]
    assert actor_of(update, "approved") == demo_users["validator"]
    assert actor_of(update, "validated") == demo_users["coordinator"]
    decision = HistoryEntry.objects.get(
        content_type__model="recommendation", object_id=str(pk), action="updated", actor=demo_users["coordinator"]
    )
    assert decision.changes == {"implementation_status": ["not_started", "in_progress"]}
    assert decision.note == JUSTIFICATION
