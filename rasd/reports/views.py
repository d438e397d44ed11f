"""Downloads of the recommendation list: the same filters and the same reader as the list page, every row."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation

from rasd.recommendations.forms import RecommendationFilterForm
from rasd.reports import exports

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
