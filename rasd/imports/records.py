"""The common shape every source is parsed into, and the one writer that stores it.

A source module (``sources/didh.py``, ``upr_info.py``, ``uhri.py``) reads its file into a ``Batch`` without
touching the database; ``batch_write`` then creates or updates everything inside the caller's transaction.
Records are matched on ``(source, source_key)``, so importing a file again updates, never duplicates, and every
changed field is kept in the history with its previous value.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from rasd.core.bulk import instances_insert, rows_insert
from rasd.core.history import history_entries_insert, history_entry_build
from rasd.core.models import HistoryEntry
from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Document, Mechanism, Review
from rasd.recommendations.models import AffectedPerson, NationalAxis, Recommendation, SdgTarget, Theme
from rasd.states.models import State

Progress = Callable[[int, int], None]

# Scalar fields a source may set; anything else on Recommendation is the system's own.
SCALAR_FIELDS = (
    "kind",
    "text_ar",
    "text_fr",
    "text_en",
    "original_language",
    "paragraph",
    "code",
    "position",
    "date",
    "year",
    "action_category",
    "implementation_status",
)


@dataclass(frozen=True)
class ReviewKey:
    mechanism: str  # Mechanism.code
    state: str  # State.iso3
    cycle: int | None = None
    session: int | None = None
    year: int | None = None


@dataclass
class DocumentSpec:
    symbol: str
    review: ReviewKey | None = None
    date: datetime.date | None = None


@dataclass
class NamedSpec:
    """A mechanism, theme or affected-persons entry a file may introduce, with whatever names it gives."""

    code: str
    kind: str = ""  # Mechanism.kind or Theme.vocabulary
    name_ar: str = ""
    name_fr: str = ""
    name_en: str = ""


@dataclass
class RecommendationRecord:
    row: int
    source_key: str
    state: str
    mechanism: str
    values: dict  # SCALAR_FIELDS → value
    review: ReviewKey | None = None
    document: str = ""  # Document.symbol
    recommending_states: set[str] = field(default_factory=set)  # iso3
    themes: set[tuple[str, str]] = field(default_factory=set)  # (vocabulary, code)
    affected_persons: set[str] = field(default_factory=set)
    sdg_targets: set[str] = field(default_factory=set)
    national_axes: set[str] = field(default_factory=set)
    assignments: dict[str, str] = field(default_factory=dict)  # Institution.code → Assignment.Role


@dataclass
class Batch:
    source: str  # Recommendation.Source
    records: list[RecommendationRecord] = field(default_factory=list)
    mechanisms: dict[str, NamedSpec] = field(default_factory=dict)
    documents: dict[str, DocumentSpec] = field(default_factory=dict)
    themes: dict[tuple[str, str], NamedSpec] = field(default_factory=dict)
    affected_persons: dict[str, NamedSpec] = field(default_factory=dict)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Ids of the recommendations created or updated, for what follows their changes (the search index).
    changed_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _fill_blank_names(obj, spec: NamedSpec) -> bool:
    changed = False
    for attr in ("name_ar", "name_fr", "name_en"):
        if getattr(spec, attr) and not getattr(obj, attr):
            setattr(obj, attr, getattr(spec, attr))
            changed = True
    return changed


def _ensure_mechanisms(specs: dict[str, NamedSpec]) -> dict[str, int]:
    existing = {m.code: m for m in Mechanism.objects.filter(code__in=list(specs))}
    for code, spec in specs.items():
        if code in existing:
            if _fill_blank_names(existing[code], spec):
                existing[code].save()
        else:
            existing[code] = Mechanism.objects.create(
                code=code, kind=spec.kind, name_ar=spec.name_ar, name_fr=spec.name_fr, name_en=spec.name_en or code
            )
    return {code: m.pk for code, m in existing.items()}


def _ensure_reviews(
    keys: set[ReviewKey], mechanism_ids: dict[str, int], state_ids: dict[str, int]
) -> dict[ReviewKey, int]:
    """Ids of the reviews with these keys, creating the missing ones (two queries, whatever the count)."""
    if not keys:
        return {}

    def key_of(review: Review) -> tuple:
        return (review.mechanism_id, review.state_id, review.cycle, review.session, review.year)

    wanted = {
        key: (mechanism_ids[key.mechanism], state_ids[key.state], key.cycle, key.session, key.year) for key in keys
    }
    existing = {}
    for review in Review.objects.filter(mechanism_id__in={w[0] for w in wanted.values()}).order_by("pk"):
        existing.setdefault(key_of(review), review.pk)
    missing = {w for w in wanted.values() if w not in existing}
    created = Review.objects.bulk_create(
        Review(mechanism_id=m, state_id=s, cycle=c, session=n, year=y) for m, s, c, n, y in sorted(missing, key=str)
    )
    existing.update({key_of(review): review.pk for review in created})
    return {key: existing[w] for key, w in wanted.items()}


def _ensure_documents(specs: dict[str, DocumentSpec], review_ids: dict[ReviewKey, int]) -> dict[str, int]:
    existing = {d.symbol: d for d in Document.objects.filter(symbol__in=list(specs))}
    for symbol, spec in specs.items():
        review_id = review_ids.get(spec.review) if spec.review else None
        document = existing.get(symbol)
        if document is None:
            existing[symbol] = Document.objects.create(symbol=symbol, review_id=review_id, date=spec.date)
        elif (review_id and not document.review_id) or (spec.date and not document.date):
            document.review_id = document.review_id or review_id
            document.date = document.date or spec.date
            document.save()
    return {symbol: d.pk for symbol, d in existing.items()}


def _ensure_named(model, specs: dict, key_fields: tuple[str, ...]) -> dict:
    """Get or create rows of a small vocabulary model (Theme, AffectedPerson) keyed on ``key_fields``."""
    ids = {}
    for key, spec in specs.items():
        lookup = dict(zip(key_fields, key if isinstance(key, tuple) else (key,)))
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, name_ar=spec.name_ar, name_fr=spec.name_fr, name_en=spec.name_en)
        elif _fill_blank_names(obj, spec):
            obj.save()
        ids[key] = obj.pk
    return ids


# name on Recommendation → (key function of the record, target attname in the through table)
M2M_FIELDS = ("recommending_states", "themes", "affected_persons", "sdg_targets", "national_axes")


def batch_write(batch: Batch, *, actor=None, label: str = "", progress: Progress | None = None) -> ImportResult:
    """Store a parsed batch: create new recommendations, update changed ones (keeping history), skip the rest.

    Must run inside ``transaction.atomic()``: on any exception the caller's transaction leaves the database as it was.
    """
    records = batch.records
    state_ids = dict(State.objects.values_list("iso3", "pk"))
    mechanism_ids = _ensure_mechanisms(batch.mechanisms)
    mechanism_ids.update(Mechanism.objects.filter(code__in={r.mechanism for r in records}).values_list("code", "pk"))
    review_keys = {r.review for r in records if r.review} | {d.review for d in batch.documents.values() if d.review}
    review_ids = _ensure_reviews(review_keys, mechanism_ids, state_ids)
    document_ids = _ensure_documents(batch.documents, review_ids)
    id_maps = {
        "recommending_states": state_ids,
        "themes": _ensure_named(Theme, batch.themes, ("vocabulary", "code")),
        "affected_persons": _ensure_named(AffectedPerson, batch.affected_persons, ("code",)),
        "sdg_targets": dict(SdgTarget.objects.values_list("code", "pk")),
        "national_axes": dict(NationalAxis.objects.values_list("code", "pk")),
    }
    if any(r.themes for r in records):
        id_maps["themes"].update({(v, c): pk for v, c, pk in Theme.objects.values_list("vocabulary", "code", "pk")})
    if any(r.affected_persons for r in records):
        id_maps["affected_persons"].update(AffectedPerson.objects.values_list("code", "pk"))
    key_of = {name: {pk: key for key, pk in id_map.items()} for name, id_map in id_maps.items()}
    institution_ids = dict(Institution.objects.values_list("code", "pk"))
    institution_codes = {pk: code for code, pk in institution_ids.items()}

    existing = {r.source_key: r for r in Recommendation.objects.filter(source=batch.source)}
    existing_ids = [r.pk for r in existing.values()]
    through = {name: getattr(Recommendation, name).through for name in M2M_FIELDS}
    target_attname = {name: getattr(Recommendation, name).field.m2m_reverse_name() for name in M2M_FIELDS}
    current_links: dict[str, dict[int, set[int]]] = {}
    for name in M2M_FIELDS:
        links = defaultdict(set)
        if existing_ids:
            rows = through[name].objects.filter(recommendation__source=batch.source)
            for rec_id, target_id in rows.values_list("recommendation_id", target_attname[name]):
                links[rec_id].add(target_id)
        current_links[name] = links
    current_assignments = defaultdict(dict)
    if existing_ids:
        for rec_id, inst_id, role in Assignment.objects.filter(recommendation__source=batch.source).values_list(
            "recommendation_id", "institution_id", "role"
        ):
            current_assignments[rec_id][inst_id] = role

    result = ImportResult()
    now = timezone.now()
    to_create: list[tuple[RecommendationRecord, Recommendation]] = []
    to_update: list[Recommendation] = []
    updated_fields: set[str] = set()
    history: list[HistoryEntry] = []
    link_rows = defaultdict(list)
    unlink = defaultdict(list)  # name → [Q]
    new_assignments: list[Assignment] = []
    changed_assignments: list[Assignment] = []
    wanted_links_of = {}

    for record in records:
        fk_values = {
            "state_id": state_ids[record.state],
            "mechanism_id": mechanism_ids[record.mechanism],
            "review_id": review_ids.get(record.review) if record.review else None,
            "document_id": document_ids.get(record.document) if record.document else None,
        }
        wanted = {
            "recommending_states": {state_ids[k] for k in record.recommending_states},
            "themes": {id_maps["themes"][k] for k in record.themes},
            "affected_persons": {id_maps["affected_persons"][k] for k in record.affected_persons},
            "sdg_targets": {id_maps["sdg_targets"][k] for k in record.sdg_targets},
            "national_axes": {id_maps["national_axes"][k] for k in record.national_axes},
        }
        wanted_assignments = {institution_ids[code]: role for code, role in record.assignments.items()}
        recommendation = existing.get(record.source_key)
        if recommendation is None:
            recommendation = Recommendation(
                source=batch.source, source_key=record.source_key, **fk_values, **record.values
            )
            to_create.append((record, recommendation))
            wanted_links_of[id(recommendation)] = (wanted, wanted_assignments)
        else:
            changes = {}
            for attr, value in {**fk_values, **record.values}.items():
                before = getattr(recommendation, attr)
                if before != value:
                    changes[attr.removesuffix("_id")] = (before, value)
                    setattr(recommendation, attr, value)
                    updated_fields.add(attr)
            for name, targets in wanted.items():
                have = current_links[name].get(recommendation.pk, set())
                if have != targets:
                    changes[name] = ([key_of[name].get(t) for t in have], [key_of[name].get(t) for t in targets])
                    for target in targets - have:
                        link_rows[name].append((recommendation.pk, target))
                    if have - targets:
                        unlink[name].append(
                            Q(recommendation_id=recommendation.pk, **{f"{target_attname[name]}__in": have - targets})
                        )
            have_assignments = current_assignments.get(recommendation.pk, {})
            if any(have_assignments.get(inst) != role for inst, role in wanted_assignments.items()):
                changes["assignments"] = (
                    [f"{institution_codes[i]}:{r}" for i, r in have_assignments.items()],
                    [f"{institution_codes[i]}:{r}" for i, r in {**have_assignments, **wanted_assignments}.items()],
                )
                for inst, role in wanted_assignments.items():
                    if inst not in have_assignments:
                        new_assignments.append(
                            Assignment(recommendation_id=recommendation.pk, institution_id=inst, role=role)
                        )
                    elif have_assignments[inst] != role:
                        changed_assignments.append(
                            Assignment(recommendation_id=recommendation.pk, institution_id=inst, role=role)
                        )
            if changes:
                recommendation.updated_at = now
                to_update.append(recommendation)
                history.append(
                    history_entry_build(
                        instance=recommendation,
                        action=HistoryEntry.Action.UPDATED,
                        changes=changes,
                        actor=actor,
                        source=label,
                    )
                )
                result.updated += 1
            else:
                result.unchanged += 1

    # Inserted in chunks so that the progress bar moves while the slowest part runs; ids are read back by key.
    created = [rec for _, rec in to_create]
    for start in range(0, len(created), 2000):
        instances_insert(Recommendation, created[start : start + 2000])
        if progress:
            progress(result.updated + result.unchanged + min(start + 2000, len(created)), len(records))
    if created:
        ids = dict(Recommendation.objects.filter(source=batch.source).values_list("source_key", "pk"))
        for recommendation in created:
            recommendation.pk = ids[recommendation.source_key]
    for recommendation in created:
        wanted, wanted_assignments = wanted_links_of[id(recommendation)]
        for name, targets in wanted.items():
            link_rows[name].extend((recommendation.pk, t) for t in targets)
        new_assignments.extend(
            Assignment(recommendation_id=recommendation.pk, institution_id=inst, role=role)
            for inst, role in wanted_assignments.items()
        )
        history.append(
            history_entry_build(
                instance=recommendation, action=HistoryEntry.Action.CREATED, changes={}, actor=actor, source=label
            )
        )
    result.created = len(created)
    result.changed_ids = [r.pk for r in to_update] + [r.pk for r in created]

    if to_update:
        Recommendation.objects.bulk_update(to_update, sorted(updated_fields | {"updated_at"}), batch_size=500)
        # An import is an edit like any other: a form opened before it must not overwrite it (rasd.core.versioning).
        updated_ids = [r.pk for r in to_update]
        for start in range(0, len(updated_ids), 500):
            Recommendation.objects.filter(pk__in=updated_ids[start : start + 500]).update(version=F("version") + 1)
    for name, conditions in unlink.items():
        for start in range(0, len(conditions), 200):
            query = Q()
            for condition in conditions[start : start + 200]:
                query |= condition
            through[name].objects.filter(query).delete()
    for name, rows in link_rows.items():
        rows_insert(through[name], ["recommendation_id", target_attname[name]], rows)
    instances_insert(Assignment, new_assignments)
    for assignment in changed_assignments:
        Assignment.objects.filter(
            recommendation_id=assignment.recommendation_id, institution_id=assignment.institution_id
        ).update(role=assignment.role)
    history_entries_insert(history)
    if progress:
        progress(len(records), len(records))
    return result
