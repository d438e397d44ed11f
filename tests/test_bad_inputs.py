"""Every file of the bad-input corpus (tests/fixtures/bad_inputs/, listed in its README.md) is refused, by the
command line and by the upload page alike, with a report that names the problem (and its row, column and value
where it has them), and the database is left exactly as it was.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from rasd.imports.errors import ImportRejected, RowError
from rasd.imports.forms import ImportForm
from rasd.imports.models import ImportJob
from rasd.imports.services import import_file, import_job_create, import_job_run
from rasd.recommendations.models import Recommendation
from tests.conftest import DEMO_DIR, table_counts

CORPUS = Path(__file__).parent / "fixtures" / "bad_inputs"


@dataclass(frozen=True)
class Bad:
    source: str
    says: tuple[str, ...]  # what the report says, in English
    where: tuple[tuple[int | None, str], ...] = ()  # (row, column) of each problem; () for a whole-file refusal


UPR, UHRI, DIDH = "upr_info", "uhri", "didh"
FORMULA = "spreadsheet formula; import values only"
NOT_A_WORKBOOK = "not a valid Excel workbook (.xlsx); it may be damaged or truncated"

REFUSED = {
    # Encodings
    "upr_info_windows1256.csv": Bad(UPR, ("not UTF-8", "line 2", "Windows-1256", "CSV UTF-8")),
    "upr_info_latin1.csv": Bad(UPR, ("not UTF-8", "byte 0xE9 on line 3")),
    "upr_info_utf16le_no_bom.csv": Bad(UPR, ("encoded as UTF-16", "CSV UTF-8")),
    "upr_info_utf16_bom.csv": Bad(UPR, ("encoded as UTF-16",)),
    # Empty and shapeless
    "upr_info_empty.csv": Bad(UPR, ("The file is empty.",)),
    "upr_info_blank_lines_only.csv": Bad(UPR, ("The file is empty.",)),
    "upr_info_header_only.csv": Bad(UPR, ("The file has a header but no rows.",)),
    "upr_info_missing_columns.csv": Bad(UPR, ("Missing columns: Response, Action.", "The header has: source_file")),
    "upr_info_duplicate_column.csv": Bad(UPR, ("The column “Text” appears twice in the header.",)),
    "upr_info_duplicate_keys.csv": Bad(
        UPR, ("bad-inputs.csv:1", "same source file and row number as row 2"), ((4, "row_in_file"),)
    ),
    "upr_info_too_many_columns.csv": Bad(UPR, ("The header has 5009 columns", "at most 500")),
    "upr_info_too_many_cells.csv": Bad(UPR, ("row 3", "The row has 12 cells but the header has 9 columns.")),
    "upr_info_unclosed_quote.csv": Bad(UPR, ("A quotation mark opened in row 3 is never closed",)),
    "upr_info_long_line.csv": Bad(UPR, ("The cell holds 175000 characters; the limit is 100000.",), ((2, "Text"),)),
    # Not a CSV file at all
    "upr_info_json.csv": Bad(UPR, ("The file holds JSON data, not a CSV table",)),
    "upr_info_html.csv": Bad(UPR, ("The file is a web page (HTML) or XML, not a CSV table",)),
    "upr_info_pdf.csv": Bad(UPR, ("The file is a PDF document, not a CSV or Excel (.xlsx) table.",)),
    "upr_info_binary_garbage.csv": Bad(UPR, ("The file contains binary data: it is not a CSV text file.",)),
    # Formulas
    "upr_info_formula_equals.csv": Bad(UPR, (FORMULA, '=HYPERLINK("http://example.invalid'), ((2, "Text"),)),
    "upr_info_formula_dde.csv": Bad(UPR, (FORMULA, "=cmd|' /C calc'!A0"), ((3, "Text"),)),
    "upr_info_formula_plus_minus_at.csv": Bad(
        UPR, (FORMULA, "+SUM(1,2)", "-2+3+cmd|", "@HYPERLINK("), ((2, "Text"), (3, "Text"), (4, "Text"))
    ),
    # Wrong values
    "upr_info_text_in_session.csv": Bad(
        UPR, ("“twelfth”", "Expected the number of a UPR Working Group session"), ((2, "Session"),)
    ),
    "upr_info_action_out_of_range.csv": Bad(UPR, ("“9”", "Expected a whole number from 1 to 5."), ((3, "Action"),)),
    "upr_info_empty_text.csv": Bad(UPR, ("The recommendation has no text.",), ((2, "Text"),)),
    "upr_info_unknown_state.csv": Bad(UPR, ("“Atlantis”", "Unknown state."), ((2, "To"),)),
    "upr_info_unknown_issue.csv": Bad(UPR, ("“Time travel”", "Unknown UPR Info issue."), ((2, "Issue"),)),
    "upr_info_unknown_response.csv": Bad(
        UPR, ("“Maybe”", "Expected one of: Accepted, Noted, Voluntary Pledge."), ((2, "Response"),)
    ),
    # Invisible and control characters
    "upr_info_rtl_override_in_key.csv": Bad(
        UPR, ("U+202E (RIGHT-TO-LEFT OVERRIDE)", "another order"), ((2, "source_file"),)
    ),
    "upr_info_zero_width_in_key.csv": Bad(
        UPR, ("invisible character U+200B (ZERO WIDTH SPACE)", "<U+200B>"), ((3, "row_in_file"),)
    ),
    "upr_info_rtl_override_in_text.csv": Bad(UPR, ("U+202E (RIGHT-TO-LEFT OVERRIDE)",), ((2, "Text"),)),
    "upr_info_nul_in_text.csv": Bad(UPR, ("control character U+0000", "Ratify the<U+0000> Convention"), ((2, "Text"),)),
    "upr_info_control_characters.csv": Bad(
        UPR, ("control character U+0007", "control character U+001B"), ((2, "Text"), (3, "Text"))
    ),
    # UHRI: workbooks that are not, and wrong values
    "uhri_truncated.xlsx": Bad(UHRI, (NOT_A_WORKBOOK,)),
    "uhri_zip_of_text.xlsx": Bad(UHRI, ("a ZIP archive but not an Excel workbook; it holds: notes.txt, budget.txt.",)),
    "uhri_docx_renamed.xlsx": Bad(UHRI, ("not an Excel workbook; it holds: [Content_Types].xml, word/document.xml",)),
    "uhri_csv_renamed.xlsx": Bad(UHRI, ("named .xlsx but holds text (a CSV file?)", "rename it to .csv")),
    "uhri_old_excel.xlsx": Bad(UHRI, ("an Excel 97-2003 workbook (.xls)", "save it as .xlsx")),
    "uhri_formula.xlsx": Bad(UHRI, (FORMULA, "=HYPERLINK("), ((3, "Text"),)),
    "uhri_header_only.xlsx": Bad(UHRI, ("The file has a header but no rows.",)),
    "uhri_missing_annotation_id.csv": Bad(UHRI, ("Missing columns: OHCHR Annotation Id.",)),
    "uhri_duplicate_annotation_id.csv": Bad(
        UHRI, ("This identifier appears twice in the file.",), ((3, "OHCHR Annotation Id"),)
    ),
    "uhri_bad_annotation_id.csv": Bad(
        UHRI, ("“not-an-id”", "Not a valid annotation identifier (a UUID)."), ((2, "OHCHR Annotation Id"),)
    ),
    "uhri_zero_width_in_annotation_id.csv": Bad(
        UHRI, ("invisible character U+200B (ZERO WIDTH SPACE)",), ((2, "OHCHR Annotation Id"),)
    ),
    "uhri_text_in_date.csv": Bad(UHRI, ("“next Tuesday”", "Not a date"), ((2, "Document Publication Date"),)),
    "uhri_date_out_of_range.csv": Bad(
        UHRI,
        ("“1789-07-14”", "“9999999”", "Not a date"),
        ((2, "Document Publication Date"), (3, "Document Publication Date")),
    ),
    "uhri_unknown_type.csv": Bad(
        UHRI, ("“Wishes”", "Expected “Recommendations” or “Concerns/Observations”."), ((2, "Type"),)
    ),
    "uhri_unknown_position.csv": Bad(
        UHRI, ("“Perhaps”", "Expected Supported, Noted or Pending."), ((2, "UPR Position"),)
    ),
    "uhri_unknown_sdg.csv": Bad(UHRI, ("“99.9 - Colonise Mars”", "Unknown SDG target."), ((2, "Sdgs"),)),
    "uhri_unknown_country.csv": Bad(UHRI, ("“Atlantis”", "Unknown state."), ((2, "Countries Concerned"),)),
    # DIDH archives
    "didh_not_a_zip.zip": Bad(DIDH, ("this is not a ZIP file",)),
    "didh_missing_files.zip": Bad(DIDH, ("Missing files: axes.csv, sous_axes.csv",)),
}
ACCEPTED = {"upr_info_mixed_line_endings.csv", "upr_info_signs_that_are_text.csv"}


def test_the_corpus_is_complete_and_documented():
    on_disk = {p.name for p in CORPUS.iterdir() if p.name not in ("README.md", "make_bad_inputs.py")}
    assert on_disk == set(REFUSED) | ACCEPTED
    assert len(REFUSED) >= 30
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in on_disk)


def report_of(exc: ImportRejected) -> str:
    return "\n".join(str(e) for e in exc.errors)


def check(report: str, errors: list[RowError], bad: Bad) -> None:
    for words in bad.says:
        assert words in report, report
    if bad.where:
        assert [(e.row, e.column) for e in errors] == list(bad.where), report


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_command_line_refuses_the_file_and_writes_nothing(name):
    bad = REFUSED[name]
    before = table_counts()

    with pytest.raises(ImportRejected) as exc:
        import_file(source=bad.source, data=CORPUS / name)

    check(report_of(exc.value), exc.value.errors, bad)
    assert table_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_an_upload_of_the_file_is_refused_and_writes_nothing(name):
    """The upload page's path: the form, then the worker's run of the job."""
    bad = REFUSED[name]
    upload = SimpleUploadedFile(name, (CORPUS / name).read_bytes())
    form = ImportForm({"source": bad.source}, {"file": upload})
    if not form.is_valid():  # refused before a job is made (an empty file)
        assert bad.says == ("The file is empty.",)
        assert form.errors["file"] == ["The submitted file is empty."]
        return
    job = import_job_create(source=bad.source, upload=form.cleaned_data["file"], actor=None, language="en")
    before = table_counts()

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.FAILED
    assert job.message == "The file was refused; nothing was imported."
    errors = [RowError(**e) for e in job.errors]
    check("\n".join(str(e) for e in errors), errors, bad)
    assert table_counts() == before


# Generated at test time rather than committed -------------------------------------------------------------------


def upr_info_csv(text: str) -> bytes:
    return (
        "To,Text,From,Response,Action,Issue,Session\r\n"
        f'Morocco,"{text}",France,Accepted,4,Torture and other CID treatment,1\r\n'
    ).encode()


@pytest.mark.django_db
def test_a_ten_megabyte_cell_is_refused_naming_its_size():
    before = table_counts()
    with pytest.raises(ImportRejected) as exc:
        import_file(source=UPR, data=upr_info_csv("x" * (10 * 1024 * 1024)), name="huge.csv")
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "Text")]
    assert "The cell holds 10485760 characters; the limit is 100000." in report_of(exc.value)
    assert table_counts() == before


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_is_refused_before_anything_is_stored(settings):
    settings.RASD_IMPORT_MAX_BYTES = 100_000
    upload = SimpleUploadedFile("big.csv", (CORPUS / "upr_info_long_line.csv").read_bytes())
    before = table_counts()

    form = ImportForm({"source": UPR}, {"file": upload})

    assert not form.is_valid()
    assert form.errors["file"] == ["The file is 171.0\xa0KB; the limit is 97.7\xa0KB."]
    assert table_counts() == before


def didh_zip(change=None) -> bytes:
    """The demo DIDH data set as a ZIP upload; ``change(rows)`` may edit the rows of recommendations.csv."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(DEMO_DIR.glob("*.csv")):
            content = path.read_bytes()
            if path.name == "recommendations.csv" and change:
                rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
                change(rows)
                out = io.StringIO()
                csv.writer(out, lineterminator="\n").writerows(rows)
                content = out.getvalue().encode()
            archive.writestr(path.name, content)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_didh_data_set_with_a_control_character_in_a_text_is_refused_naming_file_row_and_column(demo_data):
    def bell_in_first_text(rows):
        column = rows[0].index("text_fr")
        rows[1][column] = "Ratifier\x07 " + rows[1][column]

    before = table_counts()
    with pytest.raises(ImportRejected) as exc:
        import_file(source=DIDH, data=didh_zip(bell_in_first_text), name="didh.zip")
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "recommendations.csv: text_fr")]
    assert "control character U+0007" in report_of(exc.value)
    assert table_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mechanism, column, value, message",
    [
        ("UPR", "mechanisms", "XYZ", "Expected one of UPR, TB, SP."),
        ("TB", "treaty_bodies", "Comité imaginaire", "Unknown treaty body."),
        ("SP", "sp_mandates", "Rapporteur imaginaire", "Unknown special-procedure mandate."),
        ("UPR", "etat", "Peut-être", "Expected one of: Non réalisé, En cours, Réalisé."),
        ("UPR", "recommending_states_fr", "Atlantide", "Unknown state."),
    ],
)
def test_a_didh_data_set_with_an_unknown_code_is_refused_naming_row_column_and_value(
    demo_data, mechanism, column, value, message
):
    changed = {}

    def unknown_code(rows):
        header = rows[0]
        index = next(i for i, row in enumerate(rows) if row[header.index("mechanisms")] == mechanism)
        rows[index][header.index(column)] = value
        changed["row"] = index + 1  # the header is row 1

    before = table_counts()
    with pytest.raises(ImportRejected) as exc:
        import_file(source=DIDH, data=didh_zip(unknown_code), name="didh.zip")
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [(changed["row"], column, value)]
    assert message in report_of(exc.value)
    assert table_counts() == before


