"""The UHRI export importer: mapping, re-imports that update without duplicating, and files it must refuse.

The fixtures are written by ``tests/fixtures/uhri/make_fixtures.py``.
"""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest

from rasd.core.history import history_for
from rasd.core.models import HistoryEntry
from rasd.imports.errors import ImportRejected
from rasd.imports.services import import_file
from rasd.imports.sources import uhri
from rasd.recommendations.models import ImplementationStatus, Recommendation
from tests.conftest import table_counts

FIXTURES = Path(__file__).parent / "fixtures" / "uhri"
XLSX = FIXTURES / "uhri_export.xlsx"
CSV = FIXTURES / "uhri_export.csv"
NEWER = FIXTURES / "uhri_export_newer.xlsx"
ROWS = 12

VIOLENCE_LAW = "3f1c2a9e-8b1d-4c52-9e0a-6a1f0b7d2c04"  # Morocco UPR 37.120
STATELESSNESS = "3f1c2a9e-8b1d-4c52-9e0a-6a1f0b7d2c02"  # Morocco UPR 37.8, noted
JUDICIARY = "3f1c2a9e-8b1d-4c52-9e0a-6a1f0b7d2c03"  # Morocco UPR 37.45, spreadsheet row 4
RURAL_WOMEN = "c0d1e2f3-a4b5-4c6d-8e7f-9a0b1c2d3e01"  # CEDAW 49
CORPORAL_PUNISHMENT = "d9e8f7a6-b5c4-4d3e-9f2a-1b0c9d8e7f01"  # CRC 25, published on Excel day 45000
PRISONS = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a01"  # SR on torture


def uhri_records():
    return Recommendation.objects.filter(source=Recommendation.Source.UHRI)


def record(key: str) -> Recommendation:
    return uhri_records().get(source_key=key)


def xlsx_with(changes: dict[tuple[int, str], object]) -> bytes:
    """The XLSX fixture with some cells replaced: {(spreadsheet row, column): value}."""
    workbook = openpyxl.load_workbook(XLSX)
    sheet = workbook.active
    columns = [cell.value for cell in sheet[1]]
    for (row, column), value in changes.items():
        sheet.cell(row=row, column=columns.index(column) + 1).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_with(old: str, new: str) -> bytes:
    text = CSV.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new).encode()


def test_list_cells_are_split_into_items_without_their_dash():
    assert uhri._items("- Spain\n- Iran (Islamic Republic of)\r\n- Türkiye") == [
        "Spain",
        "Iran (Islamic Republic of)",
        "Türkiye",
    ]
    assert uhri._items("- 16.3 - Promote the rule of law") == ["16.3 - Promote the rule of law"]
    assert uhri._items("- CEDAW") == ["CEDAW"]
    assert uhri._items(41) == ["41"]
    assert uhri._items(None) == [] and uhri._items("") == [] and uhri._items("-\n  ") == []


@pytest.mark.parametrize(
    "text, paragraph, rest",
    [
        ("Rural women 49.The Committee notes…", "49", "The Committee notes…"),
        ("49. The Committee notes…", "49", "The Committee notes…"),
        ("144.12 Ratify the Convention", "144.12", "Ratify the Convention"),
        ("144.12. Ratify the Convention", "144.12", "Ratify the Convention"),
        ("Ratify the Convention by 2025. Then report", "", "Ratify the Convention by 2025. Then report"),
        (
            "The Committee recalls its general recommendation No. 34 (2016).",
            "",
            "The Committee recalls its general recommendation No. 34 (2016).",
        ),
    ],
)
def test_heading_and_paragraph_number_are_taken_off_the_text(text, paragraph, rest):
    assert uhri._paragraph(text) == (paragraph, rest)


@pytest.mark.parametrize(
    "cell, date",
    [
        (45000, datetime.date(2023, 3, 15)),
        (45000.75, datetime.date(2023, 3, 15)),
        ("45000", datetime.date(2023, 3, 15)),
        ("46125.4996282407", datetime.date(2026, 4, 13)),
        ("2023-03-15", datetime.date(2023, 3, 15)),
        ("- 2023-03-15T00:00:00", datetime.date(2023, 3, 15)),
        (datetime.datetime(2023, 3, 15, 12, 0), datetime.date(2023, 3, 15)),
        (None, None),
        ("", None),
    ],
)
def test_dates_are_read_from_excel_serials_iso_dates_and_spreadsheet_dates(cell, date):
    assert uhri._date(cell) == date


