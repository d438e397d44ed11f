"""The follow-up pages: my work, assignments, actions, indicators, progress updates with their validation, evidence
files, the recommendation's follow-up sections, institutions and deadlines — each seen by the role it is for, refused
to the others (403 for a forbidden change, 404 for what a user may not see), and kept safe from lost updates."""

import datetime
import re

import pytest
from django.urls import reverse

from rasd.followup import services
from rasd.followup.models import Action, Assignment, Evidence, Indicator, IndicatorValue, ProgressUpdate, Report
from rasd.mechanisms.models import Deadline, Review
from rasd.recommendations.models import Cluster, Recommendation
from tests.conftest import PDF, institution, login, pdf

pytestmark = pytest.mark.django_db

Status = Report.Status


def page(client, user, url, **kwargs):
    login(client, user)
    return client.get(url, **kwargs)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages open in English (Arabic is the default language), except where a test asks for Arabic."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def assignment_due():
    return datetime.date(2020, 6, 30)  # long past: the assignment is late


@pytest.fixture
def update(people, action):
    """A draft progress update of the Ministry of Justice, with one PDF."""
    return services.progress_update_create(
        by=people.fatima,
        action=action,
        text="120 magistrats formés en 2026.",
        date=datetime.date(2026, 10, 1),
        files=[pdf()],
    )


def moved(report, *steps):
    """``report`` taken through the workflow: each step a (service, person) pair."""
    for step, person in steps:
        report = step(report=report, by=person, version=report.version)
    return report


def validated(update, people):
    return moved(
        update,
        (services.report_submit, people.fatima),
        (services.report_approve, people.omar),
        (services.report_validate, people.alice),
    )


# My work -------------------------------------------------------------------------------------------------------------


def test_a_focal_point_sees_only_their_institutions_work_list(client, people, assigned, update):
    other = Recommendation.objects.filter(source="didh").exclude(pk=assigned.pk).order_by("id").first()
    services.assignments_create(by=people.alice, recommendations=[other], lead=institution("interieur"))
    returned = moved(update, (services.report_submit, people.fatima))
    services.report_return(report=returned, by=people.omar, version=returned.version, reason="Joindre la liste")

    response = page(client, people.fatima, reverse("work_list"))
    assert response.status_code == 200
    assignments = response.context["assignments"]
    assert assigned.pk in {a.recommendation_id for a in assignments}
    assert {a.institution.code for a in assignments} == {"justice"}
    assert "Joindre la liste" in text(response)  # the returned report, with its reason
    theirs = page(client, people.karim, reverse("work_list")).context["assignments"]
    assert {a.institution.code for a in theirs} == {"interieur"} and assigned.pk not in {
        a.recommendation_id for a in theirs
    }
    assert "Joindre la liste" not in text(page(client, people.karim, reverse("work_list")))


def test_the_work_list_puts_late_assignments_first_and_marks_them(client, people, assigned):
    response = page(client, people.fatima, reverse("work_list"))
    first = response.context["assignments"][0]
    assert first.recommendation_id == assigned.pk and first.late
    assert "Late" in text(response)
    assert assigned.pk in {
        item.record.recommendation_id for item in response.context["due"] if item.kind == "assignment"
    }


def test_a_validator_sees_what_waits_for_approval_and_a_coordinator_the_validation_queue(client, people, update):
    submitted = moved(update, (services.report_submit, people.fatima))
    assert [r.pk for r in page(client, people.omar, reverse("work_list")).context["to_approve"]] == [submitted.pk]
    assert page(client, people.nadia, reverse("work_list")).context["to_approve"] == []
    moved(submitted, (services.report_approve, people.omar))
    assert [r.pk for r in page(client, people.alice, reverse("work_list")).context["to_validate"]] == [submitted.pk]


def test_my_work_is_linked_in_the_menu_and_closed_to_anonymous_visitors(client, people):
    assert client.get(reverse("work_list")).status_code == 302
    body = text(page(client, people.fatima, reverse("home")))
    assert f'href="{reverse("work_list")}"' in body
    assert reverse("institution_handover", args=["justice"]) in body


# Assignments ---------------------------------------------------------------------------------------------------------


