"""Writes of the intelligence app: the near-duplicate groups, computed again from the stored vectors and texts;
the suggestions of the shipped classifiers, and the coordinators' decisions on them."""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import Truncator

from rasd.accounts.models import User
from rasd.core.edits import record_update
from rasd.core.history import history_entries_insert, history_entry_build
from rasd.core.models import HistoryEntry
from rasd.followup.models import Assignment
from rasd.followup.services import assignments_create
from rasd.institutions.models import Institution
from rasd.intelligence import duplicates
from rasd.intelligence.engine.labels import uhri_names, vocabulary
from rasd.intelligence.models import DuplicateGroup, DuplicateMembership, Suggestion
from rasd.intelligence.policies import can_review_suggestions, require
from rasd.intelligence.selectors import recurrence
from rasd.recommendations.models import (
    ActionCategory,
    AffectedPerson,
    Cluster,
    NationalAxis,
    Recommendation,
    SdgTarget,
    Theme,
)
from rasd.recommendations.services import cluster_create
from rasd.search.normalise import index_text
from rasd.semantic import engine
from rasd.semantic.engine import DIM, LANGUAGES, MODEL_NAME
from rasd.semantic.models import RecommendationEmbedding

__all__ = [
    "duplicate_group_cluster_create",
    "duplicate_groups_refresh",
    "suggestion_accept",
    "suggestion_reject",
    "suggestions_accept",
    "suggestions_refresh",
    "suggestions_reject",
]

logger = logging.getLogger(__name__)

READ_CHUNK = 5000
# Words of the recommendation's text that title the cluster made from its group.
CLUSTER_TITLE_WORDS = 20