@pytest.mark.parametrize("cell", ["31/02/2023", "2023-02-31", "2023-03-15 or so", "soon", 0, -5, 10**12, "nan", "inf"])
def test_anything_else_is_not_a_date(cell):
    with pytest.raises(ValueError):
        uhri._date(cell)


@pytest.mark.django_db
def test_xlsx_export_creates_one_recommendation_per_row():
    result = import_file(source="uhri", data=XLSX)

    assert (result.created, result.updated, result.unchanged) == (ROWS, 0, 0)
    assert uhri_records().count() == ROWS
    assert set(uhri_records().values_list("state__iso3", flat=True)) == {"MAR", "TUN", "JOR"}


@pytest.mark.django_db
def test_upr_row_is_mapped_to_its_review_states_position_and_taxonomies():
    import_file(source="uhri", data=XLSX)

    recommendation = record(VIOLENCE_LAW)
    assert recommendation.state.iso3 == "MAR"
    assert recommendation.mechanism.code == "UPR"
    assert recommendation.kind == Recommendation.Kind.RECOMMENDATION
    assert recommendation.paragraph == "37.120"
    assert recommendation.text_en.startswith("Adopt a comprehensive law to combat violence against women")
    assert (recommendation.text_ar, recommendation.text_fr, recommendation.original_language) == ("", "", "en")
    assert recommendation.position == "supported"
    assert recommendation.date == datetime.date(2023, 1, 4) and recommendation.year == 2023
    assert recommendation.implementation_status == ImplementationStatus.NOT_STARTED
    assert set(recommendation.recommending_states.values_list("iso3", flat=True)) == {"ESP", "IRN", "GBR"}
    assert set(recommendation.themes.values_list("vocabulary", "code")) == {
        ("uhri", "Violence against women"),
        ("uhri", "Women's rights"),
    }
    assert set(recommendation.affected_persons.values_list("code", flat=True)) == {"Women", "Girls"}
    assert set(recommendation.sdg_targets.values_list("code", flat=True)) == {"5.2", "5.c"}
    review = recommendation.review
    assert (review.mechanism.code, review.state.iso3, review.cycle, review.session, review.year) == (
        "UPR",
        "MAR",
        4,
        41,
        2023,
    )
    assert recommendation.document.symbol == "A/HRC/52/7"
    assert recommendation.document.review == review
    assert recommendation.document.date == datetime.date(2023, 1, 4)


@pytest.mark.django_db
def test_treaty_body_row_loses_its_heading_and_keeps_its_paragraph_number():
    import_file(source="uhri", data=XLSX)

    observation = record(RURAL_WOMEN)
    assert observation.mechanism.code == "CEDAW"
    assert observation.kind == Recommendation.Kind.OBSERVATION
    assert observation.paragraph == "49"
    assert observation.text_en.startswith("The Committee notes with concern that rural women")
    assert observation.position == ""
    assert observation.document.symbol == "CEDAW/C/MAR/CO/5-6"
    assert (observation.review.cycle, observation.review.session, observation.review.year) == (None, None, 2022)


@pytest.mark.django_db
def test_excel_day_45000_is_15_march_2023():
    import_file(source="uhri", data=XLSX)

    assert record(CORPORAL_PUNISHMENT).date == datetime.date(2023, 3, 15)


@pytest.mark.django_db
def test_special_rapporteur_row_is_filed_under_a_special_procedure():
    import_file(source="uhri", data=XLSX)

    mechanism = record(PRISONS).mechanism
    assert (mechanism.code, mechanism.kind) == ("SR on torture", "special_procedure")
    assert record(PRISONS).paragraph == "100"