def test_a_coordinator_assigns_the_ticked_recommendations_to_a_lead_and_supporting_institutions(client, people):
    recs = list(Recommendation.objects.filter(source="didh").order_by("id")[20:22])
    Assignment.objects.filter(recommendation__in=recs).delete()
    url = reverse("assignment_create")
    response = page(client, people.alice, f"{url}?recommendation={recs[0].pk}&recommendation={recs[1].pk}")
    assert response.status_code == 200 and str(recs[1]) in text(response)

    response = client.post(
        url,
        {
            "recommendation": [r.pk for r in recs],
            "lead": institution("justice").pk,
            "supporting": [institution("undp").pk],
            "due_date": "2027-06-30",
        },
    )
    assert response.status_code == 302
    roles = set(Assignment.objects.filter(recommendation__in=recs).values_list("institution__code", "role", "due_date"))
    due = datetime.date(2027, 6, 30)
    assert roles == {("justice", "lead", due), ("undp", "supporting", due)}


def test_a_coordinator_assigns_a_whole_cluster(client, people):
    recs = list(Recommendation.objects.filter(source="didh").order_by("id")[30:33])
    Assignment.objects.filter(recommendation__in=recs).delete()
    cluster = Cluster.objects.create(title="Torture et mauvais traitements")
    cluster.recommendations.set(recs)
    url = reverse("assignment_create")
    response = page(client, people.alice, f"{url}?cluster={cluster.pk}")
    assert response.status_code == 200 and response.context["form"]["cluster"].initial == [cluster.pk]
    client.post(url, {"cluster": [cluster.pk], "lead": institution("interieur").pk})
    assert Assignment.objects.filter(recommendation__in=recs, institution__code="interieur").count() == 3


def test_the_assignment_form_says_what_is_missing(client, people):
    response = page(client, people.alice, reverse("assignment_create"))
    response = client.post(reverse("assignment_create"), {"due_date": "2027-06-30"})
    assert response.status_code == 200
    assert "Choose the lead institution." in text(response)
    assert "Choose at least one recommendation or cluster." in text(response)


def test_only_a_coordinator_assigns_and_sees_the_checkboxes_of_the_list(client, people, recommendation):
    url = f"{reverse('assignment_create')}?recommendation={recommendation.pk}"
    assert page(client, people.fatima, url).status_code == 403
    posted = client.post(url, {"recommendation": [recommendation.pk], "lead": institution("justice").pk})
    assert posted.status_code == 403 and not recommendation.assignments.exists()
    assert 'name="recommendation"' not in text(page(client, people.fatima, reverse("recommendation_list")))
    assert 'name="recommendation"' in text(page(client, people.alice, reverse("recommendation_list")))


def test_a_coordinator_changes_the_due_date_and_removes_an_assignment(client, people, assigned):
    assignment = assigned.assignments.get(institution__code="justice")
    url = reverse("assignment_update", args=[assignment.pk])
    assert page(client, people.fatima, url).status_code == 403
    login(client, people.alice)
    response = client.post(url, {"role": "lead", "due_date": "2028-01-31", "version": assignment.version})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_date == datetime.date(2028, 1, 31)
    assert client.post(reverse("assignment_delete", args=[assignment.pk])).status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


# The recommendation's page -----------------------------------------------------------------------------------------


def test_the_recommendation_page_shows_only_the_assignments_a_focal_point_may_see(client, people, assigned):
    url = reverse("recommendation_detail", args=[assigned.pk])
    assert {a.institution.code for a in page(client, people.alice, url).context["assignments"]} == {"justice", "undp"}
    assert list(page(client, people.karim, url).context["assignments"]) == []
    body = text(page(client, people.fatima, url))
    assert "Report progress" in body and "Add an action" in body and "Change the status" not in body