def _vectors_load() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(recommendation ids, languages, centred unit vectors) of every stored vector of the current model."""
    rows = RecommendationEmbedding.objects.filter(model=MODEL_NAME).order_by("pk")
    count = rows.count()
    owners = np.empty(count, dtype=np.int64)
    languages = np.empty(count, dtype="<U2")
    matrix = np.empty((count, DIM), dtype=np.float32)
    n = 0
    for rec_id, lang, vector in rows.values_list("recommendation_id", "language", "vector").iterator(READ_CHUNK):
        if n == count:  # written since the count: the next refresh takes it
            break
        owners[n], languages[n] = rec_id, lang
        matrix[n] = np.frombuffer(vector, dtype="<f4")
        n += 1
    return owners[:n], languages[:n], engine.centre(matrix[:n], languages[:n], in_place=True)


def _texts_load() -> tuple[dict[int, set[str]], dict[int, int]]:
    """Each recommendation's normalised texts, one per language version ("<state id>:fr:" + terms…: the same
    words addressed to another state are another ask), and its state under review."""
    keys: dict[int, set[str]] = {}
    states: dict[int, int] = {}
    fields = [f"text_{lang}" for lang in LANGUAGES]
    for rec_id, state_id, *texts in Recommendation.objects.values_list("pk", "state_id", *fields).iterator(READ_CHUNK):
        states[rec_id] = state_id
        keys[rec_id] = {
            f"{state_id}:{lang}:{index_text(text, lang)}" for lang, text in zip(LANGUAGES, texts) if text.strip()
        }
    return keys, states


def duplicate_groups_compute() -> list[duplicates.Group]:
    """The groups of recommendations to one state that ask for the same thing, from the stored vectors and texts.

    A recommendation's similarity to another is the best cosine between any of their language versions, or 1.0
    when they share a normalised text. Recommendations without vectors yet are grouped by identical text only.
    """
    owners, languages, matrix = _vectors_load()
    keys, states = _texts_load()
    alive = np.array([owner in states for owner in owners.tolist()], dtype=bool)  # deleted since the vectors
    if not alive.all():
        owners, languages, matrix = owners[alive], languages[alive], matrix[alive]
    parts = np.array([states[owner] for owner in owners.tolist()], dtype=np.int64)
    pairs = duplicates.near_pairs_within(matrix, owners, languages, parts)
    duplicates.exact_pairs(((rec_id, key) for rec_id, ks in keys.items() for key in sorted(ks)), pairs=pairs)
    rows_of: dict[int, list[int]] = {}
    for row, owner in enumerate(owners.tolist()):
        rows_of.setdefault(owner, []).append(row)

    def similarities(anchor: int, members) -> np.ndarray:
        anchor_rows = matrix[rows_of.get(anchor, [])]
        out = np.empty(len(members), dtype=np.float32)
        for i, member in enumerate(members):
            shared = keys.get(anchor, set()) & keys.get(member, set())
            if any(len(k.split()) >= duplicates.EXACT_MIN_TERMS for k in shared):
                out[i] = 1.0
            elif len(anchor_rows) and member in rows_of:
                out[i] = float((matrix[rows_of[member]] @ anchor_rows.T).max())
            else:
                out[i] = -1.0
        return out

    return duplicates.groups_join(pairs, similarities)


@transaction.atomic
def duplicate_groups_refresh() -> tuple[int, int]:
    """Replace the stored near-duplicate groups with the ones computed now; returns (groups, recommendations in
    them). The same vectors and texts give the same groups: running it twice changes nothing but their ids. One
    transaction: readers see the old groups or the new ones, never none."""
    groups = duplicate_groups_compute()
    DuplicateGroup.objects.all().delete()
    stored = DuplicateGroup.objects.bulk_create(
        DuplicateGroup(anchor_id=g.anchor, similarity=g.similarity, size=len(g.members)) for g in groups
    )
    DuplicateMembership.objects.bulk_create(
        (
            DuplicateMembership(group=row, recommendation_id=member, similarity=similarity)
            for row, g in zip(stored, groups)
            for member, similarity in zip(g.members, g.similarities)
        ),
        batch_size=2000,
    )
    members = sum(len(g.members) for g in groups)
    logger.info("duplicate groups: %s groups of %s recommendations", len(groups), members)
    return len(groups), members


def duplicate_group_cluster_create(*, by, recommendation: Recommendation) -> tuple[Cluster, int] | None:
    """Make ``recommendation``'s near-duplicate group a cluster, titled by its text, so that the ask is followed
    up once; returns the cluster and how many recommendations it holds, or None when it is in no group."""
    found = recurrence(recommendation)
    if found is None:
        return None
    members = [recommendation.pk, *(m.pk for m in found.members)]
    title = Truncator(recommendation.text).words(CLUSTER_TITLE_WORDS)[: Cluster._meta.get_field("title").max_length]
    return cluster_create(by=by, title=title, recommendations=members), len(members)


# Suggestions --------------------------------------------------------------------------------------------------------

Task = Suggestion.Task
Status = Suggestion.Status
# Recommendations classified per transaction: the queue shows a refresh's suggestions as it goes.
REFRESH_CHUNK = 500
# The labels that become links of the recommendation when accepted: (many-to-many field, the labelled records).
LINKED = {
    Task.UPR_ISSUES: ("themes", lambda: Theme.objects.filter(vocabulary=Theme.Vocabulary.UPR_INFO)),
    Task.SDG_TARGETS: ("sdg_targets", lambda: SdgTarget.objects.all()),
    Task.NATIONAL_AXES: ("national_axes", lambda: NationalAxis.objects.all()),
}
# The UHRI vocabularies: the recommendation's field, its records, and the fields a record made on acceptance takes
# besides its code and names (its code is UHRI's name today, as a UHRI import gives it; older spellings map to it).
UHRI_LINKED = {
    Task.AFFECTED_PERSONS: ("affected_persons", lambda: AffectedPerson.objects.all(), {}),
    Task.UHRI_THEMES: (
        "themes",
        lambda: Theme.objects.filter(vocabulary=Theme.Vocabulary.UHRI),  # never UPR Info's issues, also themes
        {"vocabulary": Theme.Vocabulary.UHRI},
    ),
}


def _classifiers() -> dict[str, object]:
    """The shipped classifier of each task; a task without one is left out (its suggestions are kept as they are)."""
    from rasd.intelligence.engine import ModelMissing, classifier_load

    found = {}
    for task in Task.values:
        try:
            found[task] = classifier_load(task)
        except ModelMissing:
            logger.info("suggestions: no model ships for %s", task)
    return found


def _labels_known() -> dict[str, set[str]]:
    """The label codes this install can apply, per task: a model may know an institution this one does not have."""
    known = {task: set(records().values_list("code", flat=True)) for task, (_field, records) in LINKED.items()}
    known[Task.ACTION_CATEGORY] = {str(value) for value in ActionCategory.values}
    known[Task.SDG_GOALS] = {str(target.goal.number) for target in SdgTarget.objects.select_related("goal")}
    known[Task.INSTITUTIONS] = set(Institution.objects.filter(is_active=True).values_list("code", flat=True))
    for task, (_field, records, _fields) in UHRI_LINKED.items():
        # The reference file's labels (a record is made when one is accepted) and the install's own, under today's
        # UHRI names.
        names = vocabulary(task)
        known[task] = set(names.names) | {names.code_or_own(code) for code in records().values_list("code", flat=True)}
    return known


def _labels_had(rec_ids: list[int]) -> dict[tuple[int, str], set[str]]:
    """The labels each recommendation already has, per (recommendation, task): they are not suggested."""
    had: dict[tuple[int, str], set[str]] = defaultdict(set)
    recommendations = Recommendation.objects.filter(pk__in=rec_ids)
    for rec_id, code in recommendations.filter(themes__vocabulary=Theme.Vocabulary.UPR_INFO).values_list(
        "pk", "themes__code"
    ):
        had[rec_id, Task.UPR_ISSUES].add(code)
    for rec_id, code, goal in recommendations.filter(sdg_targets__isnull=False).values_list(
        "pk", "sdg_targets__code", "sdg_targets__goal__number"
    ):
        had[rec_id, Task.SDG_TARGETS].add(code)
        had[rec_id, Task.SDG_GOALS].add(str(goal))
    for rec_id, code, parent in recommendations.filter(national_axes__isnull=False).values_list(
        "pk", "national_axes__code", "national_axes__parent__code"
    ):
        # A sub-axis says its axis too: the axis is not suggested beside it.
        had[rec_id, Task.NATIONAL_AXES].update(c for c in (code, parent) if c)
    for rec_id in recommendations.filter(action_category__isnull=False).values_list("pk", flat=True):
        # One category a recommendation: once it has one, no other is suggested.
        had[rec_id, Task.ACTION_CATEGORY] = {str(value) for value in ActionCategory.values}
    for rec_id, code in Assignment.objects.filter(recommendation_id__in=rec_ids).values_list(
        "recommendation_id", "institution__code"
    ):
        had[rec_id, Task.INSTITUTIONS].add(code)
    for task, (_field, records, _fields) in UHRI_LINKED.items():
        # A label imported under an older UHRI spelling ("Women") is the one the model knows ("Women & girls").
        names = vocabulary(task)
        for rec_id, code in records().filter(recommendations__in=rec_ids).values_list("recommendations", "code"):
            had[rec_id, task].add(names.code_or_own(code))
    return had


def _versions(rec_ids: list[int]) -> list[tuple[int, str, str, np.ndarray | None, dict]]:
    """(recommendation, language, text, stored vector or None, context) of every language version of the
    recommendations; the context is who made it (mechanism code, recommending states), which the classifiers of
    the DIDH tasks read beside the text. A vector computed from an older text than the current one is not used:
    the classifier computes its own."""
    texts, contexts = {}, {}
    for rec_id, mechanism, *values in Recommendation.objects.filter(pk__in=rec_ids).values_list(
        "pk", "mechanism__code", *(f"text_{lang}" for lang in LANGUAGES)
    ):
        contexts[rec_id] = {"mechanism": mechanism, "recommending_states": []}
        texts.update({(rec_id, lang): text for lang, text in zip(LANGUAGES, values) if engine.text_prepare(text)})
    for rec_id, iso3 in Recommendation.recommending_states.through.objects.filter(
        recommendation_id__in=rec_ids
    ).values_list("recommendation_id", "state__iso3"):
        contexts[rec_id]["recommending_states"].append(iso3)
    vectors = {}
    for rec_id, lang, vector, text_hash in RecommendationEmbedding.objects.filter(
        model=MODEL_NAME, recommendation_id__in=rec_ids
    ).values_list("recommendation_id", "language", "vector", "text_hash"):
        text = texts.get((rec_id, lang))
        if text is not None and engine.text_hash(text) == text_hash:
            vectors[rec_id, lang] = np.frombuffer(vector, dtype="<f4")
    return [
        (rec_id, lang, text, vectors.get((rec_id, lang)), contexts[rec_id]) for (rec_id, lang), text in texts.items()
    ]


def _scores(classifier, versions) -> dict[int, dict[str, float]]:
    """Each recommendation's confidence in each label: the mean over its language versions (a label a version does
    not rank counts 0 there), so that a label is only as sure as the model is in every language the text exists
    in."""
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[int, int] = defaultdict(int)
    with_vector = [v for v in versions if v[3] is not None]
    without = [v for v in versions if v[3] is None]
    for group, vectors in (
        (with_vector, np.stack([v[3] for v in with_vector]).astype(np.float32) if with_vector else None),
        (without, None),
    ):
        if not group:
            continue
        ranked = classifier.predict(
            [v[2] for v in group], languages=[v[1] for v in group], vectors=vectors, contexts=[v[4] for v in group]
        )
        for (rec_id, *_rest), labels in zip(group, ranked):
            counts[rec_id] += 1
            for label, score in labels:
                totals[rec_id][str(label)] += float(score)
    return {
        rec_id: {label: total / counts[rec_id] for label, total in labels.items()} for rec_id, labels in totals.items()
    }


def _chosen(classifier, task: str, scores: dict[str, float]) -> dict[str, float]:
    """The labels worth a coordinator's look: those the model assigns at the confidence shown, else its best guess
    (shown with its low confidence); one action category, the most likely."""
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if task == Task.ACTION_CATEGORY:
        return dict(ranked[:1])
    return {label: score for label, score in ranked if classifier.assigns((label, score))} or dict(ranked[:1])


def suggestions_refresh(
    *, recommendation_ids: list[int] | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """Run every shipped classifier over the recommendations (None: all of them) and store what they suggest as
    pending suggestions; returns how many new suggestions were stored.

    Only labels a recommendation does not have yet are suggested. A decided suggestion is never touched: an
    accepted label stays recorded, a rejected label is not suggested again. A pending suggestion takes the model's
    current confidence, and is removed when the model no longer suggests it or the recommendation got the label
    some other way. The stored vectors of ``rasd.semantic`` are used where they are current.
    """
    classifiers = _classifiers()
    if not classifiers:
        return 0
    known = _labels_known()
    if recommendation_ids is None:
        recommendation_ids = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True))
    rec_ids = sorted(set(recommendation_ids))
    created = 0
    for start in range(0, len(rec_ids), REFRESH_CHUNK):
        created += _suggestions_refresh_chunk(rec_ids[start : start + REFRESH_CHUNK], classifiers, known)
        if progress:
            progress(min(start + REFRESH_CHUNK, len(rec_ids)), len(rec_ids))
    logger.info("suggestions: %s new for %s recommendations", created, len(rec_ids))
    return created


def _suggestions_refresh_chunk(rec_ids: list[int], classifiers: dict, known: dict[str, set[str]]) -> int:
    versions = _versions(rec_ids)
    wanted: dict[tuple[int, str, str], float] = {}
    versions_of = {task: str(classifier.card.get("trained_at", "")) for task, classifier in classifiers.items()}
    for task, classifier in classifiers.items():
        for rec_id, scores in _scores(classifier, versions).items():
            for label, score in _chosen(classifier, task, scores).items():
                wanted[rec_id, task, label] = min(max(score, 0.0), 1.0)
    with transaction.atomic():
        had = _labels_had(rec_ids)
        wanted = {
            key: score
            for key, score in wanted.items()
            if key[2] in known[key[1]] and key[2] not in had.get((key[0], key[1]), ())
        }
        existing = {
            (s.recommendation_id, s.task, s.label): s
            for s in Suggestion.objects.filter(recommendation_id__in=rec_ids, task__in=list(classifiers))
        }
        stale = [s.pk for key, s in existing.items() if s.status == Status.PENDING and key not in wanted]
        Suggestion.objects.filter(pk__in=stale).delete()
        changed = []
        for key, score in wanted.items():
            suggestion = existing.get(key)
            if suggestion is not None and suggestion.status == Status.PENDING:
                if (suggestion.confidence, suggestion.model_trained_at) != (score, versions_of[key[1]]):
                    suggestion.confidence, suggestion.model_trained_at = score, versions_of[key[1]]
                    changed.append(suggestion)
        Suggestion.objects.bulk_update(changed, ["confidence", "model_trained_at"], batch_size=1000)
        new = [
            Suggestion(
                recommendation_id=rec_id, task=task, label=label, confidence=score, model_trained_at=versions_of[task]
            )
            for (rec_id, task, label), score in wanted.items()
            if (rec_id, task, label) not in existing
        ]
        # A recommendation deleted while it was classified has nothing to attach its suggestions to.
        alive = set(Recommendation.objects.filter(pk__in=rec_ids).values_list("pk", flat=True))
        Suggestion.objects.bulk_create([s for s in new if s.recommendation_id in alive], batch_size=1000)
    return sum(s.recommendation_id in alive for s in new)


def _pending(suggestions: Iterable[Suggestion] | QuerySet[Suggestion]) -> list[Suggestion]:
    """The suggestions still pending, locked until the decision is written (two coordinators deciding the same one
    at once: the second finds it decided and leaves it)."""
    if isinstance(suggestions, QuerySet):
        chosen = Suggestion.objects.filter(pk__in=suggestions.values("pk"))
    else:
        chosen = Suggestion.objects.filter(pk__in=[s.pk for s in suggestions])
    return list(
        chosen.filter(status=Status.PENDING)
        .select_for_update()
        .order_by("recommendation_id", "task", "-confidence", "id")
    )


def _named_record(records: QuerySet, code: str, names: dict[str, dict[str, str]], **fields):
    """The record among ``records`` of a label code (case aside) — the one a UHRI import makes, whose code is the
    name as UHRI spells it — made with the reference file's names in Arabic, French and English (``names``) and
    ``fields`` when this install has none yet."""
    found = records.filter(code__iexact=code).order_by("pk").first()
    if found is None:
        found = records.model.objects.create(code=code, **fields, **(names.get(code) or {"name_en": code}))
    return found


def _labels_apply(*, recommendation: Recommendation, suggestions: list[Suggestion], by: User) -> None:
    """Give the recommendation the suggested labels: one new version of it and one history entry for its taxonomies
    (affected persons and UHRI themes included, their record made from the reference names when missing), and an
    assignment for each institution through the follow-up's own service (lead when it has none yet)."""
    fields: dict[str, object] = {}
    links: dict[str, set[int]] = {}
    institutions = []

    def link(field: str, pk: int) -> None:
        if field not in links:
            links[field] = set(getattr(recommendation, field).values_list("pk", flat=True))
        links[field].add(pk)

    for suggestion in suggestions:
        if suggestion.task in LINKED:
            field, records = LINKED[suggestion.task]
            found = records().filter(code=suggestion.label).values_list("pk", flat=True).first()
            if found is not None:
                link(field, found)
        elif suggestion.task in UHRI_LINKED:
            field, records, fields_made = UHRI_LINKED[suggestion.task]
            record = _named_record(records(), suggestion.label, uhri_names(suggestion.task), **fields_made)
            link(field, record.pk)
        elif suggestion.task == Task.ACTION_CATEGORY and "action_category" not in fields:
            fields["action_category"] = int(suggestion.label)
        elif suggestion.task == Task.INSTITUTIONS:
            institutions.extend(Institution.objects.filter(code=suggestion.label))
        # An SDG goal has no field of its own: the accepted suggestion is the record, shown with the recommendation.
    if fields or links:
        record_update(recommendation, by=by, version=recommendation.version, fields=fields, links=links)
    for institution in institutions:
        lead = Assignment.objects.filter(recommendation=recommendation, role=Assignment.Role.LEAD).first()
        if lead is None:
            assignments_create(by=by, lead=institution, recommendations=[recommendation])
        elif lead.institution_id != institution.pk:
            # A second lead would blur who answers for the recommendation: the new institution supports the lead.
            assignments_create(
                by=by,
                lead=lead.institution,
                supporting=[institution],
                recommendations=[recommendation],
                due_date=lead.due_date,
            )


