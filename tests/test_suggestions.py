"""Suggestions of the classifiers: stored for the labels a recommendation lacks, decided by coordinators only, and
applied with a record of who accepted them and when. The review queue filters, counts, and decides in bulk exactly
what it shows; the recommendation's page shows the accepted labels with who accepted them; the model card page
shows what each shipped model learned from.

Most tests drive the services with ``ScriptedClassifier``: a real classifier of the engine's contract whose answers
the test chooses, so that each test knows what is suggested. ``test_the_shipped_models_…`` uses the real ones."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from rasd.core.models import HistoryEntry
from rasd.followup.models import Assignment
from rasd.intelligence import engine
from rasd.intelligence.models import Suggestion
from rasd.intelligence.selectors import label_names, suggestions_named, suggestions_pending
from rasd.intelligence.services import (
    suggestion_accept,
    suggestion_reject,
    suggestions_accept,
    suggestions_refresh,
    suggestions_reject,
)
from rasd.intelligence.tasks import suggestions_refresh_task
from rasd.recommendations.models import AffectedPerson, NationalAxis, Recommendation, SdgTarget, Theme
from tests.conftest import login

pytestmark = pytest.mark.django_db

Task = Suggestion.Task
Status = Suggestion.Status
TRAINED_AT = "2026-11-20T10:00:00+00:00"


class ScriptedClassifier:
    """A classifier of the engine's contract (``predict``, ``assigns``, ``card``) that answers what the test
    scripted: for a text containing one of ``answers``' keys, that key's (label, confidence) pairs; else nothing.
    It assigns a label from 0.5 up, as the engine's single-label models do."""

    def __init__(self, task: str, answers: dict[str, list[tuple[str, float]]]):
        self.task, self.answers = task, answers
        self.card = {
            "task": task,
            "trained_at": TRAINED_AT,
            "training_data": [{"name": "DIDH Morocco", "rows": 812, "languages": ["fr", "ar"]}],
            "method": "TF-IDF + logistic regression over multilingual embeddings",
            "metrics": {"fr": {"top1_accuracy": 0.91, "micro_f1": 0.88}, "ar": {"top1_accuracy": 0.87}},
            "labels": 36,
        }
        self.calls = []
        self.contexts = []

    def predict(self, texts, *, languages=None, vectors=None, contexts=None):
        self.calls.append((list(texts), list(languages or []), vectors))
        self.contexts.append(contexts)
        out = []
        for text in texts:
            found = next((pairs for key, pairs in self.answers.items() if key in text), [])
            out.append(sorted(found, key=lambda pair: -pair[1])[:5])
        return out

    def assigns(self, label_score):
        return label_score[1] >= 0.5


@pytest.fixture
def shipped(monkeypatch):
    """The classifiers "shipped" for a test: ``shipped(task=ScriptedClassifier…)``; the other tasks have none."""
    classifiers = {}

    def load(task, **_kwargs):
        if task not in classifiers:
            raise engine.ModelMissing(task)
        return classifiers[task]

    monkeypatch.setattr(engine, "classifier_load", load)
    return classifiers


def ask(base: Recommendation, **texts) -> Recommendation:
    """A new recommendation to the same state through the same mechanism, with these texts and no labels."""
    return Recommendation.objects.create(
        state=base.state, mechanism=base.mechanism, original_language=next(iter(texts))[-2:], **texts
    )


def suggestion(recommendation, task, label, confidence=0.9) -> Suggestion:
    return Suggestion.objects.create(
        recommendation=recommendation, task=task, label=label, confidence=confidence, model_trained_at=TRAINED_AT
    )


@pytest.fixture
def labels(demo_data):
    """Real codes of each vocabulary in the reference data."""
    from types import SimpleNamespace

    return SimpleNamespace(
        issue="Death penalty",
        other_issue="Detention",
        target=SdgTarget.objects.get(code="16.3"),
        axis=NationalAxis.objects.order_by("code").first(),
    )


# The engine's contract ---------------------------------------------------------------------------------------------


def test_the_suggestion_tasks_are_the_engines_tasks():
    assert tuple(Task.values) == engine.TASKS


# Refreshing ---------------------------------------------------------------------------------------------------------


def test_a_refresh_suggests_only_the_labels_a_recommendation_does_not_have(shipped, recommendation, labels):
    rec = ask(recommendation, text_fr="Abolir la peine de mort et ratifier le deuxième Protocole facultatif.")
    rec.themes.add(Theme.objects.get(vocabulary="upr_info", code=labels.issue))
    shipped[Task.UPR_ISSUES] = ScriptedClassifier(
        Task.UPR_ISSUES, {"peine de mort": [(labels.issue, 0.97), ("International instruments", 0.81)]}
    )

    assert suggestions_refresh(recommendation_ids=[rec.pk]) == 1

    [only] = Suggestion.objects.filter(recommendation=rec)
    assert (only.task, only.label, only.confidence, only.status) == (
        Task.UPR_ISSUES,
        "International instruments",
        0.81,
        Status.PENDING,
    )
    assert only.model_trained_at == TRAINED_AT