def test_a_coordinator_changes_the_status_with_a_justification_that_the_page_keeps(client, people, assigned):
    url = reverse("recommendation_status", args=[assigned.pk])
    login(client, people.alice)
    refused = client.post(url, {"status": "in_progress", "justification": " ", "version": assigned.version})
    assert refused.status_code == 400 and "the justification is required" in text(refused)

    response = client.post(
        url, {"status": "in_progress", "justification": "Rapport validé du 1er octobre.", "version": assigned.version}
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.implementation_status == "in_progress"
    body = text(client.get(reverse("recommendation_detail", args=[assigned.pk])))
    history = body[body.index("Decisions on the status") :]
    assert "Rapport validé du 1er octobre." in history and "Not started" in history

    login(client, people.fatima)
    assert client.post(url, {"status": "implemented", "justification": "x", "version": 2}).status_code == 403


def test_a_status_change_from_a_stale_page_keeps_the_input_and_the_other_change(client, people, assigned):
    seen = assigned.version
    services.recommendation_status_set(
        recommendation=assigned, by=people.alice, version=seen, status="in_progress", justification="Par Alice"
    )
    login(client, people.alice)
    response = client.post(
        reverse("recommendation_status", args=[assigned.pk]),
        {"status": "implemented", "justification": "Ma justification", "version": seen},
    )
    assert response.status_code == 409
    body = text(response)
    assert "Someone else changed this recommendation" in body and "Ma justification" in body
    assert response.context["status_form"]["version"].value() == seen + 1
    assigned.refresh_from_db()
    assert assigned.implementation_status == "in_progress"


def test_the_recommendation_timeline_includes_the_follow_up_steps(client, people, assigned, update):
    validated(update, people)
    body = text(page(client, people.alice, reverse("recommendation_detail", args=[assigned.pk])))
    history = body[body.index("Change history") :]
    for step in ("Assignment:", "Action:", "Progress update:", "validated"):
        assert step in history, step


# Actions -------------------------------------------------------------------------------------------------------------


def test_a_focal_point_plans_an_action_for_a_recommendation(client, people, assigned):
    url = f"{reverse('action_create')}?recommendation={assigned.pk}"
    response = page(client, people.fatima, url)
    assert response.status_code == 200
    assert response.context["form"]["recommendations"].initial == [assigned.pk]
    response = client.post(
        url,
        {
            "title": "Circulaire aux parquets",
            "institution": institution("justice").pk,
            "status": "planned",
            "start_date": "2026-02-01",
            "end_date": "2026-01-01",
            "recommendations": [assigned.pk],
        },
    )
    assert response.status_code == 200 and "The end date comes before the start date." in text(response)
    response = client.post(
        url,
        {
            "title": "Circulaire aux parquets",
            "institution": institution("justice").pk,
            "status": "planned",
            "end_date": "2026-06-30",
            "recommendations": [assigned.pk],
        },
    )
    action = Action.objects.get(title="Circulaire aux parquets")
    assert response.url == reverse("action_detail", args=[action.pk])
    assert list(action.recommendations.all()) == [assigned]


def test_only_those_who_plan_for_an_institution_may_create_or_edit_its_actions(client, people, action):
    assert page(client, people.omar, reverse("action_create")).status_code == 403
    assert page(client, people.omar, reverse("action_update", args=[action.pk])).status_code == 403
    assert page(client, people.karim, reverse("action_detail", args=[action.pk])).status_code == 404
    login(client, people.fatima)
    posted = client.post(
        reverse("action_create"), {"title": "Pour un autre", "institution": institution("interieur").pk}
    )
    assert posted.status_code == 200 and not Action.objects.filter(title="Pour un autre").exists()


def test_the_action_list_shows_the_visible_actions_and_filters_them(client, people, action):
    assert [a.pk for a in page(client, people.fatima, reverse("action_list")).context["page_obj"]] == [action.pk]
    assert list(page(client, people.karim, reverse("action_list")).context["page_obj"]) == []
    filtered = page(client, people.alice, reverse("action_list") + "?status=completed&institution=justice")
    assert list(filtered.context["page_obj"]) == []
    filtered = page(client, people.alice, reverse("action_list") + "?status=ongoing&institution=nonexistent")
    assert action.pk in {a.pk for a in filtered.context["page_obj"]}  # an unknown value drops that filter only


def test_the_action_page_shows_its_recommendations_updates_and_history(client, people, action, update):
    response = page(client, people.fatima, reverse("action_detail", args=[action.pk]))
    body = text(response)
    assert str(action.recommendations.get()) in body and "120 magistrats" in body and "Draft" in body
    assert response.context["can_report"] and response.context["can_edit"]


def test_an_edit_from_a_stale_version_keeps_the_input_shows_the_current_values_and_overwrites_nothing(
    client, people, action
):
    url = reverse("action_update", args=[action.pk])
    seen = page(client, people.alice, url).context["form"]["version"].value()
    services.action_update(action=Action.objects.get(pk=action.pk), by=people.fatima, version=seen, status="delayed")

    response = client.post(
        url,
        {
            "title": "Titre d'Alice",
            "institution": institution("justice").pk,
            "status": "completed",
            "recommendations": [r.pk for r in action.recommendations.all()],
            "version": seen,
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "Someone else changed this record while you were editing it." in body
    assert 'value="Titre d&#x27;Alice"' in body  # the user's input is still in the form
    assert re.search(r"Status.*differs from your input.*Delayed", body, re.S)  # the current value, shown
    assert response.context["form"]["version"].value() == seen + 1
    action.refresh_from_db()
    assert action.status == "delayed" and action.title.startswith("Former")


# Progress updates, evidence and the workflow -----------------------------------------------------------------------


def test_a_focal_point_reports_progress_with_several_evidence_files(client, people, action):
    url = f"{reverse('progress_update_create')}?action={action.pk}"
    response = page(client, people.fatima, url)
    assert 'type="file"' in text(response) and "multiple" in text(response) and "PDF" in text(response)
    response = client.post(
        url,
        {
            "text": "Deux sessions de formation.",
            "date": "2026-05-01",
            "proposed_status": "in_progress",
            "files": [pdf("liste.pdf"), pdf("programme.pdf")],
        },
    )
    created = ProgressUpdate.objects.get(action=action)
    assert response.url == reverse("progress_update_detail", args=[created.pk])
    assert sorted(created.evidence.values_list("name", flat=True)) == ["liste.pdf", "programme.pdf"]
    assert created.status == Status.DRAFT and created.institution.code == "justice"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.exe", b"MZ\x90\x00" + b"\x00" * 100, "is not an accepted type of evidence file"),
        ("gros.pdf", PDF * 50, "an evidence file may be at most 1.0\xa0KB"),
    ],
)
def test_a_refused_evidence_file_is_named_with_the_reason_and_nothing_is_saved(
    client, people, action, settings, name, content, message
):
    settings.RASD_EVIDENCE_MAX_BYTES = 1024
    login(client, people.fatima)
    response = client.post(
        f"{reverse('progress_update_create')}?action={action.pk}",
        {"text": "Avec une pièce", "date": "2026-05-01", "files": [pdf(name, content)]},
    )
    assert response.status_code == 200
    body = text(response)
    assert message in body.replace("&nbsp;", "\xa0") and name in body
    assert 'value="2026-05-01"' in body and "Avec une pièce" in body
    assert not ProgressUpdate.objects.filter(action=action).exists() and not Evidence.objects.exists()


def test_a_focal_point_reports_only_where_their_institution_is_assigned(client, people, assigned, action):
    assert (
        page(client, people.karim, f"{reverse('progress_update_create')}?recommendation={assigned.pk}").status_code
        == 403
    )
    assert page(client, people.karim, f"{reverse('progress_update_create')}?action={action.pk}").status_code == 404
    assert (
        page(client, people.fatima, f"{reverse('progress_update_create')}?recommendation={assigned.pk}").status_code
        == 200
    )


def test_each_person_sees_the_workflow_buttons_of_their_step(client, people, update):
    url = reverse("progress_update_detail", args=[update.pk])

    def buttons(person):
        can = page(client, person, url).context["can"]
        return {name for name, allowed in can.items() if allowed}

    assert buttons(people.fatima) == {"edit", "submit"}
    assert page(client, people.alice, url).status_code == 404  # a draft is the institution's own
    login(client, people.fatima)
    response = client.post(reverse("progress_update_step", args=[update.pk, "submit"]), {"version": update.version})
    assert response.status_code == 302
    assert buttons(people.omar) == {"approve", "return"}
    assert buttons(people.fatima) == set()

    login(client, people.omar)
    update.refresh_from_db()
    refused = client.post(reverse("progress_update_step", args=[update.pk, "return"]), {"version": update.version})
    assert refused.status_code == 400 and "the reason is required" in text(refused)
    client.post(reverse("progress_update_step", args=[update.pk, "approve"]), {"version": update.version})
    assert buttons(people.alice) == {"validate", "return"}
    update.refresh_from_db()
    login(client, people.alice)
    client.post(
        reverse("progress_update_step", args=[update.pk, "return"]),
        {"version": update.version, "reason": "Ajouter la liste des participants"},
    )
    update.refresh_from_db()
    assert update.status == Status.RETURNED
    body = text(page(client, people.fatima, url))
    assert "Ajouter la liste des participants" in body and 'action="/updates/' in body


def test_a_workflow_step_on_a_stale_version_changes_nothing_and_says_why(client, people, update):
    stale = update.version
    services.report_update(report=update, by=people.fatima, version=stale, text="Corrigé")
    login(client, people.fatima)
    response = client.post(reverse("progress_update_step", args=[update.pk, "submit"]), {"version": stale}, follow=True)
    assert "Someone else changed this report" in text(response)
    update.refresh_from_db()
    assert update.status == Status.DRAFT


def test_a_validator_may_not_validate(client, people, update):
    submitted = moved(update, (services.report_submit, people.fatima))
    login(client, people.omar)
    response = client.post(
        reverse("progress_update_step", args=[submitted.pk, "validate"]), {"version": submitted.version}
    )
    assert response.status_code == 403


def test_a_draft_is_edited_and_its_evidence_added_and_removed(client, people, update):
    login(client, people.fatima)
    url = reverse("progress_update_update", args=[update.pk])
    response = client.post(url, {"text": "Texte corrigé", "date": "2026-10-02", "version": update.version})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.text == "Texte corrigé"

    response = client.post(
        reverse("progress_update_evidence_add", args=[update.pk]),
        {"version": update.version, "file": pdf("annexe.pdf")},
    )
    assert response.status_code == 302
    refused = client.post(
        reverse("progress_update_evidence_add", args=[update.pk]),
        {"version": update.version + 1, "file": pdf("virus.exe", b"MZ" + b"\0" * 50)},
    )
    assert refused.status_code == 400 and "is not an accepted type" in text(refused)
    evidence = update.evidence.get(name="annexe.pdf")
    update.refresh_from_db()
    response = client.post(reverse("evidence_remove", args=[evidence.token]), {"version": update.version})
    assert response.status_code == 302 and not Evidence.objects.filter(pk=evidence.pk).exists()
    assert page(client, people.karim, url).status_code == 404


def test_evidence_is_served_only_to_who_may_see_its_report(client, people, update):
    evidence = update.evidence.get()
    url = reverse("evidence_download", args=[evidence.token])
    response = page(client, people.fatima, url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    assert response["Content-Type"] == "application/pdf"
    for outsider in (people.karim, people.olga, people.alice):  # another institution; an observer; a draft
        assert page(client, outsider, url).status_code == 404
    validated(update, people)
    assert page(client, people.olga, url).status_code == 200
    assert page(client, people.olga, reverse("evidence_download", args=["0" * 32])).status_code == 404


def test_an_observer_sees_validated_updates_only(client, people, assigned, action, update):
    other = services.progress_update_create(
        by=people.fatima, recommendation=assigned, text="Pas encore validé", date=datetime.date(2026, 9, 1)
    )
    moved(other, (services.report_submit, people.fatima), (services.report_approve, people.omar))
    recommendation_url = reverse("recommendation_detail", args=[assigned.pk])
    assert list(page(client, people.olga, recommendation_url).context["updates"]) == []
    assert page(client, people.olga, reverse("action_detail", args=[action.pk])).status_code == 404

    validated(update, people)
    response = page(client, people.olga, recommendation_url)
    assert [u.pk for u in response.context["updates"]] == [update.pk]
    assert "Pas encore validé" not in text(response)
    assert page(client, people.olga, reverse("action_detail", args=[action.pk])).status_code == 200
    assert page(client, people.olga, reverse("progress_update_detail", args=[update.pk])).status_code == 200
    assert page(client, people.olga, reverse("progress_update_detail", args=[other.pk])).status_code == 404
    # Of a report's history, an observer sees the validation, not the drafting.
    steps = {step.entry.action for step in page(client, people.olga, recommendation_url).context["timeline"]}
    assert "validated" in steps and "submitted" not in steps


# Indicators ----------------------------------------------------------------------------------------------------------


def test_an_indicator_is_created_given_a_value_with_evidence_and_shows_its_validated_values(client, people, action):
    login(client, people.fatima)
    response = client.post(
        f"{reverse('indicator_create')}?action={action.pk}",
        {
            "kind": "process",
            "title": "Magistrats formés",
            "unit": "nombre",
            "institution": institution("justice").pk,
            "baseline_value": "0",
            "baseline_year": "2025",
            "target_value": "120",
            "target_year": "2027",
            "reporting_frequency": "yearly",
            "actions": [action.pk],
        },
    )
    indicator = Indicator.objects.get(title="Magistrats formés")
    assert response.url == reverse("indicator_detail", args=[indicator.pk])

    response = client.post(
        reverse("indicator_value_create", args=[indicator.pk]),
        {"value": "45", "date": "2026-06-30", "note": "Première cohorte", "files": [pdf("liste.pdf")]},
    )
    value = IndicatorValue.objects.get(indicator=indicator)
    assert response.url == reverse("indicator_value_detail", args=[value.pk])
    assert value.evidence.get().name == "liste.pdf"

    # The same workflow page as a progress update's.
    detail = page(client, people.fatima, reverse("indicator_value_detail", args=[value.pk]))
    assert detail.context["can"]["submit"] and "liste.pdf" in text(detail)
    value = moved(
        value,
        (services.report_submit, people.fatima),
        (services.report_approve, people.omar),
        (services.report_validate, people.alice),
    )
    response = page(client, people.olga, reverse("indicator_detail", args=[indicator.pk]))
    assert [v.pk for v in response.context["validated"]] == [value.pk]
    assert response.context["next_due"] == datetime.date(2027, 6, 30)
    assert page(client, people.karim, reverse("indicator_detail", args=[indicator.pk])).status_code == 404
    assert page(client, people.omar, reverse("indicator_value_create", args=[indicator.pk])).status_code == 403
    assert [i.pk for i, _due in page(client, people.fatima, reverse("indicator_list")).context["rows"]] == [
        indicator.pk
    ]


def test_an_indicator_edit_from_a_stale_version_is_refused_with_the_message(client, people, action):
    indicator = services.indicator_create(
        by=people.fatima, kind="outcome", title="Plaintes", unit="nombre", institution=institution("justice")
    )
    services.indicator_update(indicator=indicator, by=people.alice, version=indicator.version, unit="cas")
    login(client, people.fatima)
    response = client.post(
        reverse("indicator_update", args=[indicator.pk]),
        {
            "kind": "outcome",
            "title": "Plaintes reçues",
            "unit": "nombre",
            "institution": institution("justice").pk,
            "reporting_frequency": "yearly",
            "version": 1,
        },
    )
    assert "Someone else changed this record" in text(response) and 'value="Plaintes reçues"' in text(response)
    indicator.refresh_from_db()
    assert (indicator.title, indicator.unit) == ("Plaintes", "cas")


# Institutions and deadlines ------------------------------------------------------------------------------------------


def test_the_institution_page_and_handover_are_for_its_members_and_the_coordinators(client, people, assigned, update):
    for name in ("institution_detail", "institution_handover"):
        url = reverse(name, args=["justice"])
        response = page(client, people.fatima, url)
        assert response.status_code == 200, name
        assert assigned.pk in {a.recommendation_id for a in response.context["handover"].assignments}
        assert page(client, people.alice, url).status_code == 200
        for outsider in (people.karim, people.olga):
            assert page(client, outsider, url).status_code == 403, (name, outsider)
    body = text(page(client, people.omar, reverse("institution_handover", args=["justice"])))
    assert "Omar" in body and "Fatima" in body  # who the members are
    assert page(client, people.alice, reverse("institution_detail", args=["no-such-body"])).status_code == 404


def test_the_deadlines_page_lists_the_review_deadlines_and_what_is_due(client, people, assigned):
    review = Review.objects.filter(recommendations=assigned).first() or Review.objects.first()
    deadline = Deadline.objects.create(review=review, kind="mid_term_report", due_date=datetime.date(2020, 1, 31))
    response = page(client, people.fatima, reverse("deadline_list"))
    assert response.status_code == 200
    assert deadline in response.context["deadlines"]
    assert any(item.kind == "assignment" and item.overdue for item in response.context["due"])
    assert page(client, people.olga, reverse("deadline_list")).context["due"] == []


def test_the_work_pages_open_in_arabic_right_to_left(client, people, update):
    client.cookies["django_language"] = "ar"
    for url in (
        reverse("work_list"),
        reverse("progress_update_detail", args=[update.pk]),
        reverse("institution_handover", args=["justice"]),
    ):
        response = page(client, people.fatima, url)
        assert response.status_code == 200 and '<html lang="ar" dir="rtl">' in text(response), url


def test_a_forbidden_page_answers_with_the_403_page(client, people):
    response = page(client, people.olga, reverse("action_create"))
    assert response.status_code == 403 and "Your role does not allow this" in text(response)