def test_unknown_bodies_become_special_procedures_or_other_bodies(db):
    data = csv_with("- SR on torture", "- WG on business and human rights").replace(b",- CAT,", b",- ILO,")

    batch = uhri.parse(data, name="uhri.csv")

    assert batch.mechanisms["WG on business and human rights"].kind == "special_procedure"
    assert batch.mechanisms["ILO"].kind == "other"


@pytest.mark.django_db
def test_sdg_goal_without_a_target_is_skipped():
    import_file(source="uhri", data=XLSX)

    assert set(record(JUDICIARY).sdg_targets.values_list("code", flat=True)) == {"16.3"}


@pytest.mark.django_db
def test_upr_recommendation_without_a_position_is_pending():
    data = xlsx_with({(4, "UPR Position"): None})

    import_file(source="uhri", data=data, name="uhri.xlsx")

    assert record(JUDICIARY).position == "pending"


@pytest.mark.django_db
def test_csv_export_reads_exactly_like_the_xlsx_export():
    assert uhri.parse(CSV) == uhri.parse(XLSX)

    import_file(source="uhri", data=XLSX)
    result = import_file(source="uhri", data=CSV)

    assert (result.created, result.updated, result.unchanged) == (0, 0, ROWS)


@pytest.mark.django_db
def test_reimporting_the_same_export_changes_nothing():
    import_file(source="uhri", data=XLSX)
    before = table_counts()

    result = import_file(source="uhri", data=XLSX)

    assert (result.created, result.updated, result.unchanged) == (0, 0, ROWS)
    assert table_counts() == before


@pytest.mark.django_db
def test_annotation_ids_match_whatever_their_case():
    import_file(source="uhri", data=CSV)
    text = CSV.read_text(encoding="utf-8")
    for key in uhri_records().values_list("source_key", flat=True):
        text = text.replace(key, key.upper())

    result = import_file(source="uhri", data=text.encode(), name="uhri.csv")

    assert result.unchanged == ROWS


@pytest.mark.django_db
def test_newer_export_updates_changed_rows_adds_new_ones_and_keeps_the_history():
    import_file(source="uhri", data=XLSX)
    old_text = record(CORPORAL_PUNISHMENT).text_en

    result = import_file(source="uhri", data=NEWER)

    assert (result.created, result.updated, result.unchanged) == (2, 3, ROWS - 3)
    assert uhri_records().count() == ROWS + 2
    assert uhri_records().values("source_key").distinct().count() == ROWS + 2

    corrected = record(CORPORAL_PUNISHMENT)
    assert "schools and alternative care settings" in corrected.text_en
    [entry] = history_for(instance=corrected).filter(action=HistoryEntry.Action.UPDATED)
    assert entry.changes["text_en"] == [old_text, corrected.text_en]

    [entry] = history_for(instance=record(STATELESSNESS)).filter(action=HistoryEntry.Action.UPDATED)
    assert entry.changes["position"] == ["noted", "supported"]

    [entry] = history_for(instance=record(VIOLENCE_LAW)).filter(action=HistoryEntry.Action.UPDATED)
    before, after = entry.changes["themes"]
    assert {code for theme in before for code in theme} == {"uhri", "Violence against women", "Women's rights"}
    assert {code for theme in after for code in theme} == {
        "uhri",
        "Violence against women",
        "Women's rights",
        "Domestic violence",
    }
    assert set(record(VIOLENCE_LAW).themes.values_list("code", flat=True)) == {
        "Violence against women",
        "Women's rights",
        "Domestic violence",
    }
    assert not history_for(instance=record(JUDICIARY)).filter(action=HistoryEntry.Action.UPDATED).exists()


