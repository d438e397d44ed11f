"""Downloads of the recommendation list (the same filters and the same reader as the list page, every row), and
the pages of the generated reports: ask for one, follow its progress, download it."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation

from rasd.recommendations.forms import RecommendationFilterForm
from rasd.reports import exports, policies, selectors, services
from rasd.reports.forms import GeneratedReportForm
from rasd.reports.models import GeneratedReport

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filename(extension: str) -> str:
    return f"rasd-recommendations-{timezone.localdate().isoformat()}.{extension}"


def _in_language(language: str, chunks):
    # A streamed body is written after the view has returned: keep the request's language while it is.
    with translation.override(language):
        yield from chunks


@login_required
def recommendation_export(request, extension: str):
    form = RecommendationFilterForm(request.GET)
    rows = exports.recommendation_export_rows(
        filters=form.filters(), visible_to=request.user, site=f"{request.scheme}://{request.get_host()}"
    )
    if extension == "xlsx":
        # The workbook is built on disk (it is a zip: it cannot be sent before it is complete), then streamed;
        # the temporary file disappears when the response closes it.
        file = tempfile.TemporaryFile(suffix=".xlsx")
        exports.xlsx_write(rows, file)
        file.seek(0)
        return FileResponse(
            file, as_attachment=True, filename=_filename(extension), content_type=CONTENT_TYPES[extension]
        )
    writer = exports.csv_stream if extension == "csv" else exports.json_stream
    response = StreamingHttpResponse(
        _in_language(translation.get_language(), writer(rows)), content_type=CONTENT_TYPES[extension]
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(extension)}"'
    return response


# Generated reports ---------------------------------------------------------------------------------------------------

REPORT_CONTENT_TYPES = {
    GeneratedReport.Format.XLSX: CONTENT_TYPES["xlsx"],
    GeneratedReport.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    GeneratedReport.Format.PDF: "application/pdf",
}


def _reports_user(request) -> None:
    if not policies.can_use_reports(request.user):
        raise PermissionDenied


@login_required
def generated_report_list(request):
    _reports_user(request)
    form = GeneratedReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.generated_report_request(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("generated_report_detail", pk=report.pk)
    reports = selectors.generated_report_list(visible_to=request.user)[:100]
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/report_list.html", {"form": form, "reports": reports}, status=status)


def _visible_report(request, pk: int) -> GeneratedReport:
    _reports_user(request)
    report = selectors.generated_report_get(pk=pk, visible_to=request.user)
    if report is None:  # not found, rather than forbidden: a number tried reveals nothing
        raise Http404
    return report


@login_required
def generated_report_detail(request, pk: int):
    return render(request, "reports/report_detail.html", {"report": _visible_report(request, pk)})


@login_required
def generated_report_status(request, pk: int):
    """The progress part of the report's page, polled by htmx until the report is written."""
    return render(request, "reports/report_status.html", {"report": _visible_report(request, pk)})


@login_required
def generated_report_download(request, pk: int):
    report = _visible_report(request, pk)
    if report.status != GeneratedReport.Status.DONE or not report.file:
        raise Http404
    try:
        file = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=services.download_name(report),
        content_type=REPORT_CONTENT_TYPES[report.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
