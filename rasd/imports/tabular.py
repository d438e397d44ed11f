"""Reading a CSV or XLSX file into rows, refusing what is not a clean table.

Every refusal says what is wrong and where, in words a coordinator understands: wrong encoding, missing
columns, empty file, a damaged workbook, a formula where a value belongs, a cell too big to be real.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from rasd.imports.errors import ErrorCollector, ImportRejected, RowError

# The longest real recommendation we know is a few thousand characters; 100,000 is a mistake, not a text.
MAX_CELL_CHARS = 100_000
csv.field_size_limit(16 * 1024 * 1024)

Value = str | int | float | datetime.datetime | datetime.date | None


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Value]]] = field(default_factory=list)  # (row number, {column: value})


def _reject(message: str, *, row: int | None = None, column: str = "", value: str = "") -> ImportRejected:
    return ImportRejected([RowError(row=row, column=column, value=value, message=message)])


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _reject(_("The file is encoded as UTF-16. Save it as “CSV UTF-8” and import it again."))
    if b"\x00" in data[:4096]:
        raise _reject(_("The file contains binary data: it is not a CSV text file."))
    try:
        # One line-break convention, so the same text saved on Windows or elsewhere compares equal on re-import.
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _reject(
            _(
                "The file is not UTF-8 text (byte 0x%(byte)s on line %(line)s). It is probably in a legacy encoding "
                "such as Windows-1252 or Windows-1256: save it as “CSV UTF-8” and import it again."
            )
            % {"byte": f"{data[exc.start]:02X}", "line": line},
            row=line,
        ) from None


def _read_csv(data: bytes, name: str, required: list[str]) -> Table:
    text = _decode(data, name)
    first_line = text.split("\n", 1)[0]
    # French spreadsheet programs write ';' between columns; choose the delimiter that finds the expected header.
    delimiter = max([",", ";", "\t"], key=lambda d: (sum(c in first_line.split(d) for c in required), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise _reject(_("The file is empty.")) from None
    except csv.Error as exc:
        raise _reject(_("The file is not a readable CSV table: %(reason)s") % {"reason": exc}, row=1) from None
    columns = [c.strip().lstrip("\ufeff") for c in header]
    table = Table(name=name, columns=columns)
    number = 1
    try:
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns) :]):
                raise _reject(
                    _("The row has %(found)s cells but the header has %(expected)s columns.")
                    % {"found": len(record), "expected": len(columns)},
                    row=number,
                )
            table.rows.append((number, dict(zip(columns, record))))
    except csv.Error as exc:
        raise _reject(_("The file is not a readable CSV table: %(reason)s") % {"reason": exc}, row=number + 1) from None
    return table


def _read_xlsx(data: bytes, name: str) -> Table:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, TypeError) as exc:
        raise _reject(
            _("The file is not a valid Excel workbook (.xlsx); it may be damaged or truncated (%(reason)s).")
            % {"reason": type(exc).__name__}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows()
        try:
            header_cells = next(rows)
        except StopIteration:
            raise _reject(_("The file is empty.")) from None
        columns = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
        table = Table(name=name, columns=columns)
        errors = ErrorCollector()
        for cells in rows:
            values: dict[str, Value] = {}
            number = None
            for column, cell in zip(columns, cells):
                number = getattr(cell, "row", None) or number
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    errors.add(
                        number, column, cell.value, _("This cell holds a spreadsheet formula; import values only.")
                    )
                values[column] = cell.value
            if number is None or not any(v not in (None, "") and str(v).strip() for v in values.values()):
                continue
            table.rows.append((number, values))
            if errors.full:
                break
        errors.raise_if_any()
        return table
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise _reject(
            _("The file is not a valid Excel workbook (.xlsx); it may be damaged or truncated (%(reason)s).")
            % {"reason": type(exc).__name__}
        ) from None
    finally:
        workbook.close()


def read_table(source: Path | str | bytes, *, name: str = "", required: list[str]) -> Table:
    """Read a CSV (UTF-8, comma/semicolon/tab) or XLSX file and check it is a table with the required columns.

    Raises ``ImportRejected`` for an unreadable file, a missing column, a formula or an oversized cell.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _reject(_("The file cannot be read: %(reason)s") % {"reason": exc.strerror}) from None
    else:
        data = source
    if not data.strip():
        raise _reject(_("The file is empty."))
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data, name)
    elif suffix in (".csv", ".txt", ".tsv", ""):
        table = _read_csv(data, name, required)
    else:
        raise _reject(_("Unsupported file type “%(suffix)s”: import a .csv or .xlsx file.") % {"suffix": suffix})

    seen = set()
    for column in table.columns:
        if column and column in seen:
            raise _reject(
                _("The column “%(column)s” appears twice in the header.") % {"column": column}, row=1, column=column
            )
        seen.add(column)
    missing = [c for c in required if c not in seen]
    if missing:
        raise _reject(
            _("Missing columns: %(missing)s. The header has: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(c for c in table.columns if c) or "—"},
            row=1,
        )
    if not table.rows:
        raise _reject(_("The file has a header but no rows."))

    errors = ErrorCollector()
    for number, values in table.rows:
        for column, value in values.items():
            if isinstance(value, str):
                if len(value) > MAX_CELL_CHARS:
                    errors.add(
                        number,
                        column,
                        value[:40],
                        _("The cell holds %(length)s characters; the limit is %(limit)s.")
                        % {"length": len(value), "limit": MAX_CELL_CHARS},
                    )
                elif value.startswith("=") and suffix not in (".xlsx", ".xlsm"):
                    errors.add(number, column, value, _("This cell holds a spreadsheet formula; import values only."))
                elif "\x00" in value:
                    errors.add(number, column, value.replace("\x00", ""), _("The cell contains a NUL character."))
        if errors.full:
            break
    errors.raise_if_any()
    return table