def test_a_refresh_tells_the_classifiers_who_made_each_recommendation(shipped, recommendation, labels):
    from rasd.states.models import State

    rec = ask(recommendation, text_fr="Abolir la peine de mort.")
    state = State.objects.order_by("iso3").first()
    rec.recommending_states.set([state])
    classifier = shipped[Task.UPR_ISSUES] = ScriptedClassifier(
        Task.UPR_ISSUES, {"peine de mort": [(labels.issue, 0.9)]}
    )

    suggestions_refresh(recommendation_ids=[rec.pk])

    assert classifier.contexts == [[{"mechanism": rec.mechanism.code, "recommending_states": [state.iso3]}]]


def test_a_refresh_averages_the_language_versions_and_uses_their_stored_vectors(shipped, recommendation, labels):
    from rasd.semantic.services import embeddings_compute

    rec = ask(recommendation, text_fr="Abolir la peine de mort.", text_ar="إلغاء عقوبة الإعدام.")
    embeddings_compute(recommendation_ids=[rec.pk])
    classifier = shipped[Task.UPR_ISSUES] = ScriptedClassifier(
        Task.UPR_ISSUES, {"peine de mort": [(labels.issue, 0.9)], "الإعدام": [(labels.issue, 0.7)]}
    )

    suggestions_refresh(recommendation_ids=[rec.pk])

    assert Suggestion.objects.get(recommendation=rec).confidence == pytest.approx(0.8)
    [(texts, languages, vectors)] = classifier.calls
    assert sorted(languages) == ["ar", "fr"] and vectors.shape == (2, 512)

    # A text changed since its vector was computed is classified from the text itself, not from the old vector.
    Recommendation.objects.filter(pk=rec.pk).update(text_fr="Abolir la peine de mort sans délai.")
    classifier.calls.clear()
    suggestions_refresh(recommendation_ids=[rec.pk])
    assert [(languages, None if vectors is None else vectors.shape) for _t, languages, vectors in classifier.calls] == [
        (["ar"], (1, 512)),
        (["fr"], None),
    ]


def test_a_label_the_model_does_not_assign_is_suggested_only_when_it_is_the_best_guess(shipped, recommendation, labels):
    rec = ask(recommendation, text_en="Consider abolishing the death penalty.")
    shipped[Task.UPR_ISSUES] = ScriptedClassifier(
        Task.UPR_ISSUES, {"death penalty": [(labels.issue, 0.4), (labels.other_issue, 0.2)]}
    )

    suggestions_refresh(recommendation_ids=[rec.pk])

    assert list(Suggestion.objects.filter(recommendation=rec).values_list("label", "confidence")) == [
        (labels.issue, 0.4)
    ]


def test_a_rejected_label_is_never_suggested_again_and_an_accepted_one_stays_as_it_was(
    shipped, people, recommendation, labels
):
    rec = ask(recommendation, text_fr="Abolir la peine de mort.")
    shipped[Task.UPR_ISSUES] = ScriptedClassifier(
        Task.UPR_ISSUES, {"peine": [(labels.issue, 0.9), (labels.other_issue, 0.6)]}
    )
    suggestions_refresh(recommendation_ids=[rec.pk])
    suggestion_reject(suggestion=Suggestion.objects.get(recommendation=rec, label=labels.other_issue), by=people.alice)
    suggestion_accept(suggestion=Suggestion.objects.get(recommendation=rec, label=labels.issue), by=people.alice)

    assert suggestions_refresh(recommendation_ids=[rec.pk]) == 0

    assert dict(Suggestion.objects.filter(recommendation=rec).values_list("label", "status")) == {
        labels.issue: Status.ACCEPTED,
        labels.other_issue: Status.REJECTED,
    }


def test_a_refresh_updates_what_waits_and_removes_what_the_model_no_longer_suggests(shipped, recommendation, labels):
    rec = ask(recommendation, text_fr="Abolir la peine de mort.")
    kept, dropped = suggestion(rec, Task.UPR_ISSUES, labels.issue, 0.55), suggestion(rec, Task.UPR_ISSUES, "Detention")
    other_task = suggestion(rec, Task.SDG_TARGETS, "16.3")
    shipped[Task.UPR_ISSUES] = ScriptedClassifier(Task.UPR_ISSUES, {"peine": [(labels.issue, 0.93)]})

    suggestions_refresh(recommendation_ids=[rec.pk])

    kept.refresh_from_db()
    assert kept.confidence == 0.93
    assert not Suggestion.objects.filter(pk=dropped.pk).exists()
    assert Suggestion.objects.filter(pk=other_task.pk).exists()  # no SDG model ships: its suggestions stay


