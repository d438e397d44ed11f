"""Logging in safely and pages that hold under attack: the second factor, login lockout, the password policy, the
security headers and the Content-Security-Policy, the production settings, private uploads, and user text that
cannot inject markup or reorder the page."""

import datetime
import html
import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from rasd.accounts.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_users_create
from rasd.accounts.two_factor import two_factor_enabled
from rasd.followup import services
from tests.conftest import PEOPLE_PASSWORD, login, pdf, totp_code, totp_device

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def no_code_throttling(settings):
    """After a wrong code, django-otp refuses the next one for a second, then two, four…; tests that give a wrong
    code and then the right one do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def log_in_with_password(client, username, password=PEOPLE_PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def body(response) -> str:
    return response.content.decode()


# ---- two-factor authentication ----


def test_coordinator_without_an_authenticator_is_sent_to_set_one_up_and_reaches_nothing_else(client, people):
    response = log_in_with_password(client, "alice", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert 'id="rasd-otp-secret"' in body(response) and "<svg" in body(response)

    for url in (reverse("work_list"), reverse("recommendation_list"), "/admin/"):
        held = client.get(url)
        assert held.status_code == 302 and held["Location"].startswith(reverse("two_factor_setup")), url
    api = client.get("/api/v1/recommendations/")
    assert api.status_code == 403 and api["Content-Type"] == "application/json"
    assert "authenticator" in api.json()["detail"]


def test_coordinator_confirms_the_authenticator_with_a_code_and_gets_recovery_codes(client, people, no_code_throttling):
    log_in_with_password(client, "alice")
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=people.alice, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000" if totp_code(device) != "000000" else "1"})
    assert "is not the one the app shows" in body(wrong)
    assert not two_factor_enabled(people.alice)

    response = client.post(reverse("two_factor_setup"), {"code": totp_code(device), "next": reverse("work_list")})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", body(response))
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert two_factor_enabled(people.alice)
    assert client.get(reverse("work_list")).status_code == 200


def test_every_later_login_asks_for_the_code_of_the_app(client, people, no_code_throttling):
    device = totp_device(people.alice)
    response = log_in_with_password(client, "alice", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("work_list"))["Location"].startswith(reverse("two_factor_verify"))

    refused = client.post(reverse("two_factor_verify"), {"code": "12345"})
    assert "This code is not valid" in body(refused)
    response = client.post(reverse("two_factor_verify"), {"code": totp_code(device), "next": reverse("work_list")})
    assert response.status_code == 302 and response["Location"] == reverse("work_list")
    assert client.get(reverse("work_list")).status_code == 200
    assert client.get("/api/v1/recommendations/").status_code == 200


def test_after_a_wrong_code_even_the_right_one_waits_a_moment(client, people):
    device = totp_device(people.alice)
    log_in_with_password(client, "alice")
    client.post(reverse("two_factor_verify"), {"code": "000000" if totp_code(device) != "000000" else "1"})
    assert "This code is not valid" in body(client.post(reverse("two_factor_verify"), {"code": totp_code(device)}))
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the right code was not even tried


def test_the_code_step_sends_only_to_pages_of_rasd(client, people):
    device = totp_device(people.alice)
    log_in_with_password(client, "alice")
    response = client.post(reverse("two_factor_verify"), {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_a_recovery_code_logs_in_once(client, people):
    totp_device(people.alice)
    from rasd.accounts.two_factor import recovery_codes_create

    code = recovery_codes_create(user=people.alice)[0]
    log_in_with_password(client, "alice")
    assert client.post(reverse("two_factor_verify"), {"code": code.upper()}).status_code == 302

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    log_in_with_password(other, "alice")
    assert "This code is not valid" in body(other.post(reverse("two_factor_verify"), {"code": code}))


def test_a_password_alone_cannot_replace_the_authenticator(client, people):
    totp_device(people.alice)
    log_in_with_password(client, "alice")
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"] == reverse("two_factor_verify")
    assert not TOTPDevice.objects.filter(user=people.alice, confirmed=False).exists()


def test_a_script_with_an_api_token_needs_no_second_factor(client, people):
    token = Token.objects.create(user=people.alice)
    response = client.get("/api/v1/recommendations/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_a_focal_point_logs_in_with_the_password_alone_and_may_turn_the_second_factor_on_and_off(
    client, people, no_code_throttling
):
    log_in_with_password(client, "fatima")
    assert client.get(reverse("work_list")).status_code == 200
    assert "Off: your password alone" in body(client.get(reverse("two_factor_settings")))

    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=people.fatima)
    client.post(reverse("two_factor_setup"), {"code": totp_code(device)})
    assert "On: each login asks" in body(client.get(reverse("two_factor_settings")))

    client.post(reverse("logout"))
    log_in_with_password(client, "fatima")
    assert client.get(reverse("work_list"))["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"code": totp_code(device)})

    client.post(reverse("two_factor_disable"), {"code": "000000" if totp_code(device) != "000000" else "1"})
    assert two_factor_enabled(people.fatima)
    client.post(reverse("two_factor_disable"), {"code": totp_code(device)})
    assert not two_factor_enabled(people.fatima)


def test_a_coordinator_cannot_turn_the_second_factor_off(client, people):
    device = totp_device(people.alice)
    login(client, people.alice)
    assert "cannot be turned off" in body(client.get(reverse("two_factor_settings")))
    client.post(reverse("two_factor_disable"), {"code": totp_code(device)})
    assert two_factor_enabled(people.alice)


def test_the_demo_coordinator_and_administrator_have_the_published_demo_authenticator(demo_data):
    users = {user.username: user for user in demo_users_create()}
    for username in ("coordinator", "admin"):
        device = TOTPDevice.objects.get(user=users[username], confirmed=True)
        assert device.bin_key == __import__("base64").b32decode(DEMO_TOTP_SECRET)
    assert not TOTPDevice.objects.filter(user=users["focal_point"]).exists()


# ---- lockout ----


def test_five_failed_logins_lock_that_username_out_from_that_address_until_an_administrator_resets_it(client, people):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in_with_password(client, "fatima", "wrong password").status_code == 200
    locked = log_in_with_password(client, "fatima", "wrong password")
    assert locked.status_code == 429
    assert "Too many failed logins for this username from your address" in body(locked)
    assert "15 minutes" in body(locked)

    # Even the right password is refused now, from this address; another address is not locked out.
    assert log_in_with_password(client, "fatima").status_code == 429
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert log_in_with_password(elsewhere, "fatima").status_code == 302

    call_command("axes_reset", verbosity=0)
    assert log_in_with_password(client, "fatima").status_code == 302


def test_the_lockout_is_shown_in_the_readers_language(client, people):
    client.cookies["django_language"] = "ar"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in_with_password(client, "fatima", "wrong password")
    assert response.status_code == 429
    assert '<html lang="ar" dir="rtl">' in body(response)
    assert 'id="rasd-locked-out"' in body(response)


def test_behind_the_proxy_failures_count_against_the_address_it_forwards(client, people, settings):
    settings.RASD_TRUST_X_FORWARDED_FOR = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in_with_password(client, "fatima", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.1")
    assert log_in_with_password(client, "fatima", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert log_in_with_password(client, "fatima", HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 302


# ---- passwords ----


def test_passwords_need_twelve_characters_and_not_a_common_one():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xq7#vLp2!rT")
    with pytest.raises(ValidationError):
        validate_password("password1234")
    validate_password("Xq7#vLp2!rTz")


def test_the_demo_and_test_passwords_pass_the_policy():
    validate_password(DEMO_PASSWORD)
    validate_password(PEOPLE_PASSWORD)


# ---- headers and the Content-Security-Policy ----


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_and_api_answers_carry_the_security_headers(client, people):
    login(client, people.alice)
    assert_security_headers(client.get(reverse("home")))
    assert_security_headers(client.get("/api/v1/recommendations/"))
    assert_security_headers(Client().get(reverse("login")))


class InlineCode(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block: inline scripts, <style>
    elements, style attributes, event-handler attributes and javascript: links."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} href=javascript:")


def inline_code(page: str) -> list[str]:
    parser = InlineCode()
    parser.feed(page)
    return parser.found


def test_pages_have_no_inline_script_or_style_for_the_policy_to_block(client, people, action, demo_data):
    from rasd.recommendations.models import Recommendation

    recommendation = Recommendation.objects.filter(source="didh").first()
    login(client, people.alice)
    urls = [
        reverse("home"),
        reverse("recommendation_list"),
        reverse("recommendation_list") + "?q=torture",
        reverse("recommendation_detail", args=[recommendation.pk]),
        reverse("work_list"),
        reverse("action_list"),
        reverse("action_detail", args=[action.pk]),
        reverse("indicator_list"),
        reverse("deadline_list"),
        reverse("import_list"),
        reverse("two_factor_settings"),
        "/api/v1/docs/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(body(response)) == [], url
    anonymous = Client()
    anonymous.cookies["django_language"] = "ar"
    assert inline_code(body(anonymous.get(reverse("login")))) == []


def test_the_admin_has_no_inline_script_or_style(admin_client):
    for url in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_code(body(response)) == [], url


def test_the_api_documentation_loads_its_script_from_a_file(client, people):
    login(client, people.alice)
    page = body(client.get("/api/v1/docs/"))
    assert inline_code(page) == []
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', page).group(1)
    response = client.get(html.unescape(script))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in body(response)


def test_the_two_factor_setup_page_draws_its_qr_code_inside_the_page(client, people):
    log_in_with_password(client, "alice")
    page = body(client.get(reverse("two_factor_setup")))
    assert re.search(r'<div class="rasd-qr"[^>]*><svg ', page)
    assert inline_code(page) == []


def test_session_and_csrf_cookies_are_out_of_reach_of_scripts(client, people):
    response = log_in_with_password(client, "fatima")
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = Client().get(reverse("login")).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"]


# ---- production settings ----


PRODUCTION = {
    "RASD_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DEBUG": "0",
    "ALLOWED_HOSTS": "rasd.example.org",
}
SECURITY_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
)


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    # Not the overrides, and not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check refuses.
    left_out = (
        "SECURE_COOKIES",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "TRUST_X_FORWARDED_PROTO",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    variables = {k: v for k, v in os.environ.items() if k not in left_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**variables, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def security_settings(env: dict) -> dict:
    code = f"from django.conf import settings; import json; print(json.dumps({{n: getattr(settings, n, None) for n in {SECURITY_SETTINGS!r}}}))"
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deploy_check_passes_with_the_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_production_turns_on_https_secure_cookies_and_a_year_of_hsts_and_each_can_be_turned_off():
    production = security_settings(PRODUCTION)
    assert production == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    overridden = security_settings(
        {
            **PRODUCTION,
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "TRUST_X_FORWARDED_PROTO": "0",
        }
    )
    assert overridden["SESSION_COOKIE_SECURE"] is False and overridden["CSRF_COOKIE_SECURE"] is False
    assert overridden["SECURE_SSL_REDIRECT"] is False and overridden["SECURE_HSTS_SECONDS"] == 0
    assert overridden["SECURE_PROXY_SSL_HEADER"] is None


# ---- uploaded files ----


def test_evidence_files_are_not_served_from_the_media_address(client, people, action):
    update = services.progress_update_create(
        by=people.fatima, action=action, text="Rapport.", date=datetime.date(2026, 10, 1), files=[pdf()]
    )
    evidence = update.evidence.get()
    assert (Path(settings.MEDIA_ROOT) / evidence.file.name).exists()
    login(client, people.alice)
    assert client.get(f"/{settings.MEDIA_URL}{evidence.file.name}").status_code == 404
    login(client, people.fatima)
    assert client.get(f"/{settings.MEDIA_URL}{evidence.file.name}").status_code == 404


# ---- user text ----

HOSTILE_TITLE = f'<script>alert("x")</script> {RLO}تكوين القضاة {RLI}غير مغلق'
HOSTILE_TEXT = f'<img src=x onerror="alert(1)"> {FSI}120 {LRI}قاضيا{RLO} مكونا'


class IsolationCheck(HTMLParser):
    """For each text node holding ``marker``: whether an element around it (below ``<html>``) isolates it (``dir``
    set, or a ``<bdi>``), or it is the page's ``<title>`` with the text between FSI and PDI, so that a direction
    control inside ends with that element."""

    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker, self.stack, self.found = marker, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.marker not in data:
            return
        tag, attrs = self.stack[-1]
        if tag == "title":
            self.found.append(FSI in data and data.rstrip().split(PDI)[-1].strip(" ·") == "Rasd")
        else:
            self.found.append(any(tag == "bdi" or "dir" in attrs for tag, attrs in self.stack if tag != "html"))


def isolation(page: str, marker: str) -> list[bool]:
    check = IsolationCheck(marker)
    check.feed(page)
    return check.found


def test_markup_and_direction_controls_typed_into_titles_and_progress_text_stay_inside_their_field(
    client, people, assigned
):
    from rasd.followup.models import Action

    action = services.action_create(
        by=people.fatima,
        title=HOSTILE_TITLE,
        institution=people.fatima.institution,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        status=Action.Status.ONGOING,
        recommendations=[assigned],
    )
    update = services.progress_update_create(
        by=people.fatima, action=action, text=HOSTILE_TEXT, date=datetime.date(2026, 10, 1)
    )
    login(client, people.fatima)
    pages = {
        "action": body(client.get(reverse("action_detail", args=[action.pk]))),
        "actions": body(client.get(reverse("action_list"))),
        "update": body(client.get(reverse("progress_update_detail", args=[update.pk]))),
        "recommendation": body(client.get(reverse("recommendation_detail", args=[assigned.pk]))),
    }
    for name, page in pages.items():
        assert "<script>alert" not in page and "<img src=x" not in page, name
        assert inline_code(page) == [], name
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages["action"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in pages["update"]

    for name in ("action", "actions", "recommendation"):
        found = isolation(pages[name], "تكوين القضاة")
        assert found and all(found), (name, found)
    found = isolation(pages["update"], "قاضيا")
    assert found and all(found), found
