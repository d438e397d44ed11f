"""Backup and restore of an SQLite installation: the database, copied online (SQLite's backup API, consistent while
the server and the worker keep writing), and the uploaded files (evidence, import files), in one .tar.gz.

PostgreSQL is backed up with its own tools (pg_dump / pg_restore, see the README); ``backup`` then still saves the
uploaded files.
"""

import datetime
import json
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

DATABASE_MEMBER = "database.sqlite3"
MEDIA_MEMBER = "media"
MANIFEST_MEMBER = "manifest.json"


class BackupError(Exception):
    """A backup that cannot be made or restored, with a message for the person running the command."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    database: bool
    files: int


def _database_path() -> Path | None:
    if connection.vendor != "sqlite":
        return None
    return Path(connection.settings_dict["NAME"])


def backup_create(*, output: Path) -> BackupResult:
    """Write a backup to ``output`` (a .tar.gz; a folder gets a dated file name in it)."""
    if output.is_dir():
        output = output / f"rasd-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    database = _database_path()
    media = Path(settings.MEDIA_ROOT)
    files = [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DATABASE_MEMBER
        if database is not None:
            source = sqlite3.connect(database)
            target = sqlite3.connect(copy)
            with target:
                source.backup(target)  # page by page, consistent with what was committed when it began
            source.close()
            target.close()
        manifest = {
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "migrations": MigrationRecorder(connection).migration_qs.count(),
            "files": len(files),
        }
        with tarfile.open(output, "w:gz") as archive:
            if database is not None:
                archive.add(copy, DATABASE_MEMBER)
            for path in files:
                archive.add(path, f"{MEDIA_MEMBER}/{path.relative_to(media).as_posix()}")
            manifest_path = Path(tmp) / MANIFEST_MEMBER
            manifest_path.write_text(json.dumps(manifest, indent=2))
            archive.add(manifest_path, MANIFEST_MEMBER)
    return BackupResult(output, database is not None, len(files))


def backup_restore(*, path: Path) -> BackupResult:
    """Put back the database and the uploaded files of a backup made by ``backup_create``.

    The database is overwritten in place through SQLite's backup API (the server and the worker should be stopped:
    what they write meanwhile is lost); the uploaded files folder is replaced by the backup's.
    """
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    try:
        archive = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a Rasd backup (a .tar.gz made by `manage.py backup`): {exc}") from exc
    with archive, tempfile.TemporaryDirectory() as tmp:
        names = archive.getnames()
        if MANIFEST_MEMBER not in names:
            raise BackupError(f"{path} is not a Rasd backup: it has no {MANIFEST_MEMBER}.")
        archive.extractall(tmp, filter="data")  # no absolute paths, no "..", no links out of the folder
        database = _database_path()
        restored_database = DATABASE_MEMBER in names
        if restored_database:
            if database is None:
                raise BackupError("This backup holds an SQLite database; this installation uses PostgreSQL.")
            connection.close()
            source = sqlite3.connect(Path(tmp) / DATABASE_MEMBER)
            target = sqlite3.connect(database)
            with target:
                source.backup(target)
            source.close()
            target.close()
        media = Path(settings.MEDIA_ROOT)
        restored = Path(tmp) / MEDIA_MEMBER
        count = 0
        if media.exists():
            for old in sorted(media.rglob("*"), reverse=True):
                old.unlink() if old.is_file() or old.is_symlink() else old.rmdir()
        media.mkdir(parents=True, exist_ok=True)
        if restored.exists():
            for new in restored.rglob("*"):
                destination = media / new.relative_to(restored)
                if new.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                else:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(new.read_bytes())
                    count += 1
    return BackupResult(path, restored_database, count)
