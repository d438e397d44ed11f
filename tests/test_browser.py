"""The interface in a real browser: Debian's chromium driven by Playwright against a live server.

Checks what only a browser can tell (direction as laid out, the language switcher as clicked, a phone-width
page that does not overflow) and leaves full-page screenshots of each page in each language in
``$RASD_SCREENSHOT_DIR`` (default ``artifacts/screenshots``) for a person to look at.
"""

import os

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests themselves
# are still synchronous and safe, so Django's guard against async contexts is lifted for this module.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402

from rasd.core.history import history_record  # noqa: E402
from rasd.institutions.models import Institution  # noqa: E402
from rasd.mechanisms.models import Document, Mechanism, Review  # noqa: E402
from rasd.recommendations.models import NationalAxis, Recommendation  # noqa: E402
from rasd.states.models import State  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("RASD_SCREENSHOT_DIR", "artifacts/screenshots"))
    folder = folder if folder.is_absolute() else Path(settings.BASE_DIR) / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-core"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def alice(django_user_model):
    """A coordinator at the national mechanism's secretariat."""
    institution, _ = Institution.objects.get_or_create(
        code="didh-browser-test",
        defaults={
            "type": "coordinator",
            "name_ar": "المندوبية الوزارية المكلفة بحقوق الإنسان",
            "name_fr": "Délégation interministérielle aux droits de l'Homme",
            "name_en": "Interministerial Delegation for Human Rights",
            "short_name_ar": "المندوبية الوزارية",
            "short_name_fr": "DIDH",
            "short_name_en": "DIDH",
        },
    )
    return django_user_model.objects.create_user(
        username="alice",
        password=PASSWORD,
        role="coordinator",
        institution=institution,
        first_name="Alice",
        is_staff=True,
    )


@pytest.fixture
def torture():
    """Recommendations to Morocco in the three languages, the first one with everything filled in."""
    morocco, _ = State.objects.get_or_create(
        iso3="MAR", defaults={"iso2": "MA", "name_ar": "المغرب", "name_fr": "Maroc", "name_en": "Morocco"}
    )
    france, _ = State.objects.get_or_create(
        iso3="FRA", defaults={"iso2": "FR", "name_ar": "فرنسا", "name_fr": "France", "name_en": "France"}
    )
    upr, _ = Mechanism.objects.get_or_create(
        code="UPR",
        defaults={
            "kind": Mechanism.Kind.UPR,
            "name_ar": "الاستعراض الدوري الشامل",
            "name_fr": "Examen périodique universel",
            "name_en": "Universal Periodic Review",
        },
    )
    cat, _ = Mechanism.objects.get_or_create(
        code="CAT",
        defaults={
            "kind": Mechanism.Kind.TREATY_BODY,
            "name_ar": "لجنة مناهضة التعذيب",
            "name_fr": "Comité contre la torture",
            "name_en": "Committee against Torture",
        },
    )
    review = Review.objects.create(mechanism=upr, state=morocco, cycle=4, year=2022)
    document, _ = Document.objects.get_or_create(symbol="A/HRC/52/7-test", defaults={"review": review})
    axis, _ = NationalAxis.objects.get_or_create(
        code="B1",
        defaults={
            "name_ar": "الحقوق المدنية والسياسية",
            "name_fr": "Droits civils et politiques",
            "name_en": "Civil and political rights",
        },
    )
    sub_axis, _ = NationalAxis.objects.get_or_create(
        code="B1.1",
        defaults={
            "parent": axis,
            "name_ar": "مناهضة التعذيب",
            "name_fr": "Lutte contre la torture",
            "name_en": "Combating torture",
        },
    )
    first = Recommendation.objects.create(
        state=morocco,
        mechanism=upr,
        review=review,
        document=document,
        paragraph="144.12",
        code="R144.12-test",
        year=2022,
        original_language="fr",
        position="supported",
        implementation_status="in_progress",
        text_ar="مواصلة الجهود الرامية إلى مكافحة التعذيب وسوء المعاملة، وضمان التحقيق الفوري والنزيه في جميع "
        "الادعاءات ومقاضاة مرتكبيها.",
        text_fr="Poursuivre ses efforts pour lutter contre la torture et les mauvais traitements, et veiller à ce "
        "que toutes les allégations fassent l'objet d'enquêtes promptes et impartiales.",
        text_en="Continue its efforts to combat torture and ill-treatment, and ensure that all allegations are "
        "promptly and impartially investigated.",
    )
    first.recommending_states.set([france])
    first.national_axes.set([sub_axis])
    history_record(
        instance=first,
        action="updated",
        source="UHRI export 2025-03-14",
        changes={"implementation_status": ("not_started", "in_progress"), "text_ar": ("", first.text_ar)},
    )
    Recommendation.objects.create(
        state=morocco,
        mechanism=cat,
        paragraph="19",
        year=2023,
        original_language="fr",
        implementation_status="not_started",
        text_fr="Le Comité recommande à l'État partie de garantir l'accès à un avocat dès le début de la garde à vue.",
        text_ar="توصي اللجنة الدولة الطرف بضمان الاستعانة بمحام منذ بداية الحراسة النظرية.",
    )
    Recommendation.objects.create(
        state=morocco,
        mechanism=upr,
        review=review,
        document=document,
        paragraph="144.87",
        year=2022,
        original_language="en",
        position="noted",
        implementation_status="not_applicable",
        text_en="Ratify the Optional Protocol to the International Covenant on Economic, Social and Cultural Rights.",
    )
    Recommendation.objects.create(
        state=morocco,
        mechanism=upr,
        review=review,
        document=document,
        paragraph="144.201",
        year=2022,
        original_language="ar",
        position="supported",
        implementation_status="implemented",
        text_ar="مواصلة تعزيز المساواة بين الجنسين وتمكين المرأة في الحياة السياسية والاقتصادية.",
    )
    return first