def test_a_label_unknown_to_this_install_is_not_suggested(shipped, recommendation):
    rec = ask(recommendation, text_fr="Renforcer le ministère.")
    shipped[Task.INSTITUTIONS] = ScriptedClassifier(
        Task.INSTITUTIONS, {"ministère": [("ministere-inexistant", 0.99), ("justice", 0.7)]}
    )

    suggestions_refresh(recommendation_ids=[rec.pk])

    assert list(Suggestion.objects.filter(recommendation=rec).values_list("label", flat=True)) == ["justice"]


def test_one_action_category_is_suggested_and_none_when_the_recommendation_has_one(shipped, recommendation):
    first = ask(recommendation, text_en="Adopt a law that prohibits torture.")
    second = ask(recommendation, text_en="Adopt a law that prohibits torture in prisons.")
    second.action_category = 4
    second.save()
    shipped[Task.ACTION_CATEGORY] = ScriptedClassifier(Task.ACTION_CATEGORY, {"Adopt": [("5", 0.7), ("4", 0.6)]})

    suggestions_refresh(recommendation_ids=[first.pk, second.pk])

    assert list(Suggestion.objects.filter(recommendation=first).values_list("label", flat=True)) == ["5"]
    assert not Suggestion.objects.filter(recommendation=second).exists()


def test_with_no_model_shipped_a_refresh_changes_nothing(shipped, recommendation):
    waiting = suggestion(recommendation, Task.UPR_ISSUES, "Detention")
    assert suggestions_refresh() == 0
    assert Suggestion.objects.filter(pk=waiting.pk).exists()


def test_new_vectors_queue_one_refresh_of_the_suggestions_and_the_worker_makes_them(shipped, recommendation, labels):
    from django_tasks_db.models import DBTaskResult

    from rasd.semantic.tasks import embeddings_compute_task

    rec = ask(recommendation, text_fr="Abolir la peine de mort.")
    other = ask(recommendation, text_fr="Garantir la liberté de la presse.")
    refreshes = DBTaskResult.objects.filter(task_path=suggestions_refresh_task.module_path)

    embeddings_compute_task.call(recommendation_ids=[rec.pk])
    embeddings_compute_task.call(recommendation_ids=[other.pk])
    assert refreshes.count() == 1  # one refresh waiting is enough

    shipped[Task.UPR_ISSUES] = ScriptedClassifier(Task.UPR_ISSUES, {"peine": [(labels.issue, 0.9)]})
    assert suggestions_refresh_task.call() >= 1
    assert Suggestion.objects.filter(recommendation=rec, label=labels.issue, status=Status.PENDING).exists()


# Deciding ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["fatima", "omar", "paul", "olga"])
def test_only_coordinators_accept_or_reject_suggestions(people, recommendation, who):
    waiting = suggestion(recommendation, Task.UPR_ISSUES, "Detention")
    user = getattr(people, who)
    with pytest.raises(PermissionDenied):
        suggestion_accept(suggestion=waiting, by=user)
    with pytest.raises(PermissionDenied):
        suggestions_reject(suggestions=[waiting], by=user)
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING
    assert not recommendation.themes.filter(code="Detention").exists()


def test_accepting_applies_each_kind_of_label_and_records_who_accepted_it_and_when(people, recommendation, labels):
    rec = recommendation
    rec.national_axes.clear()
    rec.affected_persons.clear()
    version = rec.version
    accepted = [
        suggestion(rec, Task.UPR_ISSUES, labels.issue),
        suggestion(rec, Task.SDG_TARGETS, "16.3"),
        suggestion(rec, Task.SDG_GOALS, "16"),
        suggestion(rec, Task.NATIONAL_AXES, labels.axis.code),
        suggestion(rec, Task.ACTION_CATEGORY, "5"),
        suggestion(rec, Task.INSTITUTIONS, "justice", 0.72),
        suggestion(rec, Task.AFFECTED_PERSONS, "Persons with disabilities"),
        suggestion(rec, Task.UHRI_THEMES, "Right to education"),
    ]

    assert suggestions_accept(suggestions=accepted, by=people.alice) == 8

    rec.refresh_from_db()
    assert rec.themes.filter(vocabulary="upr_info", code=labels.issue).exists()
    assert rec.themes.filter(vocabulary="uhri", code="Right to education").exists()
    assert list(rec.sdg_targets.values_list("code", flat=True)) == ["16.3"]
    assert list(rec.national_axes.all()) == [labels.axis]
    assert list(rec.affected_persons.values_list("code", flat=True)) == ["Persons with disabilities"]
    assert rec.action_category == 5
    assert rec.version == version + 1  # one new version for all its labels: an edit in progress meets a conflict
    lead = Assignment.objects.get(recommendation=rec)
    assert (lead.institution.code, lead.role, lead.assigned_by) == ("justice", Assignment.Role.LEAD, people.alice)
    for row in Suggestion.objects.filter(recommendation=rec):
        assert (row.status, row.decided_by) == (Status.ACCEPTED, people.alice)
        assert row.decided_at is not None
    entry = HistoryEntry.objects.filter(object_id=str(rec.pk), content_type__model="recommendation").latest("id")
    assert entry.actor == people.alice
    assert set(entry.changes) == {"themes", "sdg_targets", "national_axes", "affected_persons", "action_category"}
    decided = HistoryEntry.objects.filter(content_type__model="suggestion", actor=people.alice)
    assert decided.count() == 8
    assert {e.changes["status"][1] for e in decided} == {Status.ACCEPTED}