def _decide(suggestions, *, by: User, status: str) -> int:
    require(can_review_suggestions(by))
    rows = _pending(suggestions)
    if status == Status.ACCEPTED:
        by_recommendation: dict[int, list[Suggestion]] = defaultdict(list)
        for suggestion in rows:
            by_recommendation[suggestion.recommendation_id].append(suggestion)
        for recommendation in Recommendation.objects.filter(pk__in=by_recommendation).order_by("pk"):
            _labels_apply(recommendation=recommendation, suggestions=by_recommendation[recommendation.pk], by=by)
    now = timezone.now()
    for suggestion in rows:
        suggestion.status, suggestion.decided_by, suggestion.decided_at = status, by, now
    Suggestion.objects.bulk_update(rows, ["status", "decided_by", "decided_at"], batch_size=1000)
    history_entries_insert(
        [
            history_entry_build(
                instance=suggestion,
                action=HistoryEntry.Action.UPDATED,
                changes={"status": (Status.PENDING, status), "confidence": (None, round(suggestion.confidence, 4))},
                actor=by,
            )
            for suggestion in rows
        ]
    )
    return len(rows)


@transaction.atomic
def suggestions_accept(*, suggestions: Iterable[Suggestion] | QuerySet[Suggestion], by: User) -> int:
    """Accept the suggestions still pending among ``suggestions`` (coordinators only), in one transaction: each
    label is applied to its recommendation — themes (UPR Info issues and UHRI themes), SDG targets, national axes
    and affected persons added, the action category set, an institution assigned; an SDG goal is recorded as
    accepted — and the history records who accepted what, when. Returns how many were accepted; one already decided
    by someone else is left as it is."""
    return _decide(suggestions, by=by, status=Status.ACCEPTED)


@transaction.atomic
def suggestions_reject(*, suggestions: Iterable[Suggestion] | QuerySet[Suggestion], by: User) -> int:
    """Reject the suggestions still pending among ``suggestions`` (coordinators only); a rejected label is never
    suggested again for that recommendation. Returns how many were rejected."""
    return _decide(suggestions, by=by, status=Status.REJECTED)


def suggestion_accept(*, suggestion: Suggestion, by: User) -> bool:
    """Accept one suggestion (see ``suggestions_accept``); False when it was already decided."""
    return suggestions_accept(suggestions=[suggestion], by=by) == 1


def suggestion_reject(*, suggestion: Suggestion, by: User) -> bool:
    """Reject one suggestion (see ``suggestions_reject``); False when it was already decided."""
    return suggestions_reject(suggestions=[suggestion], by=by) == 1
