"""Optimistic concurrency: two people editing the same record never silently overwrite each other.

A record that people edit carries a ``version`` number. A form or an API request sends back the version it was
read at; the write succeeds only if the record still has that version, and raises ``EditConflict`` otherwise —
the page then shows what changed, the API answers 409, and the second writer's input is kept for them to retry.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EditConflict(Exception):
    """The record was changed by someone else since the version the writer read."""

    def __init__(self, instance: models.Model, expected: int):
        self.instance, self.expected = instance, expected
        super().__init__(
            _("Someone else changed this record while you were editing it (version %(expected)s, now %(current)s).")
            % {"expected": expected, "current": instance.version}
        )


def version_claim(*, instance: models.Model, expected: int) -> None:
    """Move ``instance`` to its next version in the database if it is still at ``expected``, else ``EditConflict``.

    Call inside the transaction that writes the change, before writing: the conditional UPDATE holds the row until
    the transaction ends, so of two writers with the same ``expected`` exactly one succeeds, on SQLite and
    PostgreSQL alike. ``instance.version`` is set to the new version.
    """
    model = type(instance)
    claimed = model.objects.filter(pk=instance.pk, version=expected).update(version=models.F("version") + 1)
    if not claimed:
        raise EditConflict(model.objects.get(pk=instance.pk), expected)
    instance.version = expected + 1