def log_in(page, live_server, username="alice", password=PASSWORD):
    """Log in through the login form, and give the authenticator's code when the account asks for it."""
    from rasd.accounts.models import User
    from rasd.accounts.two_factor import two_factor_enabled, two_factor_required
    from tests.conftest import totp_code, totp_device

    user = User.objects.get(username=username)
    device = totp_device(user) if two_factor_required(user) or two_factor_enabled(user) else None
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if device is not None:
        assert "/accounts/two-factor/verify/" in page.url, page.url
        page.fill("#id_code", totp_code(device))
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def direction_and_language(page) -> tuple[str, str]:
    return tuple(page.evaluate("[document.documentElement.dir, document.documentElement.lang]"))


def test_user_logs_in_and_switches_language_on_any_page_and_the_choice_is_remembered(
    browser, live_server, alice, torture
):
    context = browser.new_context(locale="ar", viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server)
    assert page.url == f"{live_server.url}/"
    assert direction_and_language(page) == ("rtl", "ar")
    assert page.eval_on_selector(".navbar-brand", "e => getComputedStyle(e).direction") == "rtl"
    assert page.is_visible(".rasd-user-toggle")

    page.goto(f"{live_server.url}/recommendations/?position=supported")
    page.click(".rasd-language-switcher button[lang=fr]")
    page.wait_for_load_state()
    # The switcher brings the reader back to the very page, filters included.
    assert page.url == f"{live_server.url}/recommendations/?position=supported"
    assert direction_and_language(page) == ("ltr", "fr")

    page.click(f"a[href='/recommendations/{torture.pk}/']")
    page.wait_for_load_state()
    assert direction_and_language(page) == ("ltr", "fr")

    page.click(".rasd-language-switcher button[lang=en]")
    page.wait_for_load_state()
    assert direction_and_language(page) == ("ltr", "en")
    assert page.eval_on_selector(".navbar-brand", "e => getComputedStyle(e).direction") == "ltr"
    page.goto(f"{live_server.url}/")
    assert direction_and_language(page) == ("ltr", "en")

    page.click(".rasd-language-switcher button[lang=ar]")
    page.wait_for_load_state()
    assert direction_and_language(page) == ("rtl", "ar")
    context.close()


