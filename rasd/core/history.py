"""Writing and reading the change history (the institution's memory)."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

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
    *, instance: models.Model, action: str, changes: dict, actor=None, source: str = ""
) -> HistoryEntry:
    """An unsaved entry, for callers that write many at once with ``bulk_create``."""
    return HistoryEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        action=action,
        changes={field: [_jsonable(before), _jsonable(after)] for field, (before, after) in changes.items()},
        actor=actor,
        source=source,
    )


def history_record(*, instance: models.Model, action: str, changes: dict, actor=None, source: str = "") -> HistoryEntry:
    entry = history_entry_build(instance=instance, action=action, changes=changes, actor=actor, source=source)
    entry.save()
    return entry


def history_for(*, instance: models.Model) -> Iterable[HistoryEntry]:
    return HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor")
