"""The change history is tamper-evident: each entry's digest covers its content and the previous entry's digest,
and `manage.py verify_history` finds the first entry that does not follow."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rasd.core.history import history_verify
from rasd.core.models import HistoryEntry
from rasd.followup import services

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("verify_history", stdout=out)
    return out.getvalue()


def test_the_chain_holds_after_an_import_and_the_follow_up_workflow(people, action):
    update = services.progress_update_create(by=people.fatima, action=action, text="x", date=datetime.date(2026, 1, 1))
    services.report_submit(report=update, by=people.fatima, version=update.version)
    check = history_verify()
    assert check.broken_at is None and check.entries == HistoryEntry.objects.count() > 742  # the demo import too
    assert f"{check.entries:,} entries" in verify()


def test_an_edited_entry_is_found(people, action):
    entry = HistoryEntry.objects.filter(object_id=str(action.pk), content_type__model="action").get()
    HistoryEntry.objects.filter(pk=entry.pk).update(changes={"title": [None, "Another title"]})
    assert history_verify().broken_at == entry.pk
    with pytest.raises(CommandError, match=f"entry {entry.pk} does not follow"):
        verify()


def test_a_removed_entry_is_found_at_the_next_one(people, action):
    first, second = HistoryEntry.objects.order_by("-id")[1], HistoryEntry.objects.order_by("-id")[0]
    first.delete()
    assert history_verify().broken_at == second.pk


def test_a_deleted_account_leaves_the_chain_and_the_name_of_who_acted(people, action):
    entry = HistoryEntry.objects.filter(object_id=str(action.pk), content_type__model="action").get()
    people.fatima.delete()
    entry.refresh_from_db()
    assert entry.actor is None and entry.actor_name == "fatima"
    assert history_verify().broken_at is None