@pytest.mark.django_db
def test_status_and_translation_set_in_rasd_survive_a_reimport():
    import_file(source="uhri", data=XLSX)
    uhri_records().filter(source_key=JUDICIARY).update(
        implementation_status=ImplementationStatus.IN_PROGRESS, text_fr="Poursuivre ses efforts…", code="R37.45"
    )

    result = import_file(source="uhri", data=NEWER)

    judiciary = record(JUDICIARY)
    assert (judiciary.implementation_status, judiciary.text_fr, judiciary.code) == (
        ImplementationStatus.IN_PROGRESS,
        "Poursuivre ses efforts…",
        "R37.45",
    )
    assert result.updated == 3
    # Each record the re-import changed moved to its next version: a form opened before it meets a conflict.
    assert uhri_records().filter(version=2).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, row, column, value",
    [
        (csv_with(JUDICIARY, "3f1c2a9e-not-a-uuid"), 4, "OHCHR Annotation Id", "3f1c2a9e-not-a-uuid"),
        (csv_with("- Jordan", "- Atlantis"), 13, "Countries Concerned", "Atlantis"),
        (csv_with("- Qatar", "- Gondor"), 4, "UPR Reccomending States", "Gondor"),
        (xlsx_with({(11, "Document Publication Date"): "31/02/2023"}), 11, "Document Publication Date", "31/02/2023"),
        (xlsx_with({(2, "Date of publication on UHRI"): "yesterday"}), 2, "Date of publication on UHRI", "yesterday"),
        (xlsx_with({(4, "UPR Position"): "- Maybe"}), 4, "UPR Position", "Maybe"),
        (xlsx_with({(4, "Type"): "- Pledges"}), 4, "Type", "Pledges"),
        (xlsx_with({(4, "UPR Session"): "- forty-one"}), 4, "UPR Session", "forty-one"),
        (xlsx_with({(4, "Sdgs"): "- 18.1 - Imaginary target"}), 4, "Sdgs", "18.1 - Imaginary target"),
        (xlsx_with({(4, "Text"): "   "}), 4, "Text", ""),
        (xlsx_with({(4, "OHCHR Annotation Id"): VIOLENCE_LAW}), 5, "OHCHR Annotation Id", VIOLENCE_LAW),
    ],
    ids=[
        "uuid",
        "country",
        "recommending-state",
        "date",
        "uhri-date",
        "position",
        "type",
        "session",
        "sdg",
        "text",
        "duplicate",
    ],
)
def test_file_with_one_bad_row_is_refused_naming_row_column_and_value(data, row, column, value):
    before = table_counts()

    with pytest.raises(ImportRejected) as refused:
        import_file(source="uhri", data=data, name="uhri.xlsx" if data[:2] == b"PK" else "uhri.csv")

    [error] = refused.value.errors
    assert (error.row, error.column, error.value) == (row, column, value)
    assert table_counts() == before


@pytest.mark.django_db
def test_truncated_workbook_is_refused():
    data = XLSX.read_bytes()
    before = table_counts()

    with pytest.raises(ImportRejected) as refused:
        import_file(source="uhri", data=data[: len(data) // 2], name="uhri.xlsx")

    assert "damaged or truncated" in str(refused.value)
    assert table_counts() == before


@pytest.mark.django_db
def test_cell_holding_a_formula_is_refused():
    with pytest.raises(ImportRejected) as refused:
        import_file(source="uhri", data=xlsx_with({(3, "Text"): "=1+1"}), name="uhri.xlsx")

    [error] = refused.value.errors
    assert (error.row, error.column) == (3, "Text")
    assert "formula" in error.message


@pytest.mark.django_db
def test_missing_required_column_is_refused_naming_it():
    data = csv_with("OHCHR Annotation Id", "Annotation")

    with pytest.raises(ImportRejected) as refused:
        import_file(source="uhri", data=data, name="uhri.csv")

    assert "OHCHR Annotation Id" in str(refused.value)
    assert not uhri_records().exists()


@pytest.mark.django_db
def test_optional_columns_may_be_missing():
    workbook = openpyxl.Workbook()
    workbook.active.append(
        ["Text", "Countries Concerned", "Reccomending Body", "Document Symbol", "Type", "OHCHR Annotation Id"]
    )
    workbook.active.append(
        [
            "12. The State party should ensure fundamental legal safeguards.",
            "- Jordan",
            "- CAT",
            "- CAT/C/JOR/CO/3",
            "- Recommendations",
            "f4a5b6c7-d8e9-4f0a-8b1c-2d3e4f5a6b01",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    import_file(source="uhri", data=buffer.getvalue(), name="uhri.xlsx")

    recommendation = uhri_records().get()
    assert (recommendation.paragraph, recommendation.date, recommendation.position) == ("12", None, "")
