"""Shared fixtures. The test database starts with the reference data and the DIDH demo set (real Moroccan data)."""

import datetime
import functools
import time
from pathlib import Path

import pytest
from django.conf import settings

from rasd.core.reference import reference_data_load

DEMO_DIR = Path(settings.BASE_DIR) / "data" / "demo" / "didh_morocco"
UPR_INFO_FILE = Path(settings.BASE_DIR) / "data" / "samples" / "upr_info_2008_2014.csv"


def demo_data_load() -> None:
    from django_tasks_db.models import DBTaskResult

    from rasd.imports.services import import_file

    reference_data_load()
    import_file(source="didh", data=DEMO_DIR)
    # The demo import queued its embeddings for the worker; tests that need vectors compute their own.
    DBTaskResult.objects.all().delete()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo_data_load()


@pytest.fixture
def demo_data(db):
    """The reference data and the demo set, loaded again when a transactional test (which empties the database
    when it ends) ran before this one."""
    from rasd.recommendations.models import Recommendation

    if not Recommendation.objects.filter(source="didh").exists():
        demo_data_load()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a page rendered in Arabic by one test must not change the next one's messages."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, not to the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def table_counts() -> dict[str, int]:
    """Rows in every table of the project, to prove that a refused import changed nothing."""
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}


@pytest.fixture
def people(demo_data):
    """Named people in different institutions, so every follow-up test can check who sees and does what:
    alice coordinates (DIDH); fatima (focal point) and omar (validator) work at the Ministry of Justice, karim
    (focal point) and nadia (validator) at the Ministry of the Interior; paul is a partner at UNDP; olga observes
    for the CNDH."""
    from types import SimpleNamespace

    from rasd.accounts.models import Role, User
    from rasd.institutions.models import Institution

    def person(username, role, code):
        return User.objects.create(
            username=username,
            password=_people_password_hash(),
            email=f"{username}@example.org",
            first_name=username.capitalize(),
            role=role,
            institution=Institution.objects.get(code=code),
        )

    return SimpleNamespace(
        alice=person("alice", Role.COORDINATOR, "didh"),
        fatima=person("fatima", Role.FOCAL_POINT, "justice"),
        omar=person("omar", Role.VALIDATOR, "justice"),
        karim=person("karim", Role.FOCAL_POINT, "interieur"),
        nadia=person("nadia", Role.VALIDATOR, "interieur"),
        paul=person("paul", Role.PARTNER, "undp"),
        olga=person("olga", Role.OBSERVER, "cndh"),
    )


PEOPLE_PASSWORD = "rasd-test-password"


@functools.cache
def _people_password_hash() -> str:
    # Hashed once per run: the hasher is deliberately slow, and seven people per test would cost seconds.
    from django.contrib.auth.hashers import make_password

    return make_password(PEOPLE_PASSWORD)


# Logging in ---------------------------------------------------------------------------------------------------------


def totp_device(user):
    """``user``'s confirmed authenticator (the app on their phone), set up now if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device) -> str:
    """A code ``device``'s app shows, that the device has not accepted yet (each code logs in once): the current
    one, or the next one when the current one was just used."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def login(client, user):
    """Log ``user`` in on the test client as after the whole login: the password and, for an account that needs
    one, the authenticator's code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from rasd.accounts.two_factor import two_factor_enabled, two_factor_required

    client.force_login(user)
    if two_factor_required(user) or two_factor_enabled(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's client of a superuser, logged in through the second step every superuser gives."""
    from django.test import Client

    client = Client()
    login(client, admin_user)
    return client


# Follow-up ----------------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="rapport.pdf", content=PDF):
    """An uploaded evidence file (a tiny valid PDF unless ``content`` says otherwise)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def institution(code):
    from rasd.institutions.models import Institution

    return Institution.objects.get(code=code)


@pytest.fixture
def recommendation(demo_data):
    """A real recommendation of the demo set, with no assignment yet."""
    from rasd.followup.models import Assignment
    from rasd.recommendations.models import Recommendation

    rec = Recommendation.objects.filter(source="didh", text_ar__gt="", implementation_status="not_started").first()
    Assignment.objects.filter(recommendation=rec).delete()
    return rec


@pytest.fixture
def assignment_due():
    """When ``assigned``'s assignment is due; a module overrides this fixture to test lateness."""
    return datetime.date(2027, 6, 30)


@pytest.fixture
def assigned(people, recommendation, assignment_due):
    """``recommendation``, given by alice to the Ministry of Justice (lead) with UNDP supporting."""
    from rasd.followup import services

    services.assignments_create(
        by=people.alice,
        recommendations=[recommendation],
        lead=institution("justice"),
        supporting=[institution("undp")],
        due_date=assignment_due,
    )
    return recommendation


@pytest.fixture
def action(people, assigned):
    """fatima's ongoing action of the Ministry of Justice (UNDP supporting) on the ``assigned`` recommendation."""
    from rasd.followup import services
    from rasd.followup.models import Action

    return services.action_create(
        by=people.fatima,
        title="Former les magistrats à la Convention contre la torture",
        institution=institution("justice"),
        supporting_institutions=[institution("undp")],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        budget_amount=250000,
        budget_currency="MAD",
        budget_source="Budget général",
        status=Action.Status.ONGOING,
        recommendations=[assigned],
    )
