import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rasd.accounts.models import Role, User
from rasd.core.reference import reference_data_load
from rasd.imports.models import ImportJob
from rasd.institutions.models import Institution
from rasd.recommendations.models import Recommendation
from tests.conftest import UPR_INFO_FILE, login, table_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client):
    """Alice coordinates the follow-up at the DIDH."""
    user = User.objects.create_user(
        "alice", password="pw", role=Role.COORDINATOR, institution=Institution.objects.get(code="didh")
    )
    login(client, user)
    return user


def upr_info_slice(rows: int, *, bad_row: int | None = None) -> bytes:
    lines = UPR_INFO_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    # The real file has no line breaks inside cells, so lines are rows.
    selected = [lines[0], *lines[1 : rows + 1]]
    if bad_row:
        selected[bad_row - 1] = (
            selected[bad_row - 1].replace(",Accepted,", ",Maybe,", 1).replace(",Noted,", ",Maybe,", 1)
        )
    return "".join(selected).encode("utf-8")


def run_worker():
    """The real task worker, in this process, until the queue is empty."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


# The worker opens and closes its own database connections, as in production: these tests commit for real.
worker_test = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference():
    """Transactional tests start from an empty database."""
    reference_data_load()


@worker_test
def test_a_coordinator_uploads_a_file_and_the_worker_imports_it(client, reference, alice):
    upload = SimpleUploadedFile("upr.csv", upr_info_slice(300), content_type="text/csv")
    response = client.post("/imports/new/", {"source": "upr_info", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    assert job.status == ImportJob.Status.QUEUED
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert b'http-equiv="refresh"' in page.content

    run_worker()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert job.created_count == 300 and job.progress == 300
    assert Recommendation.objects.filter(source="upr_info").count() == 300
    page = client.get(f"/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b'http-equiv="refresh"' not in page.content
    assert b"300 new recommendations" in page.content


@worker_test
def test_a_refused_upload_shows_row_column_and_value_and_writes_nothing(client, reference, alice):
    upload = SimpleUploadedFile("upr.csv", upr_info_slice(1500, bad_row=777), content_type="text/csv")
    client.post("/imports/new/", {"source": "upr_info", "file": upload})
    before = table_counts()
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [(777, "Response", "Maybe")]
    assert table_counts() == before
    page = client.get(f"/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"777" in page.content and b"Maybe" in page.content


def test_the_upload_page_refuses_a_file_of_the_wrong_type(client, alice):
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post("/imports/new/", {"source": "uhri", "file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This format takes .csv, .xlsx files" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_focal_point_cannot_import(client):
    bob = User.objects.create_user(
        "bob", password="pw", role=Role.FOCAL_POINT, institution=Institution.objects.get(code="justice")
    )
    login(client, bob)
    assert client.get("/imports/new/").status_code == 403
    assert client.get("/imports/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/imports/new/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
