import io
import zipfile

import pytest

from rasd.followup.models import Assignment
from rasd.imports.errors import ImportRejected
from rasd.imports.services import import_file
from rasd.recommendations.models import ImplementationStatus, NationalAxis, Recommendation
from tests.conftest import DEMO_DIR, table_counts

pytestmark = pytest.mark.django_db


def demo_zip(replace: dict[str, tuple[str, str]] | None = None) -> bytes:
    """The demo data set as a ZIP upload, with optional (old, new) text replacements per file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(DEMO_DIR.glob("*.csv")):
            text = path.read_text(encoding="utf-8")
            if replace and path.name in replace:
                old, new = replace[path.name]
                assert old in text
                text = text.replace(old, new, 1)
            archive.writestr(f"didh_morocco/{path.name}", text)
    return buffer.getvalue()


def test_the_demo_set_has_the_real_moroccan_recommendations():
    demo = Recommendation.objects.filter(source=Recommendation.Source.DIDH, state__iso3="MAR")
    assert demo.count() == 742
    assert demo.exclude(text_ar="").count() == 547
    assert demo.exclude(text_fr="").count() == 742
    assert demo.filter(mechanism__code="UPR").count() == 166
    assert demo.filter(mechanism__kind="treaty_body").count() == 303
    assert demo.filter(mechanism__kind="special_procedure").count() == 273
    assert NationalAxis.objects.filter(parent=None).count() == 9
    assert NationalAxis.objects.exclude(parent=None).count() == 36


def test_upr_recommendations_carry_their_paragraph_document_and_recommending_states():
    recommendation = Recommendation.objects.get(source="didh", code="R144.123")
    assert recommendation.paragraph == "144.123"
    assert recommendation.document.symbol == "A/HRC/36/6"
    assert recommendation.review.cycle == 3
    assert recommendation.recommending_states.count() >= 1


def test_arabic_text_is_kept_and_the_literal_null_is_not():
    assert not Recommendation.objects.filter(text_ar="null").exists()
    assert Recommendation.objects.filter(text_ar__contains="التعذيب").count() > 10


def test_statuses_and_responsible_entities_come_from_the_didh_data():
    assert Recommendation.objects.filter(implementation_status=ImplementationStatus.IMPLEMENTED).count() == 268
    assert Assignment.objects.filter(recommendation__source="didh").count() == 1800


def test_importing_the_demo_set_again_adds_nothing():
    before = table_counts()
    result = import_file(source="didh", data=demo_zip(), name="didh.zip")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 742)
    assert table_counts() == before


def test_a_bad_status_in_one_row_refuses_the_whole_data_set():
    before = table_counts()
    bad = demo_zip({"recommendations.csv": (",Non réalisé,", ",Abandonné,")})
    with pytest.raises(ImportRejected) as refused:
        import_file(source="didh", data=bad, name="didh.zip")
    [error] = refused.value.errors
    assert error.column == "etat" and error.value == "Abandonné" and error.row > 1
    assert table_counts() == before


def test_a_zip_without_the_recommendations_file_is_refused_by_name():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("axes.csv", (DEMO_DIR / "axes.csv").read_text(encoding="utf-8"))
    with pytest.raises(ImportRejected, match="recommendations.csv"):
        import_file(source="didh", data=buffer.getvalue(), name="partial.zip")
