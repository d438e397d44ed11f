"""The reference data: the UPR Info issues are named in the three languages, and loading again refreshes the names of
an existing install without touching what hangs on them."""

import csv
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rasd.core.reference import reference_data_load
from rasd.recommendations.models import Theme
from tests.conftest import login

pytestmark = pytest.mark.django_db

ISSUES_FILE = Path(settings.BASE_DIR) / "data" / "reference" / "upr_info_issues.csv"
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def upr_info_issues() -> list[dict]:
    with open(ISSUES_FILE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_file_names_each_of_the_54_issues_in_french_and_in_arabic_letters():
    rows = upr_info_issues()
    assert len(rows) == 54
    for row in rows:
        assert row["name_fr"].strip() and row["name_ar"].strip(), row["issue"]
        assert ARABIC_LETTER.search(row["name_ar"]) and not LATIN_LETTER.search(row["name_ar"]), row["issue"]
        assert row["count_train_rows"].isdigit(), row["issue"]


def test_every_loaded_upr_info_issue_has_its_arabic_and_french_name():
    themes = Theme.objects.filter(vocabulary=Theme.Vocabulary.UPR_INFO)
    assert themes.count() == 54
    for theme in themes:
        assert theme.name_en == theme.code
        assert theme.name_fr.strip() and theme.name_ar.strip(), theme.code
        assert ARABIC_LETTER.search(theme.name_ar), theme.code


def test_a_theme_is_named_in_the_readers_language():
    theme = Theme.objects.get(vocabulary=Theme.Vocabulary.UPR_INFO, code="Asylum-seekers - refugees")
    names = {}
    for language in ("ar", "fr", "en"):
        with translation.override(language):
            names[language] = str(theme)
    assert names == {
        "ar": "ملتمسو اللجوء - اللاجئون",
        "fr": "Demandeurs d'asile – réfugiés",
        "en": "Asylum-seekers - refugees",
    }


def test_a_theme_without_an_arabic_name_falls_back_to_french_then_english():
    theme = Theme(vocabulary=Theme.Vocabulary.NATIONAL, code="test", name_fr="Justice (fr)", name_en="Justice")
    with translation.override("ar"):
        assert theme.name == "Justice (fr)"
        theme.name_fr = ""
        assert theme.name == "Justice"


def test_loading_again_gives_an_existing_install_the_new_names_and_keeps_its_links(recommendation):
    # An install made before the French and Arabic names existed: the issues carry their English name only.
    Theme.objects.filter(vocabulary=Theme.Vocabulary.UPR_INFO).update(name_fr="", name_ar="")
    women = Theme.objects.get(vocabulary=Theme.Vocabulary.UPR_INFO, code="Women's rights")
    recommendation.themes.add(women)
    before = set(Theme.objects.values_list("pk", "vocabulary", "code"))
    linked = set(recommendation.themes.values_list("pk", flat=True))

    reference_data_load()
    reference_data_load()

    women.refresh_from_db()
    assert (women.name_ar, women.name_fr, women.name_en) == ("حقوق المرأة", "Droits des femmes", "Women's rights")
    assert set(Theme.objects.values_list("pk", "vocabulary", "code")) == before
    assert set(recommendation.themes.values_list("pk", flat=True)) == linked
    assert not Theme.objects.filter(vocabulary=Theme.Vocabulary.UPR_INFO, name_ar="").exists()


def test_the_arabic_detail_page_names_the_upr_info_issue_in_arabic(client, people, recommendation):
    recommendation.themes.add(Theme.objects.get(vocabulary=Theme.Vocabulary.UPR_INFO, code="Women's rights"))
    login(client, people.alice)
    client.cookies["django_language"] = "ar"
    body = client.get(reverse("recommendation_detail", args=[recommendation.pk])).content.decode()
    assert "حقوق المرأة" in body
    assert "Women&#x27;s rights" not in body
