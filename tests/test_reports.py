"""Generated reports: the follow-up matrix (XLSX), progress reports and drafts to a mechanism (DOCX and PDF).

Each report is written through the worker's path (the task function, called here directly), read back with the
library of its format, and checked to say what is validated and nothing else.
"""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from docx import Document as read_docx
from docx.oxml.ns import qn
from openpyxl import load_workbook

from rasd.core.tasks_recovery import MAX_ATTEMPTS, tasks_recover
from rasd.followup import services as followup
from rasd.followup.models import Assignment
from rasd.mechanisms.models import Review
from rasd.recommendations.models import Cluster, Recommendation
from rasd.reports import services
from rasd.reports.documents import docx as docx_writer
from rasd.reports.documents import pdf as pdf_writer
from rasd.reports.documents.docx import NOTE_STYLE
from rasd.reports.models import GeneratedReport
from rasd.reports.tasks import generated_report_task
from tests.conftest import institution, login

pytestmark = pytest.mark.django_db

VALIDATED_AR = "أحدثت وزارة العدل 8 خلايا جهوية للتكفل بالنساء ضحايا العنف وفق القانون 103.13."
VALIDATED_FR = "Circulaire n° 12/2026 sur la détention préventive diffusée à toutes les juridictions."
VALIDATED_FORMULA = '=HYPERLINK("http://example.org","cliquer")'
INTERIOR_VALIDATED = "La Direction générale de la sûreté nationale a formé 400 agents."
DRAFT = "Brouillon jamais soumis"
SUBMITTED = "Rapport soumis en attente"
APPROVED = "Rapport approuvé par l'institution seulement"
RETURNED = "Rapport renvoyé pour correction"


def words(text: str) -> int:
    """Words as a word processor counts them: tokens between spaces that hold a letter or a digit."""
    return len([token for token in text.split() if any(char.isalnum() for char in token)])


@pytest.fixture
def review(demo_data):
    return Review.objects.get(mechanism__code="UPR")


@pytest.fixture
def world(people, review):
    """Four recommendations of the UPR review: Justice leads three (two in one cluster), the Interior one. Justice
    has validated updates in Arabic, in French and one that starts like a spreadsheet formula, and one update at
    each earlier step of the workflow; the Interior one validated update."""
    recs = list(Recommendation.objects.filter(review=review).order_by("id")[:4])
    Assignment.objects.filter(recommendation__in=recs).delete()
    followup.assignments_create(
        by=people.alice, recommendations=recs[:3], lead=institution("justice"), due_date=datetime.date(2027, 6, 30)
    )
    followup.assignments_create(by=people.alice, recommendations=[recs[3]], lead=institution("interieur"))
    cluster = Cluster.objects.create(title="Accès à la justice")
    cluster.recommendations.add(recs[0], recs[1])

    def update(text, rec, steps, by="fatima"):
        made = followup.progress_update_create(
            by=getattr(people, by), recommendation=rec, text=text, date=datetime.date(2026, 3, 1)
        )
        for step, person in steps:
            made = step(report=made, by=getattr(people, person), version=made.version)
        return made

    submit = [(followup.report_submit, "fatima")]
    approve = [*submit, (followup.report_approve, "omar")]
    validate = [*approve, (followup.report_validate, "alice")]
    update(VALIDATED_AR, recs[0], validate)
    update(VALIDATED_FR, recs[1], validate)
    update(VALIDATED_FORMULA, recs[2], validate)
    update(DRAFT, recs[0], [])
    update(SUBMITTED, recs[1], submit)
    update(APPROVED, recs[2], approve)
    returned = update(RETURNED, recs[1], submit)
    followup.report_return(report=returned, by=people.omar, version=returned.version, reason="Incomplet")
    interior = [
        (followup.report_submit, "karim"),
        (followup.report_approve, "nadia"),
        (followup.report_validate, "alice"),
    ]
    update(INTERIOR_VALIDATED, recs[3], interior, by="karim")
    return recs


def generated(by, **values) -> GeneratedReport:
    """A report asked for and written through the worker's task."""
    report = services.generated_report_request(by=by, **values)
    generated_report_task.call(report_id=report.pk)
    report.refresh_from_db()
    return report


def draft(people, review, *, format="docx", language="en", mechanism_report="upr_national"):
    return generated(
        people.alice, kind="draft", format=format, language=language, review=review, mechanism_report=mechanism_report
    )


def docx_of(report) -> list:
    with report.file.open("rb") as file:
        return read_docx(io.BytesIO(file.read())).paragraphs


def text_of(paragraphs) -> str:
    return "\n".join(paragraph.text for paragraph in paragraphs)


