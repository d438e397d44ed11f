"""The two steps every service that creates or edits a record takes: validate and write the fields and
many-to-many links, and record in the history what changed, from what to what, by whom.

Edits go through ``rasd.core.versioning``: ``record_update`` writes only if the record is still at the version the
writer read.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models

from rasd.core.history import history_record
from rasd.core.models import HistoryEntry
from rasd.core.versioning import version_claim


def _value_of(instance: models.Model, name: str):
    value = getattr(instance, name)
    return value.pk if isinstance(value, models.Model) else value


def _links_of(instance: models.Model, name: str) -> set[int]:
    return set(getattr(instance, name).values_list("pk", flat=True))


def _ids(values: Iterable) -> set:
    return {v.pk if isinstance(v, models.Model) else v for v in values}


def _check(instance: models.Model, fields: Iterable[str]) -> None:
    """The model's own validation of the fields being written (choices, lengths, constraints between fields)."""
    exclude = [f.name for f in instance._meta.fields if f.name not in fields]
    instance.full_clean(exclude=exclude, validate_unique=False)


def values_split(values: dict[str, Any], field_names: tuple[str, ...], link_names: tuple[str, ...]):
    """``values`` as (fields, many-to-many links); a name that is neither is a programming error."""
    unknown = set(values) - set(field_names) - set(link_names)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return (
        {k: v for k, v in values.items() if k in field_names},
        {k: v for k, v in values.items() if k in link_names},
    )


def record_create(model, *, by, fields: dict[str, Any], links: dict[str, Iterable], **extra) -> models.Model:
    """A new ``model`` with ``fields`` (validated by the model), ``links`` and ``extra`` (set by the service, not
    by the writer: its author, its institution…); the history records the values given."""
    instance = model(**fields, **extra)
    _check(instance, fields)
    instance.save()
    changes = {
        name: (None, _value_of(instance, name)) for name in fields if _value_of(instance, name) not in ("", None)
    }
    for name, values in links.items():
        ids = _ids(values)
        getattr(instance, name).set(ids)
        if ids:
            changes[name] = (None, sorted(ids))
    history_record(instance=instance, action=HistoryEntry.Action.CREATED, changes=changes, actor=by)
    return instance


def record_update(instance: models.Model, *, by, version: int, fields: dict[str, Any], links: dict[str, Iterable]):
    """Write the changed ``fields`` and ``links`` of ``instance`` if it is still at ``version`` (else
    ``EditConflict``, and ``instance`` is left as it was); the history records each change."""
    before = {name: _value_of(instance, name) for name in fields}
    stored = {name: getattr(instance, instance._meta.get_field(name).attname) for name in fields}
    before_links = {name: _links_of(instance, name) for name in links}
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        _check(instance, fields)
        version_claim(instance=instance, expected=version)
    except Exception:
        for name, value in stored.items():
            setattr(instance, instance._meta.get_field(name).attname, value)
        raise
    changes = {
        name: (before[name], _value_of(instance, name)) for name in fields if before[name] != _value_of(instance, name)
    }
    has_updated_at = any(f.name == "updated_at" for f in instance._meta.fields)
    instance.save(update_fields=[*fields, "updated_at"] if has_updated_at else list(fields))
    for name, values in links.items():
        wanted = _ids(values)
        if wanted != before_links[name]:
            getattr(instance, name).set(wanted)
            changes[name] = (sorted(before_links[name]), sorted(wanted))
    if changes:
        history_record(instance=instance, action=HistoryEntry.Action.UPDATED, changes=changes, actor=by)
    return instance
