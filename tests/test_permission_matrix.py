"""The permission matrix: every role × every follow-up page and API endpoint × its own and another institution.

The expected answers are written out by hand below (not computed from the rules under test). Each test walks one
person through every record — web page, API detail, API list — and collects every answer that differs from the
table, so a failure lists all the leaks and all the wrongful refusals at once.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from rasd.followup import services
from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.recommendations.models import Recommendation
from tests.conftest import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PEOPLE = ("alice", "fatima", "omar", "karim", "nadia", "paul", "olga")


def institution(code):
    return Institution.objects.get(code=code)


def walk(report, steps, people):
    for step, person in steps:
        report = step(report=report, by=getattr(people, person), version=report.version)
    return report


SUBMIT = [(services.report_submit, "fatima")]
APPROVE = [*SUBMIT, (services.report_approve, "omar")]
VALIDATE = [*APPROVE, (services.report_validate, "alice")]


@pytest.fixture
def world(people):
    """Justice leads one recommendation (UNDP supports it and Justice's action); the Interior leads another.
    Justice has reports at every step of the workflow, the Interior one submitted update and nothing validated."""
    rec_j, rec_i = Recommendation.objects.filter(source="didh").order_by("id")[30:32]
    Assignment.objects.filter(recommendation__in=[rec_j, rec_i]).delete()
    services.assignments_create(
        by=people.alice, recommendations=[rec_j], lead=institution("justice"), supporting=[institution("undp")]
    )
    services.assignments_create(by=people.alice, recommendations=[rec_i], lead=institution("interieur"))
    action_j = services.action_create(
        by=people.fatima,
        title="Action J",
        institution=institution("justice"),
        supporting_institutions=[institution("undp")],
        recommendations=[rec_j],
    )
    action_i = services.action_create(by=people.karim, title="Action I", institution=institution("interieur"))
    indicator_j = services.indicator_create(
        by=people.fatima, kind="process", title="Indicator J", unit="%", institution=institution("justice")
    )
    indicator_j.actions.add(action_j)
    indicator_i = services.indicator_create(
        by=people.karim, kind="outcome", title="Indicator I", unit="%", institution=institution("interieur")
    )

    def update(text, steps, by="fatima", **subject):
        made = services.progress_update_create(
            by=getattr(people, by),
            text=text,
            date=datetime.date(2026, 2, 1),
            files=[SimpleUploadedFile(f"{text}.pdf", PDF)],
            **subject,
        )
        return walk(made, steps, people)

    def value(steps):
        made = services.indicator_value_create(
            by=people.fatima, indicator=indicator_j, value=12, date=datetime.date(2026, 2, 1)
        )
        return walk(made, steps, people)

    records = {
        "assignment_j": Assignment.objects.get(recommendation=rec_j, institution__code="justice"),
        "assignment_undp": Assignment.objects.get(recommendation=rec_j, institution__code="undp"),
        "assignment_i": Assignment.objects.get(recommendation=rec_i),
        "action_j": action_j,
        "action_i": action_i,
        "indicator_j": indicator_j,
        "indicator_i": indicator_i,
        "update_j_draft": update("draft J", [], recommendation=rec_j),
        "update_j_submitted": update("submitted J", SUBMIT, action=action_j),
        "update_j_approved": update("approved J", APPROVE, action=action_j),
        "update_j_validated": update("validated J", VALIDATE, action=action_j),
        "update_i_submitted": update("submitted I", [(services.report_submit, "karim")], by="karim", action=action_i),
        "value_j_draft": value([]),
        "value_j_validated": value(VALIDATE),
    }
    records["evidence_j_draft"] = records["update_j_draft"].evidence.get()
    records["evidence_j_validated"] = records["update_j_validated"].evidence.get()
    records["rec_j"], records["rec_i"] = rec_j, rec_i
    return records


# Who may read each record. Y: the web page and the API answer it, the API list includes it; -: they do not.
#                          alice fatima omar karim nadia paul olga
READ = {
    "assignment_j":        "Y     Y      Y    -     -     -    Y",
    "assignment_undp":     "Y     -      -    -     -     Y    Y",
    "assignment_i":        "Y     -      -    Y     Y     -    Y",
    "action_j":            "Y     Y      Y    -     -     Y    Y",
    "action_i":            "Y     -      -    Y     Y     -    -",
    "indicator_j":         "Y     Y      Y    -     -     Y    Y",
    "indicator_i":         "Y     -      -    Y     Y     -    -",
    "update_j_draft":      "-     Y      Y    -     -     -    -",
    "update_j_submitted":  "Y     Y      Y    -     -     -    -",
    "update_j_approved":   "Y     Y      Y    -     -     -    -",
    "update_j_validated":  "Y     Y      Y    -     -     Y    Y",
    "update_i_submitted":  "Y     -      -    Y     Y     -    -",
    "value_j_draft":       "-     Y      Y    -     -     -    -",
    "value_j_validated":   "Y     Y      Y    -     -     Y    Y",
    "evidence_j_draft":    "-     Y      Y    -     -     -    -",
    "evidence_j_validated": "Y    Y      Y    -     -     Y    Y",
}  # fmt: skip

# Institution pages (work and handover): coordinators and the institution's own members.
INSTITUTION_PAGES = {
    "justice":   "Y     Y      Y    -     -     -    -",
    "interieur": "Y     -      -    Y     Y     -    -",
    "undp":      "Y     -      -    -     -     Y    -",
}  # fmt: skip

WEB = {
    "action": "/actions/{pk}/",
    "indicator": "/indicators/{pk}/",
    "update": "/updates/{pk}/",
    "value": "/values/{pk}/",
    "evidence": "/evidence/{token}/",
}
API = {
    "assignment": "assignments",
    "action": "actions",
    "indicator": "indicators",
    "update": "progress-updates",
    "value": "indicator-values",
}


def allowed(table: dict, name: str, person: str) -> bool:
    return table[name].split()[PEOPLE.index(person)] == "Y"


def api_ids(client, collection):
    ids, url = set(), f"/api/v1/{collection}/?page_size=1000"
    while url:
        body = client.get(url).json()
        ids |= {row["id"] for row in body["results"]}
        url = body.get("next")
    return ids


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_reads_exactly_what_the_matrix_allows(client, people, world, person):
    user = getattr(people, person)
    login(client, user)
    api = APIClient()
    api.force_authenticate(user)
    lists = {kind: api_ids(api, collection) for kind, collection in API.items()}
    wrong = []
    for name in READ:
        kind, record = name.split("_")[0], world[name]
        expected = allowed(READ, name, person)
        if kind in WEB:
            url = WEB[kind].format(pk=record.pk, token=getattr(record, "token", ""))
            status = client.get(url).status_code
            if (status == 200) != expected or status not in (200, 403, 404):
                wrong.append(f"web {url} ({name}): {status}")
        if kind in API:
            status = api.get(f"/api/v1/{API[kind]}/{record.pk}/").status_code
            if (status == 200) != expected or status not in (200, 404):
                wrong.append(f"api {API[kind]}/{record.pk} ({name}): {status}")
            if (record.pk in lists[kind]) != expected:
                wrong.append(f"api list {API[kind]} ({name}): {'listed' if record.pk in lists[kind] else 'missing'}")
        if kind == "evidence":
            status = api.get(f"/api/v1/evidence/{record.token}/").status_code
            if (status == 200) != expected:
                wrong.append(f"api evidence ({name}): {status}")
    for code in INSTITUTION_PAGES:
        expected = allowed(INSTITUTION_PAGES, code, person)
        for url in (f"/institutions/{code}/", f"/institutions/{code}/handover/"):
            status = client.get(url).status_code
            if (status == 200) != expected or status not in (200, 403, 404):
                wrong.append(f"web {url}: {status}")
    assert wrong == []


def test_a_focal_point_never_sees_another_institutions_records_in_lists_pages(client, people, world):
    login(client, people.karim)
    for url in ("/actions/", "/indicators/", "/work/", "/deadlines/", f"/recommendations/{world['rec_j'].pk}/"):
        page = client.get(url).content.decode()
        for title in ("Action J", "Indicator J", "draft J", "submitted J", "validated J"):
            assert title not in page, f"{title} appears on {url}"


def test_nobody_logged_out_reads_anything(client, world):
    api = APIClient()
    for name in READ:
        kind, record = name.split("_")[0], world[name]
        if kind in WEB:
            url = WEB[kind].format(pk=record.pk, token=getattr(record, "token", ""))
            assert client.get(url).status_code == 302, url  # to the login page
        if kind in API:
            assert api.get(f"/api/v1/{API[kind]}/{record.pk}/").status_code == 401
    assert client.get("/institutions/justice/handover/").status_code == 302


# Who may do what. Each write is tried by each person, then rolled back, so every person meets the same state.
#                             alice fatima omar karim nadia paul olga
WRITE = {
    "assign":                 "Y     -      -    -     -     -    -",
    "set_status":             "Y     -      -    -     -     -    -",
    "create_action_j":        "Y     Y      -    -     -     -    -",
    "edit_action_j":          "Y     Y      -    -     -     -    -",
    "create_update_on_rec_j": "-     Y      -    -     -     -    -",
    "edit_update_j_draft":    "-     Y      -    -     -     -    -",
    "submit_update_j_draft":  "-     Y      Y    -     -     -    -",
    "approve_update_j_submitted": "-  -      Y    -     -     -    -",
    "return_update_j_submitted": "-   -      Y    -     -     -    -",
    "validate_update_j_approved": "Y  -      -    -     -     -    -",
    "return_update_j_approved": "Y   -      -    -     -     -    -",
    "create_value_j":         "-     Y      -    -     -     -    -",
    "add_evidence_j_draft":   "-     Y      -    -     -     -    -",
}  # fmt: skip


def writes(world):
    """Each write as an API request (method, path, data) and, where the web offers it, a web POST (path, data)."""
    rec_j, action_j = world["rec_j"], world["action_j"]
    new_status = "implemented" if rec_j.implementation_status != "implemented" else "in_progress"
    draft, submitted, approved = world["update_j_draft"], world["update_j_submitted"], world["update_j_approved"]
    return {
        "assign": (
            ("post", "/api/v1/assignments/", {"recommendations": [rec_j.pk], "lead": "interieur"}),
            None,
        ),
        "set_status": (
            (
                "post",
                f"/api/v1/recommendations/{rec_j.pk}/status/",
                {"status": new_status, "justification": "Rapport validé", "version": rec_j.version},
            ),
            (
                f"/recommendations/{rec_j.pk}/status/",
                {"status": new_status, "justification": "Rapport validé", "version": rec_j.version},
            ),
        ),
        "create_action_j": (("post", "/api/v1/actions/", {"title": "New", "institution": "justice"}), None),
        "edit_action_j": (
            ("patch", f"/api/v1/actions/{action_j.pk}/", {"title": "Edited", "version": action_j.version}),
            None,
        ),
        "create_update_on_rec_j": (
            ("post", "/api/v1/progress-updates/", {"recommendation": rec_j.pk, "text": "t", "date": "2026-03-01"}),
            None,
        ),
        "edit_update_j_draft": (
            ("patch", f"/api/v1/progress-updates/{draft.pk}/", {"text": "Edited", "version": draft.version}),
            None,
        ),
        "submit_update_j_draft": (
            ("post", f"/api/v1/progress-updates/{draft.pk}/submit/", {"version": draft.version}),
            (f"/updates/{draft.pk}/submit/", {"version": draft.version}),
        ),
        "approve_update_j_submitted": (
            ("post", f"/api/v1/progress-updates/{submitted.pk}/approve/", {"version": submitted.version}),
            (f"/updates/{submitted.pk}/approve/", {"version": submitted.version}),
        ),
        "return_update_j_submitted": (
            (
                "post",
                f"/api/v1/progress-updates/{submitted.pk}/return/",
                {"version": submitted.version, "reason": "Incomplet"},
            ),
            (f"/updates/{submitted.pk}/return/", {"version": submitted.version, "reason": "Incomplet"}),
        ),
        "validate_update_j_approved": (
            ("post", f"/api/v1/progress-updates/{approved.pk}/validate/", {"version": approved.version}),
            (f"/updates/{approved.pk}/validate/", {"version": approved.version}),
        ),
        "return_update_j_approved": (
            (
                "post",
                f"/api/v1/progress-updates/{approved.pk}/return/",
                {"version": approved.version, "reason": "Incomplet"},
            ),
            (f"/updates/{approved.pk}/return/", {"version": approved.version, "reason": "Incomplet"}),
        ),
        "create_value_j": (
            (
                "post",
                "/api/v1/indicator-values/",
                {"indicator": world["indicator_j"].pk, "value": "3", "date": "2026-03-01"},
            ),
            None,
        ),
        "add_evidence_j_draft": (
            ("post", f"/api/v1/progress-updates/{draft.pk}/evidence/", "multipart"),
            (f"/updates/{draft.pk}/evidence/", "multipart"),
        ),
    }


def _attempt(send):
    """Send one request inside a savepoint that is rolled back afterwards: the next attempt meets the same state."""
    savepoint = transaction.savepoint()
    try:
        return send()
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_does_exactly_what_the_matrix_allows(client, people, world, person):
    user = getattr(people, person)
    login(client, user)
    api = APIClient()
    api.force_authenticate(user)
    wrong = []
    for name, ((method, path, data), web) in writes(world).items():
        expected = allowed(WRITE, name, person)
        if data == "multipart":
            version = world["update_j_draft"].version

            def send(path=path, version=version):
                return api.post(
                    path, {"file": SimpleUploadedFile("more.pdf", PDF), "version": version}, format="multipart"
                )
        else:

            def send(method=method, path=path, data=data):
                return getattr(api, method)(path, data, format="json")

        response = _attempt(send)
        status = response.status_code
        # A refusal is 403, or 404 for a record the person may not see — or 400 when the request names such a
        # record (the API then answers as for an id that does not exist).
        if (status in (200, 201)) != expected or status >= 500 or (not expected and status not in (400, 403, 404)):
            wrong.append(f"api {method.upper()} {path} ({name}): {status} {response.content[:300]!r}")
        if web is not None:
            web_path, web_data = web
            if web_data == "multipart":
                web_data = {"file": SimpleUploadedFile("more.pdf", PDF), "version": world["update_j_draft"].version}
            status = _attempt(lambda web_path=web_path, web_data=web_data: client.post(web_path, web_data)).status_code
            if (status == 302) != expected or status >= 500 or (not expected and status not in (403, 404)):
                wrong.append(f"web POST {web_path} ({name}): {status}")
    assert wrong == []