# Each kind and format ------------------------------------------------------------------------------------------------


def test_the_follow_up_matrix_has_one_row_per_recommendation_of_the_review_with_its_validated_progress(
    people, review, world
):
    report = generated(people.alice, kind="matrix", format="xlsx", language="en", review=review)

    assert report.status == GeneratedReport.Status.DONE and report.progress == 100
    with report.file.open("rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]
    assert len(body) == Recommendation.objects.filter(review=review).count()
    column = {name: index for index, name in enumerate(header)}
    by_code = {row[column["National code"]]: row for row in body}
    first = by_code[world[0].code]
    assert VALIDATED_AR in first[column["Latest validated progress"]]
    assert institution("justice").name_en in first[column["Lead institutions"]]
    assert first[column["Due dates"]] == "2027-06-30"
    assert DRAFT not in str(rows) and SUBMITTED not in str(rows) and RETURNED not in str(rows)
    assert sheet.sheet_view.rightToLeft is not True


def test_a_matrix_cell_that_starts_like_a_formula_is_kept_as_text(people, review, world):
    report = generated(people.alice, kind="matrix", format="xlsx", language="en", review=review)

    with report.file.open("rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    latest = next(cell for cell in cells if "HYPERLINK" in cell)
    assert not latest.startswith("=") and sheet.cell(row=1, column=1).data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_arabic_matrix_reads_right_to_left(people, review, world):
    report = generated(people.alice, kind="matrix", format="xlsx", language="ar", review=review)

    with report.file.open("rb") as file:
        assert load_workbook(io.BytesIO(file.read())).active.sheet_view.rightToLeft is True


@pytest.mark.parametrize("format", ["docx", "pdf"])
def test_a_progress_report_on_an_institution_is_written_in_each_format(people, world, format):
    report = generated(people.alice, kind="progress", format=format, language="fr", institution=institution("justice"))

    assert report.status == GeneratedReport.Status.DONE, report.message
    with report.file.open("rb") as file:
        content = file.read()
    if format == "docx":
        text = text_of(read_docx(io.BytesIO(content)).paragraphs)
        assert VALIDATED_AR in text and VALIDATED_FR in text
        assert INTERIOR_VALIDATED not in text  # another institution's progress
    else:
        assert content.startswith(b"%PDF-")


def test_the_pdf_of_a_progress_report_has_pages_in_the_shipped_fonts(people, review, world):
    report = services.generated_report_request(
        by=people.alice, kind="progress", format="pdf", language="ar", review=review
    )
    document = _document(report)
    html = pdf_writer.html_render(document)

    assert '<html lang="ar" dir="rtl">' in html
    assert VALIDATED_AR in html and INTERIOR_VALIDATED in html and DRAFT not in html
    rendered = pdf_writer.document_render(document)
    assert len(rendered.pages) >= 2  # the title page, then the rest
    buffer = io.BytesIO()
    rendered.write_pdf(buffer)
    assert buffer.getvalue().startswith(b"%PDF-")
    # The families exist only through pdf.css's @font-face on the shipped files: no font of the server is used.
    assert {font.family for font in rendered.fonts.values()} == {b"Rasd Sans", b"Rasd Naskh"}


def _document(report):
    from django.utils import translation

    from rasd.reports import selectors

    with translation.override(report.language):
        read = selectors.draft_document if report.kind == "draft" else selectors.progress_document
        return read(report=report)


@pytest.mark.parametrize("format", ["docx", "pdf"])
def test_a_draft_to_a_mechanism_is_written_in_each_format(people, review, world, format):
    report = draft(people, review, format=format)

    assert report.status == GeneratedReport.Status.DONE, report.message
    assert report.word_count > 0
    with report.file.open("rb") as file:
        assert file.read(4) == (b"%PDF" if format == "pdf" else b"PK\x03\x04")  # a PDF, or a DOCX (a zip)


# What a draft says ---------------------------------------------------------------------------------------------------


def test_a_draft_says_validated_progress_and_never_draft_submitted_approved_or_returned_updates(people, review, world):
    text = text_of(docx_of(draft(people, review)))
    html = pdf_writer.html_render(
        _document(
            services.generated_report_request(
                by=people.alice,
                kind="draft",
                format="pdf",
                language="en",
                review=review,
                mechanism_report="upr_national",
            )
        )
    )

    for content in (text, html):
        assert VALIDATED_AR in content and VALIDATED_FR in content and INTERIOR_VALIDATED in content
        for unvalidated in (DRAFT, SUBMITTED, APPROVED, RETURNED):
            assert unvalidated not in content


def test_a_draft_groups_by_cluster_and_cites_the_recommendations_in_each_heading(people, review, world):
    paragraphs = docx_of(draft(people, review))
    text = text_of(paragraphs)

    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert "Accès à la justice" in headings
    cluster_citation = next(p.text for p in paragraphs if p.style.name == "Heading 3" and world[0].paragraph in p.text)
    assert world[1].paragraph in cluster_citation and "A/HRC/36/6" in cluster_citation
    assert cluster_citation.startswith("Recommendations ")
    assert text.index("Accès à la justice") < text.index(VALIDATED_AR)


def test_the_word_count_of_a_draft_is_the_words_of_the_draft_against_the_upr_limit(people, review, world):
    report = draft(people, review)
    paragraphs = docx_of(report)

    counted = [p.text for p in paragraphs if p.style.name != NOTE_STYLE]
    assert report.word_count == sum(words(text) for text in counted)
    assert report.word_limit == 10_700
    shown = f"{report.word_count:,} of 10,700 words"
    assert any(shown == p.text for p in paragraphs if p.style.name == NOTE_STYLE)


def test_a_draft_for_a_report_without_a_word_limit_says_so(people, review, world):
    report = draft(people, review, mechanism_report="upr_mid_term")

    assert report.word_limit is None
    assert report.word_count_text.endswith("words (no word limit)")


def test_an_arabic_draft_is_right_to_left_with_an_arabic_font_and_keeps_latin_runs_left_to_right(people, review, world):
    paragraphs = docx_of(draft(people, review, language="ar"))

    arabic = next(p for p in paragraphs if VALIDATED_AR in p.text)
    assert arabic._p.pPr.find(qn("w:bidi")) is not None
    runs = {run.text: run for run in arabic.runs}
    assert any(run.font.rtl for text, run in runs.items() if "وزارة" in text)
    assert all(not run.font.rtl for text, run in runs.items() if "103.13" in text)
    fonts = arabic.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:cs")) == "Noto Naskh Arabic"
    french = next(p for p in paragraphs if VALIDATED_FR in p.text)
    assert french._p.pPr is None or french._p.pPr.find(qn("w:bidi")) is None
    title = paragraphs[0]
    assert title._p.pPr.find(qn("w:bidi")) is not None


# Pages and permissions -----------------------------------------------------------------------------------------------


def test_a_coordinator_asks_for_a_draft_follows_its_progress_and_downloads_it(client, people, review, world):
    client.cookies["django_language"] = "en"
    login(client, people.alice)
    response = client.post(
        reverse("generated_report_list"),
        {"kind": "draft", "format": "docx", "language": "en", "review": review.pk, "mechanism_report": "upr_national"},
    )
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("generated_report_detail", args=[report.pk])
    page = client.get(response.url).content.decode()
    assert "<progress" in page and 'hx-trigger="every 2s"' in page

    generated_report_task.call(report_id=report.pk)

    report.refresh_from_db()
    status = client.get(reverse("generated_report_status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in status
    assert f"{report.word_count:,} of 10,700 words" in status
    download = client.get(reverse("generated_report_download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].endswith("wordprocessingml.document")
    assert read_docx(io.BytesIO(b"".join(download.streaming_content))).paragraphs


def test_the_request_form_refuses_a_draft_without_a_review_and_says_why(client, people):
    client.cookies["django_language"] = "en"
    login(client, people.alice)
    response = client.post(
        reverse("generated_report_list"),
        {"kind": "draft", "format": "pdf", "language": "en", "mechanism_report": "upr_national"},
    )
    assert response.status_code == 400
    assert "covers one review" in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_a_focal_point_gets_the_progress_report_of_their_institution(client, people, world):
    login(client, people.fatima)
    response = client.post(
        reverse("generated_report_list"),
        {"kind": "progress", "format": "pdf", "language": "fr", "institution": institution("justice").pk},
    )
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and report.institution == institution("justice")


def test_a_focal_point_cannot_ask_for_another_institutions_report_or_a_draft(client, people, review, world):
    with pytest.raises(PermissionDenied):
        services.generated_report_request(
            by=people.fatima, kind="progress", format="pdf", language="fr", institution=institution("interieur")
        )
    with pytest.raises(PermissionDenied):
        services.generated_report_request(
            by=people.fatima, kind="draft", format="docx", language="fr", review=review, mechanism_report="upr_national"
        )
    login(client, people.fatima)
    client.post(
        reverse("generated_report_list"),
        {"kind": "progress", "format": "pdf", "language": "fr", "institution": institution("interieur").pk},
    )
    assert not GeneratedReport.objects.exists()


def test_a_focal_point_cannot_see_or_download_a_coordinators_draft_or_another_institutions_report(
    client, people, review, world
):
    coordinators_draft = draft(people, review)
    interior = generated(
        people.alice, kind="progress", format="docx", language="fr", institution=institution("interieur")
    )
    justice = generated(people.alice, kind="progress", format="docx", language="fr", institution=institution("justice"))
    login(client, people.fatima)

    for hidden in (coordinators_draft, interior):
        assert client.get(reverse("generated_report_detail", args=[hidden.pk])).status_code == 404
        assert client.get(reverse("generated_report_download", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("generated_report_download", args=[justice.pk])).status_code == 200
    listed = {report.pk for report in client.get(reverse("generated_report_list")).context["reports"]}
    assert listed == {justice.pk}


def test_observers_and_partners_have_no_reports_page(client, people):
    for person in (people.olga, people.paul):
        login(client, person)
        assert client.get(reverse("generated_report_list")).status_code == 403


# Failures ------------------------------------------------------------------------------------------------------------


def test_a_report_that_cannot_be_written_fails_with_the_reason_on_its_page(client, people, review, world, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(docx_writer, "document_write", disk_full)
    report = draft(people, review)

    assert report.status == GeneratedReport.Status.FAILED and report.finished_at is not None
    assert "No space left on device" in report.message and not report.file
    client.cookies["django_language"] = "en"
    login(client, people.alice)
    page = client.get(reverse("generated_report_detail", args=[report.pk])).content.decode()
    assert "No space left on device" in page and "hx-trigger" not in page
    assert client.get(reverse("generated_report_download", args=[report.pk])).status_code == 404


def test_a_report_whose_worker_stopped_twice_is_marked_failed_with_the_reason(people, review):
    report = services.generated_report_request(
        by=people.alice, kind="matrix", format="xlsx", language="en", review=review
    )
    GeneratedReport.objects.filter(pk=report.pk).update(status=GeneratedReport.Status.RUNNING, progress=40)
    task = DBTaskResult.objects.get(pk=generated_report_task.enqueue(report_id=report.pk).id)
    for number in range(MAX_ATTEMPTS):
        task.claim(f"worker-{number}")

    recovery = tasks_recover()

    report.refresh_from_db()
    assert recovery.failed == [str(task.pk)]
    assert report.status == GeneratedReport.Status.FAILED and report.message.startswith("Interrupted")


def test_reports_left_without_a_task_are_queued_again_or_given_up(people, review):
    from django.utils import timezone

    from rasd.core.tasks_recovery import ORPHAN_AFTER

    queued, running = (
        services.generated_report_request(by=people.alice, kind="matrix", format="xlsx", language="en", review=review)
        for _ in range(2)
    )
    DBTaskResult.objects.all().delete()  # the server stopped before their tasks were written, or they were lost
    GeneratedReport.objects.filter(pk=running.pk).update(status=GeneratedReport.Status.RUNNING)
    GeneratedReport.objects.update(created_at=timezone.now() - ORPHAN_AFTER)

    recovery = tasks_recover()

    assert sorted(recovery.other) == sorted([f"report #{queued.pk}: queued", f"report #{running.pk}: failed"])
    running.refresh_from_db()
    assert running.status == GeneratedReport.Status.FAILED and running.message.startswith("Interrupted")
    (task,) = DBTaskResult.objects.filter(task_path="rasd.reports.tasks.generated_report_task")
    assert task.args_kwargs["kwargs"] == {"report_id": queued.pk}


def test_the_report_pages_have_no_inline_script_or_style_and_name_their_direction(client, people, review, world):
    done = draft(people, review)
    waiting = services.generated_report_request(
        by=people.alice, kind="matrix", format="xlsx", language="ar", review=review
    )
    login(client, people.alice)
    for language, direction in (("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")):
        client.cookies["django_language"] = language
        for url in (
            reverse("generated_report_list"),
            reverse("generated_report_detail", args=[done.pk]),
            reverse("generated_report_detail", args=[waiting.pk]),
        ):
            body = client.get(url).content.decode()
            assert f'<html lang="{language}" dir="{direction}">' in body, url
            assert " style=" not in body and "<style" not in body, url
            assert "<script>" not in body and "<script " not in body.replace('<script src="', ""), url


def test_the_admin_lists_generated_reports_without_letting_anyone_edit_them(admin_client, people, review):
    report = services.generated_report_request(by=people.alice, kind="matrix", format="xlsx", language="en")

    assert admin_client.get(reverse("admin:reports_generatedreport_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:reports_generatedreport_change", args=[report.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
