"""Importing UPR Info's CSV, with slices of the real file (data/samples/upr_info_2008_2014.csv)."""

import csv
import functools
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from rasd.core.history import history_for
from rasd.core.models import HistoryEntry
from rasd.imports.errors import MAX_REPORTED_ERRORS, ImportRejected
from rasd.imports.services import import_file
from rasd.mechanisms.upr import SESSION_YEARS, session_cycle
from rasd.recommendations.models import Recommendation
from tests.conftest import UPR_INFO_FILE, table_counts

UNKNOWN = {"(Unknown)", "&#40;Unknown&#41;"}


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever language an earlier test (a page in Arabic) left active."""
    with translation.override("en"):
        yield


@functools.cache
def _file_rows() -> tuple[list[str], list[list[str]]]:
    with open(UPR_INFO_FILE, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


def write_slice(tmp_path, *, start: int, count: int, change=None, name="slice.csv") -> tuple:
    """Write the header and ``count`` rows of the real file from data row ``start``; ``change(rows)`` may edit them.

    Returns the path and the rows written as dicts (the first of them is spreadsheet row 2).
    """
    header, rows = _file_rows()
    chosen = [list(row) for row in rows[start : start + count]]
    dicts = [dict(zip(header, row)) for row in chosen]
    if change:
        change(dicts)
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([[d[c] for c in header] for d in dicts])
    return path, dicts


def upr_info_counts() -> dict[str, int]:
    """What an import of UPR Info writes, including the many-to-many links that ``table_counts`` leaves out."""
    recommendations = Recommendation.objects.filter(source=Recommendation.Source.UPR_INFO)
    return {
        "recommendations": recommendations.count(),
        "recommending_states": Recommendation.recommending_states.through.objects.filter(
            recommendation__source=Recommendation.Source.UPR_INFO
        ).count(),
        "themes": Recommendation.themes.through.objects.filter(
            recommendation__source=Recommendation.Source.UPR_INFO
        ).count(),
        "history": HistoryEntry.objects.count(),
    }


@pytest.mark.django_db
def test_a_slice_of_the_real_file_imports_with_the_counts_the_file_gives(tmp_path):
    path, rows = write_slice(tmp_path, start=1000, count=2000)  # includes recommendations "From (Unknown)"
    history_before = HistoryEntry.objects.count()

    result = import_file(source="upr_info", data=path)

    assert (result.created, result.updated, result.unchanged) == (2000, 0, 0)
    imported = Recommendation.objects.filter(source=Recommendation.Source.UPR_INFO)
    assert imported.count() == 2000
    counts = upr_info_counts()
    assert counts["recommending_states"] == sum(1 for r in rows if r["From"] not in UNKNOWN)
    assert counts["recommending_states"] < 2000
    assert counts["themes"] == sum(len({i.strip() for i in r["Issue"].split(",") if i.strip()}) for r in rows)
    assert counts["history"] == history_before + 2000
    positions = Counter(imported.values_list("position", flat=True))
    responses = Counter(r["Response"] for r in rows)
    assert positions == {"supported": responses["Accepted"], "noted": responses["Noted"]}
    assert Counter(imported.values_list("action_category", flat=True)) == Counter(int(r["Action"]) for r in rows)
    assert set(imported.values_list("mechanism__code", flat=True)) == {"UPR"}


@pytest.mark.django_db
def test_a_recommendation_keeps_its_state_review_themes_and_recommending_state(tmp_path):
    path, rows = write_slice(tmp_path, start=0, count=1)  # Austria to Afghanistan, session 5 (2009)
    import_file(source="upr_info", data=path)

    recommendation = Recommendation.objects.get(source=Recommendation.Source.UPR_INFO)
    assert recommendation.source_key == f"{rows[0]['source_file']}:{rows[0]['row_in_file']}"
    assert recommendation.state.iso3 == "AFG"
    assert list(recommendation.recommending_states.values_list("iso3", flat=True)) == ["AUT"]
    assert (recommendation.review.cycle, recommendation.review.session, recommendation.review.year) == (1, 5, 2009)
    assert recommendation.year == 2009
    assert recommendation.text_en == rows[0]["Text"].strip()
    assert recommendation.original_language == "en"
    assert recommendation.implementation_status == "not_started"
    assert set(recommendation.themes.values_list("vocabulary", "code")) == {
        ("upr_info", "Human rights education and training"),
        ("upr_info", "Justice"),
    }


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path, _rows = write_slice(tmp_path, start=1000, count=2000)
    import_file(source="upr_info", data=path)
    before, links_before = table_counts(), upr_info_counts()

    result = import_file(source="upr_info", data=path)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2000)
    assert table_counts() == before
    assert upr_info_counts() == links_before


def _set(index: int, column: str, value: str):
    def change(rows):
        rows[index][column] = value

    return change


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column, value",
    [
        ("Action", "9"),
        ("To", "Atlantis"),
        ("From", "Atlantis"),
        ("Issue", "Underwater basket weaving"),
        ("Response", "Rejected"),
        ("Session", "0"),
        ("Text", "  "),
    ],
)
def test_a_file_with_one_bad_row_is_refused_naming_the_row_column_and_value(tmp_path, column, value):
    bad = 1500  # the 1,501st data row is spreadsheet row 1,502 (the header is row 1)
    path, _rows = write_slice(tmp_path, start=3000, count=3000, change=_set(bad, column, value))
    before, links_before = table_counts(), upr_info_counts()

    with pytest.raises(ImportRejected) as rejected:
        import_file(source="upr_info", data=path)

    [error] = rejected.value.errors
    assert (error.row, error.column) == (bad + 2, column)
    assert error.value == value.strip()
    assert table_counts() == before
    assert upr_info_counts() == links_before


@pytest.mark.django_db
def test_an_unknown_issue_among_known_ones_is_named_alone(tmp_path):
    path, _rows = write_slice(tmp_path, start=0, count=10, change=_set(4, "Issue", "Justice,Atlantis rights,Detention"))
    with pytest.raises(ImportRejected) as rejected:
        import_file(source="upr_info", data=path)
    assert [(e.row, e.column, e.value) for e in rejected.value.errors] == [(6, "Issue", "Atlantis rights")]


@pytest.mark.django_db
def test_a_row_that_appears_twice_is_refused(tmp_path):
    def duplicate(rows):
        rows[7].update(source_file=rows[3]["source_file"], row_in_file=rows[3]["row_in_file"])

    path, _rows = write_slice(tmp_path, start=0, count=10, change=duplicate)
    with pytest.raises(ImportRejected) as rejected:
        import_file(source="upr_info", data=path)
    [error] = rejected.value.errors
    assert error.row == 9 and "row 5" in error.message


@pytest.mark.django_db
def test_a_file_full_of_bad_rows_reports_the_first_hundred_or_so(tmp_path):
    def break_all(rows):
        for row in rows:
            row["Action"] = "9"

    path, _rows = write_slice(tmp_path, start=0, count=500, change=break_all)
    with pytest.raises(ImportRejected) as rejected:
        import_file(source="upr_info", data=path)
    assert len(rejected.value.errors) == MAX_REPORTED_ERRORS
    assert rejected.value.truncated


@pytest.mark.django_db
def test_rows_without_source_file_columns_are_keyed_on_their_row_number(tmp_path):
    def drop_keys(rows):
        for row in rows:
            row["source_file"] = row["row_in_file"] = ""

    path, _rows = write_slice(tmp_path, start=0, count=3, change=drop_keys)
    import_file(source="upr_info", data=path)
    assert set(Recommendation.objects.filter(source="upr_info").values_list("source_key", flat=True)) == {
        "row:2",
        "row:3",
        "row:4",
    }


@pytest.mark.django_db
def test_a_changed_response_updates_the_recommendation_and_keeps_the_previous_position(tmp_path):
    path, rows = write_slice(tmp_path, start=1000, count=2000)
    import_file(source="upr_info", data=path)
    changed = next(i for i, r in enumerate(rows) if r["Response"] == "Accepted")
    path, rows = write_slice(tmp_path, start=1000, count=2000, change=_set(changed, "Response", "Noted"))

    result = import_file(source="upr_info", data=path, label="UPR Info, corrected")

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1999)
    recommendation = Recommendation.objects.get(
        source="upr_info", source_key=f"{rows[changed]['source_file']}:{rows[changed]['row_in_file']}"
    )
    assert recommendation.position == "noted"
    entry = history_for(instance=recommendation).filter(action=HistoryEntry.Action.UPDATED).get()
    assert entry.changes == {"position": ["supported", "noted"]}
    assert entry.source == "UPR Info, corrected"


@pytest.mark.django_db
def test_voluntary_pledges_are_imported_without_a_position(tmp_path):
    path, rows = write_slice(tmp_path, start=32500, count=1038)  # the file ends with 781 pledges
    import_file(source="upr_info", data=path)

    imported = Recommendation.objects.filter(source=Recommendation.Source.UPR_INFO)
    pledges = imported.filter(kind=Recommendation.Kind.VOLUNTARY_PLEDGE)
    assert pledges.count() == sum(1 for r in rows if r["Response"] == "Voluntary Pledge") == 781
    assert set(pledges.values_list("position", flat=True)) == {""}
    assert not imported.filter(kind=Recommendation.Kind.RECOMMENDATION, position="").exists()


@pytest.mark.django_db
def test_a_pledge_without_an_action_category_is_imported_and_a_recommendation_without_one_is_refused(tmp_path):
    path, _rows = write_slice(tmp_path, start=32756, count=2, change=lambda rows: [r.update(Action="") for r in rows])
    with pytest.raises(ImportRejected) as rejected:
        import_file(source="upr_info", data=path)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "Action")]  # row 3 is a pledge

    path, _rows = write_slice(tmp_path, start=32757, count=2, change=lambda rows: [r.update(Action="") for r in rows])
    import_file(source="upr_info", data=path)
    assert set(Recommendation.objects.filter(source="upr_info").values_list("kind", "action_category")) == {
        ("voluntary_pledge", None)
    }


@pytest.mark.django_db
def test_the_kind_column_may_be_left_out(tmp_path):
    path, _rows = write_slice(tmp_path, start=32755, count=4, change=lambda rows: [r.update(kind="") for r in rows])
    import_file(source="upr_info", data=path)
    assert Counter(Recommendation.objects.filter(source="upr_info").values_list("kind", flat=True)) == {
        "recommendation": 2,
        "voluntary_pledge": 2,
    }


@pytest.mark.django_db
def test_uprinfo_spellings_of_state_names_are_recognised(tmp_path):
    names = ["DPR Korea", "St Kitts & Nevis", "Micronesia", "Trinidad & Tobago", "Cote d'Ivoire"]

    def rename(rows):
        for row, name in zip(rows, names):
            row["To"] = name

    path, _rows = write_slice(tmp_path, start=0, count=len(names), change=rename)
    import_file(source="upr_info", data=path)
    assert set(Recommendation.objects.filter(source="upr_info").values_list("state__iso3", flat=True)) == {
        "PRK",
        "KNA",
        "FSM",
        "TTO",
        "CIV",
    }


def test_sessions_belong_to_their_cycle_and_year():
    assert [session_cycle(s) for s in (1, 12, 13, 26, 27, 40, 41, 54, 55)] == [1, 1, 2, 2, 3, 3, 4, 4, 5]
    assert [SESSION_YEARS.get(s) for s in (1, 3, 4, 12, 13, 20, 27, 41, 99)] == [
        2008,
        2008,
        2009,
        2011,
        2012,
        2014,
        2017,
        2022,
        None,
    ]


@pytest.mark.django_db
def test_the_command_shows_progress_on_stderr_and_the_summary_on_stdout(tmp_path):
    path, _rows = write_slice(tmp_path, start=0, count=2500)
    stdout, stderr = StringIO(), StringIO()

    call_command("import_recommendations", "upr_info", str(path), stdout=stdout, stderr=stderr)

    assert "rows" in stderr.getvalue() and "%" in stderr.getvalue()
    assert "reading" in stderr.getvalue() and "saving" in stderr.getvalue()
    assert stdout.getvalue().strip() == f"{path}: 2500 created, 0 updated, 0 unchanged."


@pytest.mark.django_db
def test_the_command_reports_a_refused_file_row_by_row(tmp_path):
    path, _rows = write_slice(tmp_path, start=0, count=20, change=_set(9, "To", "Atlantis"))
    stderr = StringIO()
    with pytest.raises(CommandError, match="refused, nothing was imported"):
        call_command("import_recommendations", "upr_info", str(path), "--no-progress", stderr=stderr)
    assert "Atlantis" in stderr.getvalue() and "11" in stderr.getvalue()