def test_an_institution_accepted_for_a_recommendation_with_a_lead_supports_the_lead(people, assigned):
    suggestion_accept(suggestion=suggestion(assigned, Task.INSTITUTIONS, "interieur"), by=people.alice)

    roles = dict(Assignment.objects.filter(recommendation=assigned).values_list("institution__code", "role"))
    assert roles["justice"] == Assignment.Role.LEAD
    assert roles["interieur"] == Assignment.Role.SUPPORTING


def accepted_and_shown(client, people, recommendation, field: str, record, names: dict[str, str]) -> None:
    """Alice's acceptance is the recommendation's latest history entry, adding ``record`` to ``field``, and the
    recommendation's page shows the record's name in each language of ``names`` (as the page escapes it)."""
    entry = HistoryEntry.objects.filter(object_id=str(recommendation.pk), content_type__model="recommendation").latest(
        "id"
    )
    assert entry.actor == people.alice
    assert entry.changes == {field: [[], [record.pk]]}
    login(client, people.olga)
    url = reverse("recommendation_detail", args=[recommendation.pk])
    for language, name in names.items():
        client.cookies["django_language"] = language
        assert f'<span class="rasd-chip">{name}</span>' in client.get(url).content.decode(), language


def test_accepting_an_affected_persons_suggestion_adds_the_group_named_in_three_languages(
    client, people, recommendation
):
    recommendation.affected_persons.clear()
    assert not AffectedPerson.objects.filter(code__iexact="Women & girls").exists()
    waiting = suggestion(recommendation, Task.AFFECTED_PERSONS, "Women & girls", 0.93)

    assert suggestion_accept(suggestion=waiting, by=people.alice)

    group = recommendation.affected_persons.get()
    assert (group.code, group.name_en, group.name_fr, group.name_ar) == (
        "Women & girls",
        "Women & girls",
        "Femmes et filles",
        "النساء والفتيات",
    )
    names = {"en": "Women &amp; girls", "fr": "Femmes et filles", "ar": "النساء والفتيات"}
    accepted_and_shown(client, people, recommendation, "affected_persons", group, names)


def test_an_accepted_group_an_import_brought_is_linked_not_made_again(people, recommendation):
    imported = AffectedPerson.objects.create(code="migrants", name_en="Migrants")
    waiting = suggestion(recommendation, Task.AFFECTED_PERSONS, "Migrants")

    suggestion_accept(suggestion=waiting, by=people.alice)

    assert recommendation.affected_persons.filter(pk=imported.pk).exists()
    assert AffectedPerson.objects.filter(code__iexact="migrants").count() == 1


def test_a_group_the_recommendation_has_under_an_older_uhri_spelling_is_not_suggested(shipped, recommendation):
    rec = ask(recommendation, text_fr="Lutter contre la violence à l'égard des femmes migrantes.")
    rec.affected_persons.add(AffectedPerson.objects.create(code="Women", name_en="Women"))
    shipped[Task.AFFECTED_PERSONS] = ScriptedClassifier(
        Task.AFFECTED_PERSONS,
        {"femmes": [("Women & girls", 0.97), ("Migrants", 0.8), ("Persons displaced by volcanoes", 0.7)]},
    )

    assert suggestions_refresh(recommendation_ids=[rec.pk]) == 1

    # "Women" (cycle 3) is "Women & girls" now; a group neither the install nor the reference file knows is not shown.
    assert list(Suggestion.objects.filter(recommendation=rec).values_list("task", "label")) == [
        (Task.AFFECTED_PERSONS, "Migrants")
    ]


def test_affected_persons_are_named_in_the_users_language_from_their_record_or_the_reference_file(demo_data):
    from django.utils import translation

    AffectedPerson.objects.create(code="Human rights defenders", name_en="Human rights defenders")
    AffectedPerson.objects.create(code="Migrants", name_en="Migrants", name_ar="العمال المهاجرون")
    pairs = [(Task.AFFECTED_PERSONS, code) for code in ("Migrants", "Older persons", "Human rights defenders")]
    with translation.override("ar"):
        names = {code: str(name) for (_task, code), name in label_names(pairs).items()}

    assert names == {
        "Migrants": "العمال المهاجرون",  # the record's own name comes first
        "Older persons": "كبار السن",  # no record yet: the reference file's
        "Human rights defenders": "Human rights defenders",  # no Arabic name anywhere: the English one
    }


