"""Exports of the recommendation list: every row the list shows for its filters, in CSV, XLSX and JSON, translated,
with formulas kept as text and nothing a reader may not see in the list."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.recommendations.models import ImplementationStatus, Recommendation
from rasd.reports import exports
from tests.conftest import login

pytestmark = pytest.mark.django_db

LIST = reverse("recommendation_list")
FORMULA = '=HYPERLINK("http://x","y")'


def export_url(extension: str, query: str = "") -> str:
    url = reverse("recommendation_export", args=[extension])
    return f"{url}?{query}" if query else url


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    content = body(response)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(body(response))).active


def json_rows(response) -> list[dict]:
    return json.loads(body(response))


def exported_ids(client, extension: str, query: str = "") -> list[int]:
    response = client.get(export_url(extension, query))
    assert response.status_code == 200
    if extension == "csv":
        return [int(row[0]) for row in csv_rows(response)[1:]]
    if extension == "xlsx":
        return [row[0] for row in xlsx_sheet(response).iter_rows(min_row=2, values_only=True)]
    return [row["id"] for row in json_rows(response)]


def listed_count(client, query: str = "") -> int:
    return client.get(f"{LIST}?{query}").context["page_obj"].paginator.count


@pytest.fixture
def alice_client(client, people):
    login(client, people.alice)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def formula_recommendation(demo_data):
    recommendation = Recommendation.objects.filter(source="didh").order_by("id").first()
    recommendation.text_fr = FORMULA
    recommendation.code = "-R1"
    recommendation.save()
    return recommendation


@pytest.mark.parametrize("extension", ["csv", "xlsx", "json"])
def test_each_format_exports_every_recommendation_with_no_row_cap(alice_client, extension):
    ids = exported_ids(alice_client, extension)
    assert len(ids) == Recommendation.objects.count() == listed_count(alice_client) == 742
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("extension", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("query", ["mechanism=CAT", "status=not_started&year_from=2015", "q=torture"])
def test_each_format_exports_the_rows_the_list_shows_for_its_filters(alice_client, extension, query):
    ids = exported_ids(alice_client, extension, query)
    expected = listed_count(alice_client, query)
    assert 0 < len(ids) == expected < 742
    listed = alice_client.get(f"{LIST}?{query}").context["recommendations"]
    assert ids[: len(listed)] == [r.pk for r in listed]  # the list's order


def test_the_export_names_the_file_by_the_date_and_the_format(alice_client):
    response = alice_client.get(export_url("xlsx", "mechanism=CAT"))
    today = timezone.localdate().isoformat()
    assert f'filename="rasd-recommendations-{today}.xlsx"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = alice_client.get(export_url("csv"))
    assert f'filename="rasd-recommendations-{today}.csv"' in response["Content-Disposition"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_an_unknown_format_is_not_found(alice_client):
    assert alice_client.get("/recommendations/export.pdf").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, demo_data):
    response = client.get(export_url("csv"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.fixture
def assigned_to_the_interior(people):
    """A recommendation whose only assignment is the Interior's (lead)."""
    recommendation = Recommendation.objects.filter(source="didh").order_by("id")[40]
    Assignment.objects.filter(recommendation=recommendation).delete()
    Assignment.objects.create(
        recommendation=recommendation, institution=Institution.objects.get(code="interieur"), role="lead"
    )
    return recommendation


@pytest.mark.parametrize("extension", ["csv", "xlsx", "json"])
def test_a_focal_point_cannot_learn_from_an_export_what_another_institution_is_assigned(
    client, people, assigned_to_the_interior, extension
):
    login(client, people.fatima)  # Ministry of Justice
    assert listed_count(client, "institution=interieur") == 0
    assert exported_ids(client, extension, "institution=interieur") == []
    interior = Institution.objects.get(code="interieur").name
    everything = json_rows(client.get(export_url("json")))
    assert len(everything) == 742  # the recommendations themselves are not restricted, their assignments are
    assert all(interior not in row["lead_institutions"] + row["supporting_institutions"] for row in everything)
    [row] = [row for row in everything if row["id"] == assigned_to_the_interior.pk]
    assert row["lead_institutions"] == []


