"""Backup and restore: on SQLite the database (copied online) and the uploaded files come back as they were; on
PostgreSQL the database is pg_dump's job and the command saves the uploaded files."""

import datetime
import tarfile

import pytest
from django.core.management import call_command
from django.db import connection

from rasd.core.backup import BackupError, backup_create, backup_restore
from rasd.core.history import history_verify
from rasd.followup import services
from rasd.followup.models import Evidence
from tests.conftest import pdf, table_counts

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the database part is SQLite's")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL is backed up by pg_dump")


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_backup_brings_back_the_same_data_and_files_after_a_wipe(people, action, settings, tmp_path):
    update = services.progress_update_create(
        by=people.fatima, action=action, text="Preuve", date=datetime.date(2026, 3, 1), files=[pdf()]
    )
    evidence = update.evidence.get()
    content = evidence.file.read()
    before = table_counts()

    made = backup_create(output=tmp_path)
    assert made.database and made.files == 1

    call_command("flush", interactive=False, verbosity=0)
    evidence.file.delete(save=False)
    assert table_counts() != before

    restored = backup_restore(path=made.path)
    assert restored.database and restored.files == 1
    assert table_counts() == before
    assert Evidence.objects.get(pk=evidence.pk).file.read() == content
    assert history_verify().broken_at is None


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_the_backup_holds_the_files_and_refuses_an_sqlite_database(people, action, tmp_path):
    services.progress_update_create(
        by=people.fatima, action=action, text="Preuve", date=datetime.date(2026, 3, 1), files=[pdf()]
    )
    made = backup_create(output=tmp_path)
    assert not made.database and made.files == 1
    with tarfile.open(made.path) as archive:
        assert "database.sqlite3" not in archive.getnames()
    sqlite_backup = tmp_path / "sqlite.tar.gz"
    with tarfile.open(sqlite_backup, "w:gz") as archive:
        for name in ("database.sqlite3", "manifest.json"):
            (tmp_path / name).write_text("{}")
            archive.add(tmp_path / name, name)
    with pytest.raises(BackupError, match="uses PostgreSQL"):
        backup_restore(path=sqlite_backup)


@pytest.mark.django_db
def test_something_that_is_not_a_backup_is_refused_with_a_clear_message(tmp_path):
    stray = tmp_path / "notes.tar.gz"
    stray.write_bytes(b"not an archive")
    with pytest.raises(BackupError, match="is not a Rasd backup"):
        backup_restore(path=stray)
    with pytest.raises(BackupError, match="No backup at"):
        backup_restore(path=tmp_path / "missing.tar.gz")