def test_accepting_a_uhri_theme_adds_the_uhri_theme_not_a_upr_info_issue_of_the_same_name(
    client, people, recommendation
):
    recommendation.themes.clear()
    upr_info = Theme.objects.get(vocabulary="upr_info", code="Right to education")
    assert not Theme.objects.filter(vocabulary="uhri", code__iexact="Right to education").exists()
    waiting = suggestion(recommendation, Task.UHRI_THEMES, "Right to education", 0.91)

    assert suggestion_accept(suggestion=waiting, by=people.alice)

    theme = recommendation.themes.get()
    assert theme != upr_info
    assert (theme.vocabulary, theme.code, theme.name_en, theme.name_fr, theme.name_ar) == (
        "uhri",
        "Right to education",
        "Right to education",
        "Droit à l'éducation",
        "الحق في التعليم",
    )
    names = {"en": "Right to education", "fr": "Droit à l&#x27;éducation", "ar": "الحق في التعليم"}
    accepted_and_shown(client, people, recommendation, "themes", theme, names)


def test_an_accepted_uhri_theme_an_import_brought_is_linked_not_made_again(people, recommendation):
    imported = Theme.objects.create(vocabulary="uhri", code="migrants", name_en="Migrants")
    waiting = suggestion(recommendation, Task.UHRI_THEMES, "Migrants")

    suggestion_accept(suggestion=waiting, by=people.alice)

    assert recommendation.themes.filter(pk=imported.pk).exists()
    assert Theme.objects.filter(vocabulary="uhri", code__iexact="migrants").count() == 1


def test_a_uhri_theme_the_recommendation_has_under_an_older_spelling_is_not_suggested(shipped, recommendation):
    rec = ask(recommendation, text_fr="Garantir le droit au travail et l'accès à l'éducation des migrants.")
    rec.themes.add(Theme.objects.create(vocabulary="uhri", code="Right to work", name_en="Right to work"))
    # A UPR Info issue of the same name is another vocabulary: it does not stop the UHRI theme.
    rec.themes.add(Theme.objects.get(vocabulary="upr_info", code="Migrants"))
    shipped[Task.UHRI_THEMES] = ScriptedClassifier(
        Task.UHRI_THEMES,
        {
            "travail": [
                ("Labour rights and right to work", 0.95),
                ("Migrants", 0.8),
                ("Right to a volcano-free life", 0.7),
            ]
        },
    )

    assert suggestions_refresh(recommendation_ids=[rec.pk]) == 1

    # "Right to work" (cycle 2) is "Labour rights and right to work" now; a theme no one knows is not shown.
    assert list(Suggestion.objects.filter(recommendation=rec).values_list("task", "label")) == [
        (Task.UHRI_THEMES, "Migrants")
    ]


def test_uhri_themes_are_named_in_the_users_language_from_their_uhri_record_or_the_reference_file(demo_data):
    from django.utils import translation

    Theme.objects.create(vocabulary="uhri", code="Migrants", name_en="Migrants", name_ar="العمال المهاجرون")
    Theme.objects.filter(vocabulary="upr_info", code="Right to health").update(name_ar="الصحة العامة")
    Theme.objects.create(vocabulary="uhri", code="Right to the moon", name_en="Right to the moon")
    pairs = [(Task.UHRI_THEMES, code) for code in ("Migrants", "Right to health", "Right to the moon")]
    with translation.override("ar"):
        names = {code: str(name) for (_task, code), name in label_names(pairs).items()}

    assert names == {
        "Migrants": "العمال المهاجرون",  # the UHRI record's own name comes first
        "Right to health": "الحق في الصحة",  # no UHRI record (a UPR Info issue is not one): the reference file's
        "Right to the moon": "Right to the moon",  # no Arabic name anywhere: the English one
    }


def test_a_suggestion_already_decided_is_left_as_it_was(people, recommendation):
    rejected = suggestion(recommendation, Task.UPR_ISSUES, "Detention")
    assert suggestion_reject(suggestion=rejected, by=people.alice)

    assert not suggestion_accept(suggestion=rejected, by=people.alice)

    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED
    assert not recommendation.themes.filter(code="Detention").exists()


def test_accepting_in_bulk_accepts_only_the_suggestions_of_the_filter(people, recommendation, labels):
    others = Recommendation.objects.filter(source="didh").exclude(pk=recommendation.pk).order_by("pk")[:3]
    high = [suggestion(rec, Task.UPR_ISSUES, labels.issue, 0.95) for rec in [recommendation, *others[:2]]]
    low = suggestion(others[2], Task.UPR_ISSUES, labels.issue, 0.6)
    other_label = suggestion(recommendation, Task.UPR_ISSUES, labels.other_issue, 0.97)

    done = suggestions_accept(
        suggestions=suggestions_pending(task=Task.UPR_ISSUES, label=labels.issue, min_confidence=0.9),
        by=people.alice,
    )

    assert done == 3
    assert set(Suggestion.objects.filter(status=Status.ACCEPTED)) == set(high)
    assert set(Suggestion.objects.filter(status=Status.PENDING)) == {low, other_label}


