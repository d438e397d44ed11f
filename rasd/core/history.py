"""Writing and reading the change history (the institution's memory)."""

import datetime
import decimal
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from rasd.core.bulk import instances_insert
from rasd.core.models import HistoryEntry


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, tuple):  # a composite key such as (vocabulary, code): keep its order
        return [_jsonable(v) for v in value]
    if isinstance(value, (list, set)):
        return sorted((_jsonable(v) for v in value), key=str)
    return str(value)


def history_entry_build(
    *, instance: models.Model, action: str, changes: dict, actor=None, source: str = "", note: str = ""
) -> HistoryEntry:
    """An unsaved entry, for callers that write many at once with ``history_entries_insert``."""
    return HistoryEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        action=action,
        changes={field: [_jsonable(before), _jsonable(after)] for field, (before, after) in changes.items()},
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        source=source,
        note=note,
        at=timezone.now(),
    )


def history_record(
    *, instance: models.Model, action: str, changes: dict, actor=None, source: str = "", note: str = ""
) -> HistoryEntry:
    entry = history_entry_build(
        instance=instance, action=action, changes=changes, actor=actor, source=source, note=note
    )
    history_entries_insert([entry], with_ids=True)
    return entry


# The chain ----------------------------------------------------------------------------------------------------------
#
# Each entry's digest covers its content and the digest of the entry written before it (by id). Entries are chained
# and inserted inside one transaction that holds the chain: SQLite's write transactions already exclude each other
# (IMMEDIATE); on PostgreSQL an advisory lock held until the transaction ends does the same, so two writers never
# chain to the same predecessor.

CHAIN_LOCK = 7361_2026  # the advisory lock's key on PostgreSQL: any constant no other code uses


