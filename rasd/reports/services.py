"""Writes of the generated reports: asking for one (checked, recorded, queued for the task worker) and writing it
(in the worker, with its progress kept on the record so that its page can follow it).

A report is written from validated data only (``rasd.reports.selectors``). Whatever goes wrong while it is written,
the record ends failed with a message saying what; a report is never left "running" by an error.
"""

import logging
import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.core.history import history_record
from rasd.core.models import HistoryEntry, Language
from rasd.followup.policies import require
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Review
from rasd.reports import policies, selectors
from rasd.reports.documents import docx as docx_writer
from rasd.reports.documents import pdf as pdf_writer
from rasd.reports.documents.parts import word_count
from rasd.reports.documents.xlsx import matrix_write
from rasd.reports.models import GeneratedReport, MechanismReport

logger = logging.getLogger(__name__)

Kind, Format, Status = GeneratedReport.Kind, GeneratedReport.Format, GeneratedReport.Status


def generated_report_request(
    *,
    by: User,
    kind: str,
    format: str,
    language: str,
    review: Review | None = None,
    institution: Institution | None = None,
    mechanism_report: str = "",
) -> GeneratedReport:
    """Ask for a report; the task worker writes it once the transaction commits.

    A matrix covers a review, an institution or (neither) every recommendation; a progress report a review or an
    institution; a draft a review, for a kind of report to the mechanism (``MechanismReport``).
    """
    require(
        policies.can_request(
            by,
            kind=kind,
            institution_id=institution.pk if institution else None,
            review_id=review.pk if review else None,
        )
    )
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose a type of report.")
    elif format not in GeneratedReport.FORMATS[kind]:
        errors["format"] = _("This type of report is not written in this format.")
    if language not in Language.values:
        errors["language"] = _("Choose a language.")
    if review and institution:
        errors["institution"] = _("Choose a review or an institution, not both.")
    if kind == Kind.PROGRESS and not (review or institution):
        errors["review"] = _("A progress report covers a review or an institution: choose one.")
    if kind == Kind.DRAFT:
        if not review:
            errors["review"] = _("A draft report to a mechanism covers one review: choose it.")
        if institution:
            errors["institution"] = _("A draft report to a mechanism covers a whole review, not an institution.")
        if mechanism_report not in MechanismReport.values:
            errors["mechanism_report"] = _("Choose the report to the mechanism that the draft is for.")
    elif mechanism_report:
        errors["mechanism_report"] = _("Only a draft report to a mechanism has a report type.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = GeneratedReport.objects.create(
            kind=kind,
            format=format,
            language=language,
            review=review,
            institution=institution,
            mechanism_report=mechanism_report,
            requested_by=by,
        )
        history_record(
            instance=report,
            action=HistoryEntry.Action.CREATED,
            changes={
                "kind": (None, kind),
                "format": (None, format),
                "language": (None, language),
                "review": (None, review.pk if review else None),
                "institution": (None, institution.pk if institution else None),
                "mechanism_report": (None, mechanism_report),
            },
            actor=by,
        )
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from rasd.reports.tasks import generated_report_task

    generated_report_task.enqueue(report_id=report_id)


def generated_report_run(*, report_id: int) -> GeneratedReport:
    """Write a queued report (called by the worker): its progress as it goes, then its file or its error."""
    report = GeneratedReport.objects.select_related("review__mechanism", "institution", "requested_by").get(
        pk=report_id
    )
    if report.is_finished:
        return report
    with translation.override(report.language):
        return _run(report)


def _progress(report: GeneratedReport, percent: float) -> None:
    # Committed at once (the worker runs outside a transaction): the report's page polls it.
    report.progress = max(report.progress, min(int(percent), 99))
    GeneratedReport.objects.filter(pk=report.pk).update(progress=report.progress)


def _run(report: GeneratedReport) -> GeneratedReport:
    GeneratedReport.objects.filter(pk=report.pk).update(status=Status.RUNNING, progress=1)
    report.status, report.progress = Status.RUNNING, 1
    try:
        with tempfile.TemporaryFile() as output:
            if report.kind == Kind.MATRIX:
                _matrix(report, output)
            else:
                _document(report, output)
            output.seek(0)
            report.file.save(f"report.{report.format}", File(output), save=False)
    except Exception as exc:  # the report must end with a reason, whatever went wrong
        logger.exception("Generated report %s failed", report.pk)
        report.status = Status.FAILED
        report.message = _("The report could not be written: %(error)s") % {"error": str(exc) or repr(exc)}
    else:
        report.status, report.progress, report.message = Status.DONE, 100, ""
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "progress", "message", "file", "word_count", "finished_at"])
    return report


def _matrix(report: GeneratedReport, output) -> None:
    total = max(selectors.scope_recommendations(report).count(), 1)
    date = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    title = _("Follow-up matrix: %(scope)s, %(date)s") % {"scope": selectors.scope_name(report), "date": date}
    matrix_write(
        selectors.matrix_rows(report=report),
        output,
        right_to_left=report.language == "ar",
        title=title,
        each=lambda count: _progress(report, 5 + 90 * count / total),
    )


def _document(report: GeneratedReport, output) -> None:
    read = selectors.draft_document if report.kind == Kind.DRAFT else selectors.progress_document
    document = read(report=report, progress=lambda fraction: _progress(report, 40 * fraction))
    if report.kind == Kind.DRAFT:
        report.word_count = word_count(document.counted_texts())
        document.word_count = report.word_count
        document.word_count_note = report.word_count_text
    writer = docx_writer if report.format == Format.DOCX else pdf_writer
    writer.document_write(document, output, each=lambda fraction: _progress(report, 40 + 55 * fraction))


def download_name(report: GeneratedReport) -> str:
    """The name a downloaded report is saved under: its type, scope and date, in ASCII."""
    scope = (
        f"review-{report.review_id}"
        if report.review_id
        else report.institution.code
        if report.institution_id
        else "all"
    )
    return f"rasd-{report.kind}-{scope}-{report.language}-{report.created_at:%Y%m%d}-{report.pk}.{report.format}"