# Pages ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def queue(demo_data, labels):
    """Five suggestions waiting: three of one issue (two sure, one not), one of another, one SDG target."""
    recs = list(Recommendation.objects.filter(source="didh").order_by("pk")[:4])
    return {
        "sure": [
            suggestion(recs[0], Task.UPR_ISSUES, labels.issue, 0.96),
            suggestion(recs[1], Task.UPR_ISSUES, labels.issue, 0.91),
        ],
        "unsure": suggestion(recs[2], Task.UPR_ISSUES, labels.issue, 0.62),
        "other": suggestion(recs[3], Task.UPR_ISSUES, labels.other_issue, 0.99),
        "target": suggestion(recs[0], Task.SDG_TARGETS, "16.3", 0.85),
    }


def test_the_review_queue_filters_by_task_label_and_confidence_and_counts_what_it_shows(client, people, queue, labels):
    login(client, people.alice)

    everything = client.get(reverse("suggestion_queue"))
    assert "<bdi>5</bdi> suggestions waiting" in everything.content.decode()
    assert everything.context["total"] == 5

    one_label = client.get(
        reverse("suggestion_queue"), {"label": f"upr-issues:{labels.issue}", "min_confidence": "0.9"}
    )
    body = one_label.content.decode()
    assert "<bdi>2</bdi> suggestions waiting" in body
    assert [s.pk for s in one_label.context["page_obj"].object_list] == [s.pk for s in queue["sure"]]
    assert "Accept all <bdi>2</bdi> shown" in body
    assert "96%" in body and "<meter" in body

    targets = client.get(reverse("suggestion_queue"), {"task": "sdg-targets"})
    assert [s.pk for s in targets.context["page_obj"].object_list] == [queue["target"].pk]
    assert "<bdi>1</bdi> suggestion waiting" in targets.content.decode()
    assert "Promote the rule of law" in targets.content.decode()  # the label's name, not its code


def test_the_review_queue_is_in_the_menu_of_coordinators_only(client, people, queue):
    login(client, people.alice)
    assert reverse("suggestion_queue") in client.get(reverse("home")).content.decode()
    login(client, people.fatima)
    assert reverse("suggestion_queue") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["fatima", "omar", "paul", "olga"])
def test_focal_points_validators_partners_and_observers_cannot_reach_the_queue(client, people, queue, who):
    login(client, getattr(people, who))
    assert client.get(reverse("suggestion_queue")).status_code == 403
    assert client.post(reverse("suggestion_accept", args=[queue["other"].pk])).status_code == 403
    assert client.post(reverse("suggestions_accept"), {"task": "upr-issues", "expected": "4"}).status_code == 403
    assert Suggestion.objects.filter(status=Status.PENDING).count() == 5


