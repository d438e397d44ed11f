"""The follow-up services: assignments, actions, indicators, progress updates and their validation, the
implementation status — each checked for who may do it, what it records, and what it refuses."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from rasd.core.history import history_for
from rasd.core.models import HistoryEntry
from rasd.core.versioning import EditConflict
from rasd.followup import selectors, services
from rasd.followup.models import Action, Assignment, Evidence, ProgressUpdate, Report
from rasd.recommendations.models import Cluster, ImplementationStatus, Recommendation
from rasd.recommendations.selectors import recommendation_counts, recommendation_list
from tests.conftest import PDF, institution, pdf

pytestmark = pytest.mark.django_db


def test_a_coordinator_assigns_a_recommendation_to_a_lead_and_a_supporting_institution(people, assigned):
    roles = dict(assigned.assignments.values_list("institution__code", "role"))
    assert roles == {"justice": "lead", "undp": "supporting"}
    entry = history_for(instance=assigned.assignments.get(institution__code="justice")).get()
    assert entry.actor == people.alice and entry.action == HistoryEntry.Action.CREATED


def test_assigning_a_cluster_assigns_each_of_its_recommendations(people):
    recs = list(Recommendation.objects.filter(source="didh").order_by("id")[10:13])
    cluster = Cluster.objects.create(title="Torture")
    cluster.recommendations.set(recs)
    services.assignments_create(by=people.alice, clusters=[cluster], lead=institution("interieur"))
    assert Assignment.objects.filter(recommendation__in=recs, institution__code="interieur").count() == 3


def test_only_a_coordinator_assigns(people, recommendation):
    for person in (people.fatima, people.omar, people.paul, people.olga):
        with pytest.raises(PermissionDenied):
            services.assignments_create(by=person, recommendations=[recommendation], lead=institution("justice"))
    assert not recommendation.assignments.exists()


def test_a_focal_point_plans_actions_only_for_their_own_institution(people, assigned):
    with pytest.raises(PermissionDenied):
        services.action_create(by=people.fatima, title="Not ours", institution=institution("interieur"))
    with pytest.raises(PermissionDenied):
        services.action_create(by=people.omar, title="Validators do not plan", institution=institution("justice"))
    assert not Action.objects.filter(title__in=["Not ours", "Validators do not plan"]).exists()


def test_an_action_with_its_end_before_its_start_is_refused(people):
    with pytest.raises(ValidationError):
        services.action_create(
            by=people.fatima,
            title="Backwards",
            institution=institution("justice"),
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 1),
        )
    assert not Action.objects.filter(title="Backwards").exists()


def test_the_whole_workflow_records_each_step_and_only_the_validated_update_counts(people, assigned, action):
    update = services.progress_update_create(
        by=people.fatima,
        action=action,
        text="120 magistrats formés en 2026.",
        date=datetime.date(2026, 10, 1),
        proposed_status=ImplementationStatus.PARTIALLY_IMPLEMENTED,
        files=[pdf()],
    )
    assert update.status == Report.Status.DRAFT and update.evidence.count() == 1
    counted = selectors.recommendations_with_validated_progress()

    update = services.report_submit(report=update, by=people.fatima, version=update.version)
    assert not counted.filter(pk=assigned.pk).exists()
    update = services.report_approve(report=update, by=people.omar, version=update.version)
    assert not counted.filter(pk=assigned.pk).exists()
    before = recommendation_counts().with_validated_progress
    update = services.report_validate(report=update, by=people.alice, version=update.version)
    assert counted.filter(pk=assigned.pk).exists()
    assert recommendation_counts().with_validated_progress == before + 1
    assert assigned in recommendation_list(filters={"progress": "reported"})
    assert assigned not in recommendation_list(filters={"progress": "none"})
    # Reported action is not implementation: the status is still the coordinator's to decide.
    assigned.refresh_from_db()
    assert assigned.implementation_status == ImplementationStatus.NOT_STARTED

    steps = [e.action for e in history_for(instance=update).order_by("at", "id")]
    assert steps[0] == "created" and steps[-3:] == ["submitted", "approved", "validated"]


def test_a_report_goes_only_through_the_right_hands(people, assigned, action):
    update = services.progress_update_create(by=people.fatima, action=action, text="x", date=datetime.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):  # not submitted yet
        services.report_approve(report=update, by=people.omar, version=update.version)
    update = services.report_submit(report=update, by=people.fatima, version=update.version)
    for outsider in (people.nadia, people.alice, people.fatima):  # another institution; too early; not a validator
        with pytest.raises(PermissionDenied):
            services.report_approve(report=update, by=outsider, version=update.version)
    with pytest.raises(PermissionDenied):  # no longer a draft: the author cannot change it
        services.report_update(report=update, by=people.fatima, version=update.version, text="changed")
    update.refresh_from_db()
    assert update.status == Report.Status.SUBMITTED and update.text == "x"


def test_a_returned_report_carries_its_reason_and_can_be_corrected_and_resubmitted(people, assigned, action):
    update = services.progress_update_create(by=people.fatima, action=action, text="x", date=datetime.date(2026, 1, 1))
    update = services.report_submit(report=update, by=people.fatima, version=update.version)
    with pytest.raises(ValidationError):
        services.report_return(report=update, by=people.omar, version=update.version, reason="  ")
    update = services.report_return(report=update, by=people.omar, version=update.version, reason="Joindre la liste")
    assert update.status == Report.Status.RETURNED and update.return_reason == "Joindre la liste"
    update = services.report_update(report=update, by=people.fatima, version=update.version, text="x, avec la liste")
    update = services.report_submit(report=update, by=people.fatima, version=update.version)
    assert update.status == Report.Status.SUBMITTED
    returned = history_for(instance=update).get(action="returned")
    assert returned.note == "Joindre la liste" and returned.actor == people.omar


def test_a_focal_point_reports_only_on_recommendations_assigned_to_their_institution(people, assigned):
    with pytest.raises(PermissionDenied):
        services.progress_update_create(
            by=people.karim, recommendation=assigned, text="Not ours", date=datetime.date(2026, 1, 1)
        )
    services.progress_update_create(
        by=people.fatima, recommendation=assigned, text="Ours", date=datetime.date(2026, 1, 1)
    )
    assert list(ProgressUpdate.objects.filter(recommendation=assigned).values_list("text", flat=True)) == ["Ours"]


def test_the_implementation_status_changes_only_by_a_coordinator_with_a_justification(people, assigned):
    with pytest.raises(PermissionDenied):
        services.recommendation_status_set(
            recommendation=assigned, by=people.fatima, version=assigned.version, status="implemented", justification="x"
        )
    with pytest.raises(ValidationError):
        services.recommendation_status_set(
            recommendation=assigned, by=people.alice, version=assigned.version, status="implemented", justification=""
        )
    services.recommendation_status_set(
        recommendation=assigned,
        by=people.alice,
        version=assigned.version,
        status="in_progress",
        justification="Formation des magistrats en cours (rapport validé du 1er octobre).",
    )
    assigned.refresh_from_db()
    assert assigned.implementation_status == "in_progress"
    entry = history_for(instance=assigned).get(changes__has_key="implementation_status")
    assert entry.changes["implementation_status"] == ["not_started", "in_progress"]
    assert entry.note.startswith("Formation") and entry.actor == people.alice


def test_an_edit_from_a_stale_version_is_refused_and_keeps_the_other_change(people, action):
    read_by_alice = Action.objects.get(pk=action.pk)
    read_by_fatima = Action.objects.get(pk=action.pk)
    services.action_update(action=read_by_fatima, by=people.fatima, version=read_by_fatima.version, status="delayed")
    with pytest.raises(EditConflict):
        services.action_update(action=read_by_alice, by=people.alice, version=read_by_alice.version, status="completed")
    action.refresh_from_db()
    assert action.status == "delayed" and action.version == 2


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_writers_to_one_action_one_wins_and_the_other_gets_the_conflict(people, action):
    """Two threads, each with its own database connection, write the same version at the same moment."""
    version = action.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def write(person, title):
        try:
            mine = Action.objects.get(pk=action.pk)
            barrier.wait(timeout=10)
            services.action_update(action=mine, by=person, version=version, title=title)
            outcomes[title] = "written"
        except EditConflict:
            outcomes[title] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(people.fatima, "Titre de Fatima")),
        threading.Thread(target=write, args=(people.alice, "Titre d'Alice")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "written"]
    action.refresh_from_db()
    winner = next(title for title, outcome in outcomes.items() if outcome == "written")
    assert action.title == winner and action.version == version + 1
    assert history_for(instance=action).filter(action="updated").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.exe", b"MZ\x90\x00" + b"\x00" * 100, "not an accepted type"),
        ("rapport.pdf", b"MZ\x90\x00" + b"\x00" * 100, "does not contain what its name says"),
        ("photo.png", PDF, "does not contain what its name says"),
        ("vide.pdf", b"", "is empty"),
    ],
)
def test_evidence_of_a_wrong_type_is_refused_with_a_clear_message(people, action, name, content, message):
    with pytest.raises(ValidationError) as refused:
        services.progress_update_create(
            by=people.fatima, action=action, text="x", date=datetime.date(2026, 1, 1), files=[pdf(name, content)]
        )
    assert message in " ".join(refused.value.messages) and name in " ".join(refused.value.messages)
    assert not ProgressUpdate.objects.filter(action=action).exists()
    assert not Evidence.objects.exists()


def test_oversized_evidence_is_refused_and_leaves_no_file(people, action, settings):
    settings.RASD_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        services.progress_update_create(
            by=people.fatima, action=action, text="x", date=datetime.date(2026, 1, 1), files=[pdf(content=PDF * 50)]
        )
    assert "at most 1.0\xa0KB" in refused.value.messages[0]
    assert not ProgressUpdate.objects.filter(action=action).exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.pdf")) if settings.MEDIA_ROOT.exists() else True


def test_evidence_names_lose_paths_and_bidi_overrides(people, action):
    update = services.progress_update_create(
        by=people.fatima,
        action=action,
        text="x",
        date=datetime.date(2026, 1, 1),
        files=[pdf("../../etc/\u202etxt.pdf")],
    )
    evidence = update.evidence.get()
    assert evidence.name == "txt.pdf" and evidence.file.name.startswith("evidence/")
    assert io.BytesIO(evidence.file.read()).getvalue() == PDF


def test_the_timeline_shows_dates_and_amounts_as_the_readers_language_writes_them(people, action):
    from django.utils import translation

    from rasd.core.history import history_of, timeline

    with translation.override("fr"):
        [created] = timeline(history_of(instances=[action]))
        shown = {change.label: change.after for change in created.changes}
    assert shown["Date de début"] == "1 janvier 2026"
    assert shown["Budget"] == "250\xa0000"
    assert shown["Institution responsable"] == "Justice"