def entry_digest(entry: HistoryEntry, previous: str) -> str:
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    payload = json.dumps(
        [
            previous,
            f"{content_type.app_label}.{content_type.model}",
            entry.object_id,
            entry.action,
            entry.changes,
            entry.note,
            entry.actor_name,
            entry.source,
            entry.at.astimezone(datetime.UTC).isoformat(),
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def history_entries_insert(entries: list[HistoryEntry], *, with_ids: bool = False) -> None:
    """Chain and insert entries in one transaction (``with_ids``: one by one, so that each gets its id)."""
    if not entries:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        previous = HistoryEntry.objects.order_by("-id").values_list("digest", flat=True).first() or ""
        for entry in entries:
            entry.digest = previous = entry_digest(entry, previous)
        if with_ids:
            for entry in entries:
                entry.save()
        else:
            instances_insert(HistoryEntry, entries)


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    broken_at: int | None  # the id of the first entry whose digest does not follow, None when the chain holds
    last_digest: str


def history_verify() -> ChainCheck:
    """Recompute the chain from the first entry: an entry edited, inserted or removed shows as the first entry
    whose stored digest differs from the one its content and predecessor give."""
    previous, count = "", 0
    for entry in HistoryEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.digest != entry_digest(entry, previous):
            return ChainCheck(count, entry.pk, previous)
        previous = entry.digest
    return ChainCheck(count, None, previous)


def history_of(*, instances: Iterable[models.Model]) -> models.QuerySet[HistoryEntry]:
    """The entries of several records at once (a recommendation with its assignments, actions and updates)."""
    keys: dict[ContentType, set[str]] = {}
    for instance in instances:
        keys.setdefault(ContentType.objects.get_for_model(instance), set()).add(str(instance.pk))
    if not keys:
        return HistoryEntry.objects.none()
    condition = models.Q()
    for content_type, ids in keys.items():
        condition |= models.Q(content_type=content_type, object_id__in=ids)
    return HistoryEntry.objects.filter(condition).select_related("actor", "content_type")


def history_for(*, instance: models.Model) -> Iterable[HistoryEntry]:
    return HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    """One history entry as a reader sees it: what record, who, when, which fields from what to what, and why."""

    entry: HistoryEntry
    subject: str  # "Progress update: …", or "" when the timeline is of the record itself
    changes: list[FieldChange]

    @property
    def note(self) -> str:
        return self.entry.note


def timeline(entries: Iterable[HistoryEntry], *, own: models.Model | None = None) -> list[TimelineEntry]:
    """Entries (newest first) described for reading: each field named in the reader's language, each stored value
    shown as its label (a choice's label, a related record's name), and the record it concerns unless ``own``."""
    entries = list(entries)
    subjects = _subjects(entries)
    references = _references(entries)
    result = []
    for entry in entries:
        model = entry.content_type.model_class()
        subject = ""
        if own is None or (entry.content_type.model_class(), entry.object_id) != (type(own), str(own.pk)):
            record = subjects.get((entry.content_type_id, entry.object_id))
            subject = _("%(kind)s: %(record)s") % {
                "kind": capfirst(model._meta.verbose_name),
                "record": record if record is not None else f"#{entry.object_id}",
            }
        # In the model's order: PostgreSQL's JSON does not keep the order the changes were recorded in.
        names = sorted(entry.changes, key=lambda name: _field_order(model).get(name, len(_field_order(model))))
        changes = [_field_change(model, name, entry.changes[name], references) for name in names]
        result.append(TimelineEntry(entry, subject, changes))
    return result


@functools.cache
def _field_order(model) -> dict[str, int]:
    return {field.name: index for index, field in enumerate(model._meta.get_fields())}


def _subjects(entries: list[HistoryEntry]) -> dict:
    wanted: dict[ContentType, set[str]] = {}
    for entry in entries:
        wanted.setdefault(entry.content_type, set()).add(entry.object_id)
    found = {}
    for content_type, ids in wanted.items():
        model = content_type.model_class()
        if model is None:
            continue
        valid = [i for i in ids if i.isdigit()]
        for record in model._default_manager.filter(pk__in=valid):
            found[(content_type.pk, str(record.pk))] = record
    return found


def _references(entries: list[HistoryEntry]) -> dict:
    """The names of the records that changed fields point to (an institution's id → its name), in few queries."""
    wanted: dict[type, set] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, pair in entry.changes.items():
            related = _related_model(model, name)
            if related is None:
                continue
            for value in pair:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int):
                        wanted.setdefault(related, set()).add(item)
    return {
        (related, record.pk): str(record)
        for related, ids in wanted.items()
        for record in related._default_manager.filter(pk__in=ids)
    }


def _related_model(model, name: str):
    try:
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None
    return field.related_model if (field.many_to_many or field.many_to_one) else None


def _field_change(model, name: str, pair, references: dict) -> FieldChange:
    before, after = (list(pair) + [None, None])[:2]
    try:
        field = None if name in EXTRA_LABELS else model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed: its history stays readable under its old name
        field = None
    if field is None:
        return FieldChange(capfirst(str(EXTRA_LABELS.get(name, name))), _display(before), _display(after))
    related = _related_model(model, name)
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}

    def shown(value):
        if related is not None:
            items = value if isinstance(value, list) else [value]
            names = [references.get((related, item), item) for item in items if item is not None]
            return names if isinstance(value, list) else (names[0] if names else None)
        if isinstance(value, list):
            return value
        return _localised(field, choices.get(value, value))

    return FieldChange(
        capfirst(str(getattr(field, "verbose_name", name))), _display(shown(before)), _display(shown(after))
    )


def _localised(field, value):
    """A stored date or number as the reader's language writes it ("2026-11-29" → "29 نوفمبر، 2026")."""
    if not isinstance(value, str) or not value:
        return value
    try:
        if isinstance(field, models.DateTimeField):
            return formats.date_format(datetime.datetime.fromisoformat(value), "DATETIME_FORMAT")
        if isinstance(field, models.DateField):
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        if isinstance(field, models.DecimalField):
            return formats.number_format(decimal.Decimal(value), use_l10n=True, force_grouping=True)
    except (ValueError, decimal.InvalidOperation):
        pass  # a value recorded in another form: shown as it was recorded
    return value


# Changes recorded under a name that is not a model field.
EXTRA_LABELS = {"evidence": _("evidence file"), "published": _("published on the portal")}


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)
