"""Shared fixtures. The test database starts with the reference data and the DIDH demo set (real Moroccan data)."""

from pathlib import Path

import pytest
from django.conf import settings

from rasd.core.reference import reference_data_load

DEMO_DIR = Path(settings.BASE_DIR) / "data" / "demo" / "didh_morocco"
UPR_INFO_FILE = Path(settings.BASE_DIR) / "data" / "samples" / "upr_info_2008_2014.csv"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django_tasks_db.models import DBTaskResult

    from rasd.imports.services import import_file

    with django_db_blocker.unblock():
        reference_data_load()
        import_file(source="didh", data=DEMO_DIR)
        # The demo import queued its embeddings for the worker; tests that need vectors compute their own.
        DBTaskResult.objects.all().delete()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a page rendered in Arabic by one test must not change the next one's messages."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, not to the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def table_counts() -> dict[str, int]:
    """Rows in every table of the project, to prove that a refused import changed nothing."""
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}