def test_each_language_version_is_laid_out_in_its_own_direction(browser, live_server, alice, torture):
    context = browser.new_context(locale="en", viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/recommendations/{torture.pk}/")
    directions = page.eval_on_selector_all(
        "section.rasd-version", "els => els.map(e => [e.lang, getComputedStyle(e).direction])"
    )
    assert sorted(directions) == [["ar", "rtl"], ["en", "ltr"], ["fr", "ltr"]]
    # Side by side on a desktop: the three versions share one row.
    tops = page.eval_on_selector_all("section.rasd-version", "els => els.map(e => e.getBoundingClientRect().top)")
    assert len(set(round(t) for t in tops)) == 1
    context.close()


def test_arabic_text_is_drawn_with_an_arabic_font(browser, live_server, alice, torture):
    context = browser.new_context(locale="ar", viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/recommendations/{torture.pk}/")
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "section.rasd-version[lang=ar] p"})["nodeId"]
    fonts = {font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
    assert fonts & {"Noto Naskh Arabic", "Noto Sans Arabic"}, fonts
    context.close()


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_pages_fit_a_phone_and_leave_screenshots(browser, live_server, alice, torture, language):
    folder = screenshot_dir()
    pages = {
        "home": "/",
        "list": "/recommendations/",
        "detail": f"/recommendations/{torture.pk}/",
    }
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(locale=language, viewport=viewport)
        page = context.new_page()
        log_in(page, live_server)
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            assert direction_and_language(page) == ("rtl" if language == "ar" else "ltr", language)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} in {language} is {overflow}px wider than a {viewport['width']}px screen"
            page.screenshot(path=str(folder / f"{name}-{language}-{width_name}.png"), full_page=True)
        if viewport is PHONE:
            # On a phone the menu folds behind the toggler; opened, it must show the user's role and logout.
            page.click(".navbar-toggler")
            page.wait_for_selector("#rasd-nav.show")
            page.click(".rasd-user-toggle")
            page.wait_for_selector(".rasd-user-menu.show")
            assert page.is_visible(".rasd-user-menu button[type=submit]")
            page.screenshot(path=str(folder / f"menu-{language}-phone.png"))
        context.close()


def test_login_page_screenshot_for_an_anonymous_visitor(browser, live_server):
    context = browser.new_context(locale="ar", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert direction_and_language(page) == ("rtl", "ar")
    page.screenshot(path=str(screenshot_dir() / "login-ar-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(screenshot_dir() / "home-ar-anonymous.png"), full_page=True)
    context.close()


@pytest.fixture
def demo_set():
    """The real Moroccan demo recommendations (the transactional browser tests start from an empty database)."""
    from rasd.core.reference import reference_data_load
    from rasd.imports.services import import_file
    from tests.conftest import DEMO_DIR

    reference_data_load()
    import_file(source="didh", data=DEMO_DIR)
    return Recommendation.objects.filter(source="didh")


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_moroccan_demo_set_and_the_import_pages_in_each_language(browser, live_server, alice, demo_set, language):
    folder = screenshot_dir()
    with_arabic = demo_set.filter(mechanism__code="CAT").exclude(text_ar="").first()
    context = browser.new_context(locale=language, viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/")
    assert "742" in page.inner_text("main")
    page.screenshot(path=str(folder / f"demo-home-{language}.png"), full_page=True)
    page.goto(f"{live_server.url}/recommendations/?mechanism=UPR")
    page.screenshot(path=str(folder / f"demo-list-{language}.png"), full_page=True)
    page.goto(f"{live_server.url}/recommendations/{with_arabic.pk}/")
    assert page.locator("section[lang=ar]").count() == 1 and page.locator("section[lang=fr]").count() == 1
    page.screenshot(path=str(folder / f"demo-detail-{language}.png"), full_page=True)
    page.goto(f"{live_server.url}/imports/new/")
    assert direction_and_language(page) == ("rtl" if language == "ar" else "ltr", language)
    page.screenshot(path=str(folder / f"import-new-{language}.png"), full_page=True)
    context.close()
