"""Who sees what of the follow-up: each role's view of assignments, actions, reports and evidence, and of the
recommendation list's institution filter."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasd.followup import policies, services
from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.recommendations.models import Recommendation
from rasd.recommendations.selectors import recommendation_facets, recommendation_list, recommendation_results

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def institution(code):
    return Institution.objects.get(code=code)


@pytest.fixture
def situation(people):
    """Justice and the Interior each lead one recommendation, UNDP supports Justice's action; Justice has one
    validated update, one draft, and the Interior one submitted update."""
    justice_rec, interior_rec = Recommendation.objects.filter(source="didh").order_by("id")[20:22]
    Assignment.objects.filter(recommendation__in=[justice_rec, interior_rec]).delete()
    services.assignments_create(by=people.alice, recommendations=[justice_rec], lead=institution("justice"))
    services.assignments_create(by=people.alice, recommendations=[interior_rec], lead=institution("interieur"))
    action = services.action_create(
        by=people.fatima,
        title="Action de la Justice",
        institution=institution("justice"),
        supporting_institutions=[institution("undp")],
        recommendations=[justice_rec],
    )
    other_action = services.action_create(
        by=people.karim, title="Action de l'Intérieur", institution=institution("interieur")
    )

    def update(by, subject, text, steps):
        made = services.progress_update_create(
            by=by,
            text=text,
            date=datetime.date(2026, 3, 1),
            files=[SimpleUploadedFile(f"{text}.pdf", PDF)],
            **subject,
        )
        for step, person in steps:
            made = step(report=made, by=person, version=made.version)
        return made

    validated = update(
        people.fatima,
        {"action": action},
        "validated",
        [
            (services.report_submit, people.fatima),
            (services.report_approve, people.omar),
            (services.report_validate, people.alice),
        ],
    )
    draft = update(people.fatima, {"recommendation": justice_rec}, "draft", [])
    submitted = update(people.karim, {"action": other_action}, "submitted", [(services.report_submit, people.karim)])
    return locals()


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_a_focal_point_sees_their_institutions_drafts_and_nothing_of_another_institution(people, situation):
    s = situation
    assert {s["validated"].pk, s["draft"].pk} <= ids(policies.progress_updates_visible_to(people.fatima))
    assert s["submitted"].pk not in ids(policies.progress_updates_visible_to(people.fatima))
    assert s["other_action"].pk not in ids(policies.actions_visible_to(people.fatima))
    assert ids(policies.assignments_visible_to(people.fatima)) == ids(
        Assignment.objects.filter(institution__code="justice")
    )


def test_a_coordinator_sees_submitted_work_but_not_an_institutions_drafts(people, situation):
    visible = ids(policies.progress_updates_visible_to(people.alice))
    assert {situation["validated"].pk, situation["submitted"].pk} <= visible
    assert situation["draft"].pk not in visible


def test_an_observer_sees_validated_reports_and_only_the_actions_they_concern(people, situation):
    assert ids(policies.progress_updates_visible_to(people.olga)) >= {situation["validated"].pk}
    assert situation["draft"].pk not in ids(policies.progress_updates_visible_to(people.olga))
    assert situation["submitted"].pk not in ids(policies.progress_updates_visible_to(people.olga))
    assert situation["action"].pk in ids(policies.actions_visible_to(people.olga))
    assert situation["other_action"].pk not in ids(policies.actions_visible_to(people.olga))


def test_a_partner_sees_what_its_agency_supports_once_validated(people, situation):
    assert situation["action"].pk in ids(policies.actions_visible_to(people.paul))
    assert situation["other_action"].pk not in ids(policies.actions_visible_to(people.paul))
    visible = ids(policies.progress_updates_visible_to(people.paul))
    assert situation["validated"].pk in visible and situation["draft"].pk not in visible


def test_evidence_follows_the_visibility_of_its_report(people, situation):
    draft_file = situation["draft"].evidence.get()
    validated_file = situation["validated"].evidence.get()
    assert ids(policies.evidence_visible_to(people.olga)) >= {validated_file.pk}
    assert draft_file.pk not in ids(policies.evidence_visible_to(people.olga))
    assert draft_file.pk not in ids(policies.evidence_visible_to(people.karim))
    assert draft_file.pk in ids(policies.evidence_visible_to(people.fatima))


def test_the_list_never_tells_a_focal_point_what_is_assigned_to_another_institution(people, situation):
    interior_rec = situation["interior_rec"]
    assert interior_rec in recommendation_list(filters={"institution": "interieur"})
    assert not recommendation_list(filters={"institution": "interieur"}, visible_to=people.fatima).exists()
    results = recommendation_results(filters={}, visible_to=people.fatima)
    facet = next(f for f in recommendation_facets(results=results).facets if f.name == "institution")
    assert [value.value for value in facet.values] == ["justice"]