def test_a_coordinator_sees_every_institution_assigned_in_the_export(alice_client, assigned_to_the_interior):
    rows = json_rows(alice_client.get(export_url("json", "institution=interieur")))
    row = next(row for row in rows if row["id"] == assigned_to_the_interior.pk)
    assert row["lead_institutions"] == [Institution.objects.get(code="interieur").name]
    assert row["url"] == "http://testserver" + reverse("recommendation_detail", args=[assigned_to_the_interior.pk])


def test_a_text_that_starts_like_a_formula_is_escaped_in_csv(alice_client, formula_recommendation):
    header, *rows = csv_rows(alice_client.get(export_url("csv")))
    row = next(row for row in rows if row[0] == str(formula_recommendation.pk))
    assert row[header.index("Text (French)")] == "'" + FORMULA
    assert row[header.index("National code")] == "'-R1"


def test_a_text_that_starts_like_a_formula_is_a_text_cell_in_xlsx(alice_client, formula_recommendation):
    sheet = xlsx_sheet(alice_client.get(export_url("xlsx")))
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == formula_recommendation.pk)
    cell = row[header.index("Text (French)")]
    assert cell.value == FORMULA
    assert cell.data_type == "s"
    assert row[header.index("National code")].data_type == "s"


def test_json_keeps_the_text_as_it_is(alice_client, formula_recommendation):
    rows = json_rows(alice_client.get(export_url("json")))
    row = next(row for row in rows if row["id"] == formula_recommendation.pk)
    assert row["text_fr"] == FORMULA
    assert list(row) == [column.key for column in exports.COLUMNS]


def test_escape_formula_prefixes_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.escape_formula(f"{start}1") == f"'{start}1"
    assert exports.escape_formula("Ratify the Convention") == "Ratify the Convention"
    assert exports.escape_formula("") == ""


def test_an_arabic_export_has_arabic_headers_and_labels_and_a_right_to_left_sheet(alice_client):
    alice_client.cookies["django_language"] = "ar"
    with translation.override("ar"):
        expected = [str(column.header) for column in exports.COLUMNS]
        not_started = str(ImplementationStatus.NOT_STARTED.label)
    assert expected != [str(column.header) for column in exports.COLUMNS]  # the catalogue translates them
    response = alice_client.get(export_url("xlsx", "status=not_started"))
    sheet = xlsx_sheet(response)
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header == expected
    assert next(sheet.iter_rows(max_row=1))[0].font.b
    status = header.index(expected[16])
    assert {row[status] for row in sheet.iter_rows(min_row=2, values_only=True)} == {not_started}
    assert csv_rows(alice_client.get(export_url("csv")))[0] == expected


def test_an_english_sheet_reads_left_to_right(alice_client):
    alice_client.cookies["django_language"] = "en"
    sheet = xlsx_sheet(alice_client.get(export_url("xlsx", "mechanism=CAT")))
    assert not sheet.sheet_view.rightToLeft
    assert next(sheet.iter_rows(max_row=1, values_only=True))[:3] == ("Id", "National code", "Paragraph")


def test_the_list_page_links_to_the_exports_with_its_filters(alice_client):
    page = alice_client.get(f"{LIST}?mechanism=CAT&page=2").content.decode()
    for extension in ("csv", "xlsx", "json"):
        assert f'href="{export_url(extension)}?mechanism=CAT"' in page


def test_the_export_links_follow_a_filter_chosen_without_reloading_the_page(alice_client):
    partial = alice_client.get(f"{LIST}?mechanism=CAT&position=supported", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="rasd-export-links" hx-swap-oob="true"' in partial
    assert f'href="{export_url("xlsx")}?mechanism=CAT&amp;position=supported"' in partial


def test_the_export_reads_the_relations_in_a_fixed_number_of_queries(django_assert_max_num_queries, people):
    with django_assert_max_num_queries(20):
        rows = list(exports.recommendation_export_rows(filters={}, visible_to=people.alice))
    assert len(rows) == 742