def test_an_anonymous_visitor_is_sent_to_log_in(client, queue):
    response = client.get(reverse("suggestion_queue"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_accepting_all_shown_asks_with_the_count_then_accepts_only_the_filter(client, people, queue, labels):
    login(client, people.alice)
    chosen = {"label": f"upr-issues:{labels.issue}", "min_confidence": "0.9"}

    confirm = client.get(reverse("suggestions_accept"), chosen)
    assert "Accept these <bdi>2</bdi> suggestions?" in confirm.content.decode()
    assert Suggestion.objects.filter(status=Status.ACCEPTED).count() == 0  # asking changes nothing

    stale = client.post(reverse("suggestions_accept"), {**chosen, "expected": "3"})
    assert stale.status_code == 200 and "changed since the page was shown" in stale.content.decode()
    assert Suggestion.objects.filter(status=Status.ACCEPTED).count() == 0

    done = client.post(reverse("suggestions_accept"), {**chosen, "expected": "2"}, follow=True)
    assert "2 suggestions accepted." in done.content.decode()
    assert set(Suggestion.objects.filter(status=Status.ACCEPTED)) == set(queue["sure"])
    for sure in queue["sure"]:
        assert sure.recommendation.themes.filter(code=labels.issue).exists()


def test_rejecting_all_shown_rejects_only_the_filter(client, people, queue):
    login(client, people.alice)
    client.post(reverse("suggestions_reject"), {"task": "sdg-targets", "expected": "1"})
    assert list(Suggestion.objects.filter(status=Status.REJECTED)) == [queue["target"]]


def test_a_bulk_decision_with_a_filter_it_does_not_understand_changes_nothing(client, people, queue):
    login(client, people.alice)
    response = client.post(reverse("suggestions_accept"), {"label": "no-such-task", "expected": "5"}, follow=True)
    assert "nothing was changed" in response.content.decode()
    assert Suggestion.objects.filter(status=Status.PENDING).count() == 5


def test_a_coordinator_accepts_one_suggestion_from_the_queue_and_comes_back_to_it(client, people, queue, labels):
    login(client, people.alice)
    back = reverse("suggestion_queue") + "?task=upr-issues"
    response = client.post(reverse("suggestion_accept", args=[queue["other"].pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert queue["other"].recommendation.themes.filter(code=labels.other_issue).exists()

    away = client.post(reverse("suggestion_reject", args=[queue["unsure"].pk]), {"next": "https://example.org/"})
    assert away["Location"] == reverse("suggestion_queue")  # never sent to another site


def test_the_recommendation_page_shows_accepted_labels_with_who_accepted_them(client, people, queue, labels):
    sure = queue["sure"][0]
    suggestion_accept(suggestion=sure, by=people.alice)
    url = reverse("recommendation_detail", args=[sure.recommendation_id])

    login(client, people.olga)
    body = client.get(url).content.decode()
    assert "Labels suggested by the models" in body
    assert f"accepted by <bdi>Alice</bdi> on {date_format(timezone.localdate(), 'DATE_FORMAT')}" in body
    assert "96%" in body
    assert reverse("suggestion_accept", args=[queue["target"].pk]) not in body  # observers do not decide

    login(client, people.alice)
    body = client.get(url).content.decode()
    assert "Waiting for a decision" in body
    assert reverse("suggestion_accept", args=[queue["target"].pk]) in body


def test_the_model_card_page_shows_each_shipped_model_and_says_which_tasks_have_none(client, people, shipped):
    shipped[Task.NATIONAL_AXES] = ScriptedClassifier(Task.NATIONAL_AXES, {})
    login(client, people.olga)

    body = client.get(reverse("model_card_list")).content.decode()

    assert "National axis" in body and "DIDH Morocco" in body and "812" in body
    assert "Top-1 accuracy" in body and "0.91" in body and "0.87" in body
    assert date_format(datetime.date(2026, 11, 20), "DATE_FORMAT") in body
    assert body.count("No model ships for this task") == len(Task.values) - 1


def test_the_model_card_page_shows_the_shipped_affected_persons_model(client, people):
    login(client, people.olga)

    body = client.get(reverse("model_card_list")).content.decode()

    card = body.split('id="model-affected-persons"', 1)[1].split("</section>", 1)[0]
    assert ">Affected persons</h2>" in card
    assert "OHCHR UPR thematic lists, Slovenia" in card and "Micro-F1" in card
    assert "No model ships for this task" not in card


def test_the_model_card_page_shows_the_shipped_uhri_themes_model(client, people):
    login(client, people.olga)

    body = client.get(reverse("model_card_list")).content.decode()

    card = body.split('id="model-uhri-themes"', 1)[1].split("</section>", 1)[0]
    assert ">UHRI theme</h2>" in card
    assert "OHCHR UPR thematic lists, Slovenia" in card and "Micro-F1" in card
    assert "No model ships for this task" not in card


def test_the_review_queue_filters_affected_persons_and_names_them_in_arabic(client, people, recommendation):
    suggestion(recommendation, Task.AFFECTED_PERSONS, "Refugees & asylum seekers", 0.88)
    suggestion(recommendation, Task.UPR_ISSUES, "Detention", 0.9)
    login(client, people.alice)

    english = client.get(reverse("suggestion_queue"), {"task": "affected-persons"})
    assert [s.label for s in english.context["page_obj"].object_list] == ["Refugees & asylum seekers"]
    assert '<option value="affected-persons" selected>Affected persons</option>' in english.content.decode()
    client.cookies["django_language"] = "ar"
    arabic = client.get(reverse("suggestion_queue"), {"task": "affected-persons"}).content.decode()
    assert "اللاجئون وملتمسو اللجوء" in arabic


def test_the_model_card_page_is_for_logged_in_users(client, demo_data):
    assert client.get(reverse("model_card_list")).status_code == 302


def test_the_suggestion_pages_have_no_inline_script_or_style_for_the_policy_to_block(client, people, queue, shipped):
    from tests.test_security import inline_code

    shipped[Task.UPR_ISSUES] = ScriptedClassifier(Task.UPR_ISSUES, {})
    login(client, people.alice)
    for url in (
        reverse("suggestion_queue"),
        reverse("suggestions_accept") + "?task=upr-issues",
        reverse("recommendation_detail", args=[queue["target"].recommendation_id]),
        reverse("model_card_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


def test_the_axis_of_a_sub_axis_the_recommendation_has_is_not_suggested(shipped, recommendation):
    sub_axis = NationalAxis.objects.filter(parent__isnull=False).select_related("parent").first()
    rec = ask(recommendation, text_fr="Renforcer l'indépendance de la justice.")
    rec.national_axes.set([sub_axis])
    shipped[Task.NATIONAL_AXES] = ScriptedClassifier(
        Task.NATIONAL_AXES, {"justice": [(sub_axis.parent.code, 0.9), (sub_axis.code, 0.8)]}
    )

    suggestions_refresh(recommendation_ids=[rec.pk])

    assert not Suggestion.objects.filter(recommendation=rec).exists()


def test_the_shipped_models_suggest_labels_for_demo_recommendations_in_arabic_and_french(demo_data):
    from rasd.semantic.services import embeddings_compute

    shipped = []
    for task in engine.TASKS:
        try:
            engine.classifier_load(task)
            shipped.append(task)
        except engine.ModelMissing:
            pass
    assert shipped, "no classifier ships with the product"
    recs = list(
        Recommendation.objects.filter(source="didh").exclude(text_ar="").exclude(text_fr="").order_by("pk")[:12]
    )
    ids = [r.pk for r in recs]
    embeddings_compute(recommendation_ids=ids)

    created = suggestions_refresh(recommendation_ids=ids)

    found = suggestions_named(Suggestion.objects.filter(recommendation_id__in=ids))
    assert created == len(found) > 0
    assert {s.task for s in found} <= set(shipped)
    for s in found:
        assert 0 <= s.confidence <= 1 and s.model_trained_at
        if s.task in (Task.NATIONAL_AXES, Task.INSTITUTIONS, Task.SDG_GOALS):
            assert s.label_name != s.label  # a label of this install, named
    for rec in recs:
        assert not {s.label for s in found if s.recommendation_id == rec.pk and s.task == Task.INSTITUTIONS} & set(
            rec.assignments.values_list("institution__code", flat=True)
        )
    assert suggestions_refresh(recommendation_ids=ids) == 0  # the same texts and models: nothing new


def test_the_review_queue_takes_as_many_queries_for_fifty_suggestions_as_for_two(client, people, queue, labels):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, people.alice)
    url = reverse("suggestion_queue")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for rec in Recommendation.objects.filter(source="didh").order_by("-pk")[:45]:
        suggestion(rec, Task.SDG_TARGETS, "16.3", 0.7)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).context["total"] == 50
    assert len(many) == len(few)


def test_a_decision_made_in_the_queue_with_htmx_answers_the_row_that_takes_the_suggestions_place(client, people, queue):
    login(client, people.alice)
    url = reverse("suggestion_reject", args=[queue["unsure"].pk])

    first = client.post(url, HTTP_HX_REQUEST="true")
    again = client.post(url, HTTP_HX_REQUEST="true")

    assert first.status_code == 200 and "Rejected: Death penalty." in first.content.decode()
    assert first.content.decode().lstrip().startswith("<tr")
    assert "Someone else decided on this suggestion already" in again.content.decode()
    queue["unsure"].refresh_from_db()
    assert queue["unsure"].status == Status.REJECTED


def test_the_model_card_page_says_how_each_model_works_in_french(client, people):
    login(client, people.olga)
    client.cookies["django_language"] = "fr"

    body = client.get(reverse("model_card_list")).content.decode()

    card = body.split('id="model-affected-persons"', 1)[1].split("</section>", 1)[0]
    assert "Régression logistique sur des plongements vectoriels multilingues de phrases" in card
    assert "combinée (0,7)" in card and "Un seuil par étiquette" in card
    assert "Logistic regression" not in body and "per-label" not in body


def test_the_model_card_page_says_how_each_model_works_in_arabic(client, people):
    login(client, people.olga)
    client.cookies["django_language"] = "ar"

    body = client.get(reverse("model_card_list")).content.decode()

    card = body.split('id="model-national-axes"', 1)[1].split("</section>", 1)[0]
    assert "انحدار لوجستي على التمثيلات المتجهية" in card and "العربية والفرنسية" in card
    assert "يكون احتمال المحور مساويًا على الأقل لاحتمال محاوره الفرعية" in card
    assert "Logistic regression" not in body and "as probable as its sub-axes" not in body


def test_a_model_method_names_every_kind_of_term_its_term_part_reads():
    from django.utils import translation

    from rasd.intelligence.selectors import model_method

    config = {"mix": 0.5, "term_languages": ["ar", "fr"], "term_kinds": ["terms", "letters"], "parent_max": True}
    with translation.override("en"):
        both = model_method(config=config, multi_label=True)
        terms_only = model_method(config={"mix": 0.5, "term_languages": ["en"]}, multi_label=False)
        embeddings_only = model_method(config={"mix": 0.0, "term_languages": []}, multi_label=True)
    with translation.override("fr"):
        french = model_method(config=config, multi_label=True)

    assert (
        "mixed (0.5) with logistic regression on TF-IDF terms and sequences of 2 to 5 letters in Arabic and French"
        in both
    )
    assert "An axis is at least as probable as its sub-axes." in both
    assert "TF-IDF terms in English." in terms_only and "The most probable label" in terms_only
    assert "TF-IDF" not in embeddings_only and "Per-label thresholds" in embeddings_only
    assert "combinée (0,5)" in french and "des termes et suites de 2 à 5 lettres" in french