@pytest.mark.django_db
def test_a_zip_that_unpacks_to_more_than_the_limit_is_refused(settings):
    settings.RASD_IMPORT_MAX_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("recommendations.csv", "group_id,text_fr\n" + " " * (4 * 1024 * 1024))
    assert len(buffer.getvalue()) < 20_000  # a few kilobytes that unpack to megabytes
    before = table_counts()

    with pytest.raises(ImportRejected) as exc:
        import_file(source=DIDH, data=buffer.getvalue(), name="didh.zip")

    assert "Unpacked, the ZIP file holds more than 1.0\xa0MB" in report_of(exc.value)
    assert table_counts() == before


# Odd but valid ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mixed_line_endings_are_read_as_the_rows_they_separate():
    result = import_file(source=UPR, data=CORPUS / "upr_info_mixed_line_endings.csv")

    assert result.created == 3
    keys = Recommendation.objects.filter(source=UPR).values_list("source_key", flat=True)
    assert sorted(keys) == ["bad-inputs.csv:1", "bad-inputs.csv:2", "bad-inputs.csv:3"]
    assert not Recommendation.objects.filter(source=UPR).filter(Q(text_en__contains="\r")).exists()


@pytest.mark.django_db
def test_text_starting_with_a_sign_but_no_formula_is_stored_as_plain_text():
    """'-', '+' and '@' begin ordinary texts (a list item, a telephone number, a handle): they are kept exactly as
    written. Only what a spreadsheet would run (a function call, a DDE link) is refused, as the corpus shows."""
    import_file(source=UPR, data=CORPUS / "upr_info_signs_that_are_text.csv")

    texts = set(Recommendation.objects.filter(source=UPR).values_list("text_en", flat=True))
    assert texts == {
        "- Ratify the Convention (CAT) and withdraw the reservations.",
        "+212 537 00 00 00: make the hotline for victims free of charge.",
        "@UNHumanRights: publish the follow-up plan online.",
        "-5% of detainees in pre-trial detention each year.",
    }
