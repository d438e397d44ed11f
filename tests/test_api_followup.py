"""The follow-up through the API: the whole cycle from assignment to implementation status, who may see and do what
(the same refusals as the services), versions and conflicts, evidence files — and every answer checked against the
generated OpenAPI schema (``Api`` checks each one it receives).
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rasd.core.history import history_for
from rasd.followup import services
from rasd.followup.models import Action, Assignment, Evidence, Indicator, ProgressUpdate, Report
from rasd.mechanisms.models import Deadline, Review
from rasd.recommendations.models import Cluster, Recommendation
from tests.conftest import PDF, institution
from tests.openapi import API, FOLLOW_UP_COLLECTIONS, assert_documented, collection_of, generated

pytestmark = pytest.mark.django_db

Status = Report.Status


class Api:
    """Requests to the API as one person (or anonymously); every answer must be one the schema documents."""

    def __init__(self, user=None, **headers):
        # In English unless a test asks for another language (the site's default language is Arabic).
        self.client = APIClient(**{"HTTP_ACCEPT_LANGUAGE": "en", **headers})
        if user is not None:
            self.client.force_authenticate(user)

    def request(self, method: str, url: str, data=None, *, format="json", **extra):
        url = url if url.startswith("/") else API + url
        response = getattr(self.client, method)(url, data, format=format, **extra)
        assert_documented(method, url, response)
        return response

    def get(self, url, params=None):
        return self.request("get", url, params, format=None)

    def post(self, url, data=None, **extra):
        return self.request("post", url, data, **extra)

    def patch(self, url, data=None):
        return self.request("patch", url, data)

    def delete(self, url, params=None):
        return self.request("delete", f"{url}?{urlencode(params)}" if params else url, format=None)

    def upload(self, url, name, content, version):
        file = SimpleUploadedFile(name, content)
        return self.request("post", url, {"file": file, "version": version}, format="multipart")


@pytest.fixture
def api(people):
    """``api.fatima.get(…)``: the API as each of the named people."""

    class People:
        def __getattr__(self, name):
            return Api(getattr(people, name))

    return People()


@pytest.fixture
def draft(people, action):
    return services.progress_update_create(
        by=people.fatima, action=action, text="120 magistrats formés.", date=datetime.date(2026, 10, 1)
    )


def submitted(report, people):
    return services.report_submit(report=report, by=people.fatima, version=report.version)


def validated(report, people):
    report = submitted(report, people)
    report = services.report_approve(report=report, by=people.omar, version=report.version)
    return services.report_validate(report=report, by=people.alice, version=report.version)


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# The whole cycle ------------------------------------------------------------------------------------------------------


def test_the_whole_cycle_runs_through_the_api_from_assignment_to_implementation_status(api, people, recommendation):
    alice, fatima, omar = api.alice, api.fatima, api.omar

    response = alice.post(
        "assignments/",
        {"recommendations": [recommendation.pk], "lead": "justice", "supporting": ["undp"], "due_date": "2027-06-30"},
    )
    assert response.status_code == 201
    assert {(a["institution"], a["role"]) for a in response.json()} == {("justice", "lead"), ("undp", "supporting")}

    response = fatima.post(
        "actions/",
        {
            "title": "Former les magistrats",
            "institution": "justice",
            "supporting_institutions": ["undp"],
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "budget_amount": "250000.00",
            "budget_currency": "MAD",
            "recommendations": [recommendation.pk],
        },
    )
    assert response.status_code == 201, response.json()
    action = response.json()
    assert action["institution"] == "justice" and action["version"] == 1 and action["created_by"] == "fatima"

    response = fatima.post(
        "progress-updates/",
        {
            "action": action["id"],
            "date": "2026-10-01",
            "text": "120 magistrats formés.",
            "proposed_status": "in_progress",
        },
    )
    assert response.status_code == 201, response.json()
    update = response.json()
    assert update["status"] == "draft" and update["institution"] == "justice" and update["evidence"] == []
    url = f"progress-updates/{update['id']}/"

    response = fatima.upload(f"{url}evidence/", "rapport.pdf", PDF, update["version"])
    assert response.status_code == 201, response.json()
    evidence = response.json()
    assert evidence["name"] == "rapport.pdf" and evidence["content_type"] == "application/pdf"
    assert evidence["size"] == len(PDF) and evidence["report_version"] == 2
    download = Api(people.fatima).client.get(evidence["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]

    response = fatima.post(f"{url}submit/", {"version": evidence["report_version"]})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    response = omar.post(f"{url}approve/", {"version": response.json()["version"]})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = alice.post(f"{url}validate/", {"version": response.json()["version"]})
    assert response.status_code == 200 and response.json()["status"] == "validated"
    assert response.json()["validated_at"] and len(response.json()["evidence"]) == 1

    response = alice.post(
        f"recommendations/{recommendation.pk}/status/",
        {"status": "in_progress", "justification": "Formation en cours (rapport validé).", "version": 1},
    )
    assert response.status_code == 200
    assert response.json() == {"id": recommendation.pk, "implementation_status": "in_progress", "version": 2}

    steps = [entry["action"] for entry in alice.get(f"{url}timeline/").json()]
    assert steps == ["validated", "approved", "submitted", "updated", "created"]
    assert api.olga.get(f"{url}timeline/").json()[0]["action"] == "validated"
    assert len(api.olga.get(f"{url}timeline/").json()) == 1  # the drafting is the institution's
    assert api.olga.get(url).json()["evidence"][0]["name"] == "rapport.pdf"
    assert history_for(instance=recommendation).first().note == "Formation en cours (rapport validé)."


def test_indicator_values_go_through_the_same_workflow_as_progress_updates(api, people, action):
    response = api.fatima.post(
        "indicators/",
        {
            "kind": "process",
            "title": "Magistrats formés",
            "unit": "nombre",
            "institution": "justice",
            "actions": [action.pk],
            "reporting_frequency": "quarterly",
        },
    )
    assert response.status_code == 201, response.json()
    indicator = response.json()
    assert indicator["actions"] == [action.pk] and indicator["kind"] == "process"

    response = api.fatima.post(
        "indicator-values/", {"indicator": indicator["id"], "date": "2026-09-30", "value": "120"}
    )
    assert response.status_code == 201, response.json()
    value = response.json()
    url = f"indicator-values/{value['id']}/"
    response = api.fatima.upload(f"{url}evidence/", "liste.pdf", PDF, value["version"])
    assert response.status_code == 201
    response = api.fatima.patch(url, {"value": "121", "version": response.json()["report_version"]})
    assert response.status_code == 200 and response.json()["value"] == "121.0000"
    for person, step in (("fatima", "submit"), ("omar", "approve"), ("alice", "validate")):
        response = getattr(api, person).post(f"{url}{step}/", {"version": response.json()["version"]})
        assert response.status_code == 200, (step, response.json())
    assert response.json()["status"] == "validated"
    assert ids(api.olga.get("indicator-values/", {"indicator": indicator["id"]})) == [value["id"]]


# Who sees and does what -------------------------------------------------------------------------------------------


def test_a_focal_point_cannot_plan_for_another_institution_nor_a_validator_plan_at_all(api):
    response = api.fatima.post("actions/", {"title": "Pas la nôtre", "institution": "interieur"})
    assert response.status_code == 403
    response = api.omar.post("indicators/", {"kind": "outcome", "title": "x", "unit": "%", "institution": "justice"})
    assert response.status_code == 403
    assert not Action.objects.filter(title="Pas la nôtre").exists() and not Indicator.objects.filter(title="x").exists()


def test_a_focal_point_sees_no_draft_of_another_institution(api, draft):
    assert api.karim.get(f"progress-updates/{draft.pk}/").status_code == 404
    assert api.karim.patch(f"progress-updates/{draft.pk}/", {"text": "x", "version": 1}).status_code == 404
    assert api.karim.post(f"progress-updates/{draft.pk}/submit/", {"version": 1}).status_code == 404
    assert draft.pk not in ids(api.karim.get("progress-updates/"))
    assert api.karim.get(f"actions/{draft.action_id}/").status_code == 404
    assert ids(api.fatima.get("progress-updates/", {"status": "draft"})) == [draft.pk]


def test_a_coordinator_sees_a_report_only_once_it_is_submitted(api, people, draft):
    assert api.alice.get(f"progress-updates/{draft.pk}/").status_code == 404
    submitted(draft, people)
    assert api.alice.get(f"progress-updates/{draft.pk}/").json()["status"] == "submitted"
    # Seen, but not the coordinator's to approve: the institution's validator approves first.
    assert api.alice.post(f"progress-updates/{draft.pk}/validate/", {"version": 2}).status_code == 403
    assert api.nadia.post(f"progress-updates/{draft.pk}/approve/", {"version": 2}).status_code == 404


def test_an_observer_sees_only_validated_reports_and_the_actions_they_concern(api, people, action, draft):
    other = services.progress_update_create(
        by=people.fatima, action=action, text="En cours", date=datetime.date.today()
    )
    submitted(other, people)
    assert ids(api.olga.get("progress-updates/")) == [] and ids(api.olga.get("actions/")) == []
    validated(draft, people)
    assert ids(api.olga.get("progress-updates/")) == [draft.pk]
    assert ids(api.olga.get("actions/")) == [action.pk]
    assert api.olga.get(f"progress-updates/{other.pk}/").status_code == 404
    assert (
        api.olga.post("progress-updates/", {"action": action.pk, "text": "x", "date": "2026-01-01"}).status_code == 403
    )


def test_a_partner_sees_what_its_agency_supports_and_only_once_validated(api, people, action, draft):
    unsupported = services.action_create(by=people.fatima, title="Sans appui", institution=institution("justice"))
    assert ids(api.paul.get("actions/")) == [action.pk]
    assert api.paul.get(f"actions/{unsupported.pk}/").status_code == 404
    assert ids(api.paul.get("progress-updates/")) == []
    validated(draft, people)
    assert ids(api.paul.get("progress-updates/", {"action": action.pk})) == [draft.pk]
    assert api.paul.patch(f"actions/{action.pk}/", {"title": "x", "version": action.version}).status_code == 403


def test_only_a_coordinator_assigns_changes_or_removes_an_assignment(api, people, assigned):
    assignment = assigned.assignments.get(institution__code="justice")
    response = api.fatima.post("assignments/", {"recommendations": [assigned.pk], "lead": "interieur"})
    assert response.status_code == 403
    assert api.fatima.patch(f"assignments/{assignment.pk}/", {"role": "supporting", "version": 1}).status_code == 403
    assert api.fatima.delete(f"assignments/{assignment.pk}/").status_code == 403
    assert api.karim.get(f"assignments/{assignment.pk}/").status_code == 404

    response = api.alice.patch(f"assignments/{assignment.pk}/", {"due_date": "2027-12-31", "version": 1})
    assert (
        response.status_code == 200 and response.json()["due_date"] == "2027-12-31" and response.json()["version"] == 2
    )
    assert api.alice.delete(f"assignments/{assignment.pk}/").status_code == 204
    assert list(assigned.assignments.values_list("institution__code", flat=True)) == ["undp"]


def test_assignments_are_listed_by_institution_recommendation_and_lateness(api, people, assigned):
    late = Recommendation.objects.filter(source="didh", implementation_status="not_started").exclude(pk=assigned.pk)[0]
    services.assignments_create(
        by=people.alice, recommendations=[late], lead=institution("justice"), due_date=datetime.date(2020, 1, 1)
    )
    justice = api.alice.get("assignments/", {"institution": "justice", "page_size": 200}).json()
    assert {row["recommendation"] for row in justice["results"]} >= {assigned.pk, late.pk}
    assert {row["institution"] for row in justice["results"]} == {"justice"}
    response = api.alice.get("assignments/", {"recommendation": assigned.pk})
    assert {row["institution"] for row in response.json()["results"]} == {"justice", "undp"}
    late_ones = api.fatima.get("assignments/", {"late": "true", "page_size": 200}).json()["results"]
    assert late.pk in {row["recommendation"] for row in late_ones}
    assert assigned.pk not in {row["recommendation"] for row in late_ones}
    response = api.alice.get("assignments/", {"institution": "no-such-institution"})
    assert response.status_code == 400 and list(response.json()) == ["institution"]


def test_a_cluster_is_read_by_everyone_written_by_a_coordinator_and_assigned_as_a_whole(api, people):
    recs = list(Recommendation.objects.filter(source="didh").order_by("id").values_list("pk", flat=True)[20:23])
    assert api.fatima.post("clusters/", {"title": "Torture", "recommendations": recs}).status_code == 403
    response = api.alice.post("clusters/", {"title": "Torture", "recommendations": recs})
    assert response.status_code == 201 and sorted(response.json()["recommendations"]) == recs
    cluster = response.json()
    response = api.alice.patch(
        f"clusters/{cluster['id']}/", {"description": "Prévention de la torture", "version": cluster["version"]}
    )
    assert response.status_code == 200 and response.json()["description"] == "Prévention de la torture"
    stale = api.alice.patch(f"clusters/{cluster['id']}/", {"title": "Autre", "version": cluster["version"]})
    assert stale.status_code == 409
    assert api.olga.get(f"clusters/{cluster['id']}/").json()["title"] == "Torture"

    response = api.alice.post("assignments/", {"clusters": [cluster["id"]], "lead": "interieur"})
    assert response.status_code == 201 and sorted(a["recommendation"] for a in response.json()) == recs
    assert [e.action for e in history_for(instance=Cluster.objects.get(pk=cluster["id"]))] == ["updated", "created"]


def test_deadlines_are_read_by_every_signed_in_user(api):
    deadline = Deadline.objects.create(
        review=Review.objects.order_by("id").first(), kind=Deadline.Kind.MID_TERM_REPORT, due_date="2027-03-01"
    )
    assert deadline.pk in ids(api.olga.get("deadlines/", {"page_size": 200}))
    assert api.paul.get(f"deadlines/{deadline.pk}/").json()["kind"] == "mid_term_report"


# Values, versions and conflicts -----------------------------------------------------------------------------------


def test_a_change_from_a_stale_version_is_refused_with_409_and_overwrites_nothing(api, people, action):
    services.action_update(action=action, by=people.alice, version=1, title="Titre de la coordination")
    response = api.fatima.patch(f"actions/{action.pk}/", {"title": "Titre de la focale", "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2 and body["current"]["title"] == "Titre de la coordination"
    assert "Someone else changed this record" in body["detail"]
    action.refresh_from_db()
    assert action.title == "Titre de la coordination" and action.version == 2

    response = api.fatima.patch(f"actions/{action.pk}/", {"title": "Titre de la focale", "version": 2})
    assert response.status_code == 200 and response.json()["version"] == 3


def test_a_workflow_step_or_a_status_from_a_stale_version_is_refused_with_409(api, people, assigned, draft):
    services.report_update(report=draft, by=people.fatima, version=1, text="Corrigé")
    response = api.fatima.post(f"progress-updates/{draft.pk}/submit/", {"version": 1})
    assert response.status_code == 409 and response.json()["current"]["status"] == "draft"
    response = api.fatima.upload(f"progress-updates/{draft.pk}/evidence/", "rapport.pdf", PDF, 1)
    assert response.status_code == 409 and not Evidence.objects.exists()

    services.recommendation_status_set(
        recommendation=assigned, by=people.alice, version=1, status="in_progress", justification="x"
    )
    response = api.alice.post(
        f"recommendations/{assigned.pk}/status/", {"status": "implemented", "justification": "y", "version": 1}
    )
    assert response.status_code == 409 and response.json()["current"]["implementation_status"] == "in_progress"
    assigned.refresh_from_db()
    assert assigned.implementation_status == "in_progress"


def test_a_change_without_its_version_is_refused(api, action, draft):
    response = api.fatima.patch(f"actions/{action.pk}/", {"title": "Sans version"})
    assert response.status_code == 400 and list(response.json()) == ["version"]
    assert api.fatima.post(f"progress-updates/{draft.pk}/submit/", {}).status_code == 400
    action.refresh_from_db()
    assert action.title != "Sans version"


def test_an_action_ending_before_it_starts_is_refused_with_400(api):
    response = api.fatima.post(
        "actions/",
        {"title": "À rebours", "institution": "justice", "start_date": "2026-05-01", "end_date": "2026-04-01"},
    )
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_progress_update_is_about_one_action_or_one_recommendation(api, action, assigned):
    both = {"action": action.pk, "recommendation": assigned.pk, "text": "x", "date": "2026-01-01"}
    assert api.fatima.post("progress-updates/", both).status_code == 400
    response = api.fatima.post("progress-updates/", {"text": "x", "date": "2026-01-01"})
    assert response.status_code == 400 and list(response.json()) == ["non_field_errors"]
    response = api.fatima.post("progress-updates/", {"recommendation": assigned.pk, "text": "x", "date": "2026-01-01"})
    assert response.status_code == 201 and response.json()["action"] is None
    assert (
        api.karim.post(
            "progress-updates/", {"recommendation": assigned.pk, "text": "x", "date": "2026-01-01"}
        ).status_code
        == 403
    )


def test_a_report_is_returned_only_with_a_reason_and_then_corrected_and_resubmitted(api, people, draft):
    submitted(draft, people)
    response = api.omar.post(f"progress-updates/{draft.pk}/return/", {"version": 2, "reason": "  "})
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    response = api.omar.post(f"progress-updates/{draft.pk}/return/", {"version": 2, "reason": "Joindre la liste"})
    assert response.status_code == 200
    assert response.json()["status"] == "returned" and response.json()["return_reason"] == "Joindre la liste"
    response = api.fatima.patch(f"progress-updates/{draft.pk}/", {"text": "Avec la liste", "version": 3})
    assert response.status_code == 200
    response = api.fatima.post(f"progress-updates/{draft.pk}/submit/", {"version": 4})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert api.fatima.patch(f"progress-updates/{draft.pk}/", {"text": "x", "version": 5}).status_code == 403


def test_the_implementation_status_is_set_only_by_a_coordinator_and_with_a_justification(api, assigned):
    url = f"recommendations/{assigned.pk}/status/"
    assert api.fatima.post(url, {"status": "implemented", "justification": "x", "version": 1}).status_code == 403
    response = api.alice.post(url, {"status": "implemented", "justification": " ", "version": 1})
    assert response.status_code == 400 and list(response.json()) == ["justification"]
    assert api.alice.post(url, {"status": "done", "justification": "x", "version": 1}).status_code == 400
    assigned.refresh_from_db()
    assert assigned.implementation_status == "not_started" and assigned.version == 1


# Evidence ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("programme.exe", b"MZ\x90\x00", "is not an accepted type of evidence file"),
        ("rapport.pdf", b"MZ\x90\x00 not a pdf", "does not contain what its name says"),
    ],
)
def test_evidence_of_a_wrong_type_is_refused_with_the_message_of_the_evidence_rules(api, draft, name, content, message):
    response = api.fatima.upload(f"progress-updates/{draft.pk}/evidence/", name, content, draft.version)
    assert response.status_code == 400 and list(response.json()) == ["file"]
    assert message in response.json()["file"][0]
    draft.refresh_from_db()
    assert draft.version == 1 and not draft.evidence.exists()


def test_oversized_evidence_is_refused_and_leaves_nothing(api, draft, settings):
    settings.RASD_EVIDENCE_MAX_BYTES = 40
    response = api.fatima.upload(f"progress-updates/{draft.pk}/evidence/", "rapport.pdf", PDF, draft.version)
    assert response.status_code == 400 and "an evidence file may be at most 40" in response.json()["file"][0]
    assert not Evidence.objects.exists() and not (settings.MEDIA_ROOT / "evidence").exists()


def test_evidence_is_removed_with_the_reports_version_and_downloaded_only_by_those_who_see_the_report(api, draft):
    url = f"progress-updates/{draft.pk}/evidence/"
    evidence = api.fatima.upload(url, "rapport.pdf", PDF, 1).json()
    assert api.karim.client.get(evidence["download_url"]).status_code == 404
    assert api.alice.client.get(evidence["download_url"]).status_code == 404  # a draft: not yet the coordinator's
    assert api.omar.client.get(evidence["download_url"], HTTP_ACCEPT="application/pdf").status_code == 200

    assert api.karim.delete(f"{url}{evidence['id']}/", {"version": 2}).status_code == 404
    assert api.fatima.delete(f"{url}{evidence['id']}/", {"version": 1}).status_code == 409
    assert api.fatima.delete(f"{url}{evidence['id']}/").status_code == 400
    assert api.fatima.delete(f"{url}{evidence['id']}/", {"version": 2}).status_code == 204
    assert not Evidence.objects.exists()
    assert ProgressUpdate.objects.get(pk=draft.pk).version == 3


# The schema and signing in ----------------------------------------------------------------------------------------


@pytest.fixture
def samples(people, action, draft):
    """One record of each follow-up collection that fatima may see (drafts are her institution's)."""
    indicator = services.indicator_create(
        by=people.fatima, kind="outcome", title="Taux", unit="%", institution=institution("justice"), actions=[action]
    )
    value = services.indicator_value_create(by=people.fatima, indicator=indicator, value=12, date=datetime.date.today())
    evidence = services.evidence_add(
        report=draft, by=people.fatima, version=1, file=SimpleUploadedFile("rapport.pdf", PDF)
    )
    cluster = Cluster.objects.create(title="Torture")
    deadline = Deadline.objects.create(
        review=Review.objects.order_by("id").first(), kind=Deadline.Kind.FOLLOW_UP_REPLY, due_date="2027-01-01"
    )
    return {
        "assignments": Assignment.objects.filter(institution__code="justice").first(),
        "actions": action,
        "indicators": indicator,
        "progress-updates": draft,
        "indicator-values": value,
        "evidence": evidence,
        "clusters": cluster,
        "deadlines": deadline,
    }


def concrete(path: str, samples: dict) -> str:
    record = samples[collection_of(path)]
    return (
        path.replace("{id}", str(record.pk))
        .replace("{token}", getattr(record, "token", ""))
        .replace("{evidence_id}", str(getattr(record, "pk", "")))
    )


def test_every_follow_up_read_in_the_schema_answers_with_its_documented_fields(people, samples):
    schema = generated()[0]
    reads = [p for p, item in schema["paths"].items() if "get" in item and collection_of(p) in FOLLOW_UP_COLLECTIONS]
    assert {collection_of(p) for p in reads} == FOLLOW_UP_COLLECTIONS == set(samples)
    fatima = Api(people.fatima)
    for path in reads:
        response = fatima.get(concrete(path, samples))  # checked against the schema by Api
        assert response.status_code == 200, (path, response.content[:300])
        if response["Content-Type"] == "application/json" and "results" in response.json():
            assert response.json()["results"], f"{path} lists nothing: its items were not checked"


def test_every_follow_up_endpoint_refuses_an_anonymous_request_with_401(samples):
    client = APIClient()
    for path, item in generated()[0]["paths"].items():
        if collection_of(path) not in FOLLOW_UP_COLLECTIONS and not path.endswith("/status/"):
            continue
        url = concrete(path, samples) if not path.endswith("/status/") else path.replace("{id}", "1")
        for method in set(item) - {"parameters"}:
            response = getattr(client, method)(url)
            assert response.status_code == 401, (method, path)


def test_a_script_writes_with_a_token(people, action):
    token = Token.objects.create(user=people.fatima)
    script = Api(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = script.post("progress-updates/", {"action": action.pk, "text": "Par script", "date": "2026-11-01"})
    assert response.status_code == 201 and response.json()["created_by"] == "fatima"


def test_a_refusal_is_in_the_readers_language(api, draft):
    response = api.fatima.request(
        "post",
        f"progress-updates/{draft.pk}/return/",
        {"version": 1, "reason": "x"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Vous n'avez pas la permission d'effectuer cette action."}


def test_the_number_of_queries_of_a_list_does_not_grow_with_its_rows(people, action):
    fatima = Api(people.fatima)

    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert fatima.get(url).status_code == 200
        return len(context.captured_queries)

    counts = []
    for n in range(2):
        update = services.progress_update_create(by=people.fatima, action=action, text="x", date=datetime.date.today())
        services.evidence_add(report=update, by=people.fatima, version=1, file=SimpleUploadedFile("r.pdf", PDF))
        services.action_create(by=people.fatima, title=f"Action {n}", institution=institution("justice"))
        counts.append([queries(url) for url in ("actions/", "progress-updates/", "assignments/", "indicators/")])
    assert counts[0] == counts[1]
