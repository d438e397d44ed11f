"""The follow-up matrix as an Excel workbook: one row per recommendation, written row by row (write-only workbook,
memory flat whatever the number of rows), right to left in Arabic, every text that a spreadsheet would read as a
formula escaped as the list's exports do."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from rasd.reports.exports import LIST_SEPARATOR, XLSX_CELL_LIMIT, XLSX_ILLEGAL, escape_formula


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    width: int = 16


COLUMNS = (
    Column("code", _("National code"), 12),
    Column("paragraph", _("Paragraph"), 10),
    Column("text", _("Recommendation"), 60),
    Column("mechanism", _("Mechanism"), 22),
    Column("review", _("Review"), 22),
    Column("document", _("Document"), 18),
    Column("position", _("Position"), 12),
    Column("themes", _("Themes"), 26),
    Column("sdg_targets", _("SDG targets"), 12),
    Column("national_axes", _("National axes"), 28),
    Column("lead_institutions", _("Lead institutions"), 24),
    Column("supporting_institutions", _("Supporting institutions"), 24),
    Column("implementation_status", _("Implementation status"), 18),
    Column("actions", _("Actions"), 36),
    Column("latest_progress", _("Latest validated progress"), 60),
    Column("due_dates", _("Due dates"), 14),
)


def _value(value: Any) -> Any:
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return escape_formula(XLSX_ILLEGAL.sub("", value))[:XLSX_CELL_LIMIT]


def matrix_write(
    rows: Iterable[dict], file: str | IO[bytes], *, right_to_left: bool, title: str, each: Callable[[int], None]
) -> int:
    """Write the matrix into ``file``; ``each(count)`` is called after every 100 rows. Returns the rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Follow-up matrix"))[:31])
    sheet.sheet_view.rightToLeft = right_to_left
    sheet.freeze_panes = "A3"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    heading = WriteOnlyCell(sheet, value=_value(title))
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    headers = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    count = 0
    for row in rows:
        cells = []
        for column in COLUMNS:
            cell = WriteOnlyCell(sheet, value=_value(row.get(column.key)))
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
        count += 1
        if count % 100 == 0:
            each(count)
    workbook.save(file)
    return count
