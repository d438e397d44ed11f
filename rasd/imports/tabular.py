"""Reading a CSV or XLSX file into rows, refusing what is not a clean table.

Every refusal says what is wrong and where, in words a coordinator understands: wrong encoding, missing
columns, empty file, a damaged workbook, a formula where a value belongs, a cell too big to be real.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.imports.errors import ErrorCollector, ImportRejected, RowError

# The longest real recommendation we know is a few thousand characters; 100,000 is a mistake, not a text.
MAX_CELL_CHARS = 100_000
# The widest real export (UHRI) has 16 columns; thousands of columns are a wrong or hostile file.
MAX_COLUMNS = 500
csv.field_size_limit(16 * 1024 * 1024)

# A cell a spreadsheet would run as a formula when the data is opened there again: "=…" always; "+", "-" or "@"
# followed by a function call (+SUM(…), @HYPERLINK(…)) or a DDE link (+cmd|…, -2+3+cmd|…). Other text starting
# with those signs is ordinary ("- Ratify …", "+212 5 37 …") and is kept as it is.
FORMULA = re.compile(r"^(?:=|[+\-@](?:[\d.\s+\-*/^()]*[+\-*/^])?\s*[A-Za-z_][\w.]*[(|])")
# Characters that reverse the order in which the text around them is shown: a text (or key) would read differently
# from what it says. The other direction marks (LRM, RLM, isolates) are ordinary in Arabic text and are kept.
BIDI_OVERRIDES = {"\u202d", "\u202e"}
ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# The control characters (Unicode category Cc) but tab and line breaks, and the two overrides: one search per cell.
CONTROL_OR_OVERRIDE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202d\u202e]")
# Files people pick by mistake, by their first bytes.
SIGNATURES = [
    (b"%PDF-", gettext_lazy("a PDF document")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        gettext_lazy("an Excel 97-2003 workbook (.xls) or another old Office document: save it as .xlsx"),
    ),
    (b"\x89PNG", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF8", gettext_lazy("a GIF image")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf", gettext_lazy("a 7-Zip archive")),
]

Value = str | int | float | datetime.datetime | datetime.date | None


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Value]]] = field(default_factory=list)  # (row number, {column: value})


def _reject(message: str, *, row: int | None = None, column: str = "", value: str = "") -> ImportRejected:
    return ImportRejected([RowError(row=row, column=column, value=value, message=message)])


def _utf16_without_bom(data: bytes) -> bool:
    """UTF-16 text without its byte-order mark: Latin letters and digits leave every other byte zero."""
    head = data[:4096]
    if len(head) < 4:
        return False
    return max(head[0::2].count(0), head[1::2].count(0)) > len(head) // 4


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        raise _reject(_("The file is encoded as UTF-16. Save it as “CSV UTF-8” and import it again."))
    head = data[:4096]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    if controls > max(16, len(head) // 20):
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


def _refuse_other_text_formats(text: str) -> None:
    start = text.lstrip()[:1]
    if start in ("{", "["):
        raise _reject(_("The file holds JSON data, not a CSV table: export the data as “CSV UTF-8” instead."))
    if start == "<":
        raise _reject(
            _("The file is a web page (HTML) or XML, not a CSV table: export the data as “CSV UTF-8” instead.")
        )


def _read_csv(data: bytes, name: str, required: list[str]) -> Table:
    text = _decode(data, name)
    _refuse_other_text_formats(text)
    first_line = text.split("\n", 1)[0]
    # French spreadsheet programs write ';' between columns; choose the delimiter that finds the expected header.
    delimiter = max([",", ";", "\t"], key=lambda d: (sum(c in first_line.split(d) for c in required), d == ","))
    # strict: a quotation mark never closed is refused, instead of making the rest of the file one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise _reject(_("The file is empty.")) from None
    except csv.Error as exc:
        raise _reject(_("The file is not a readable CSV table: %(reason)s") % {"reason": exc}, row=1) from None
    columns = [c.strip().lstrip("\ufeff") for c in header]
    _check_width(columns)
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
        if "unexpected end of data" in str(exc):
            raise _reject(
                _(
                    "A quotation mark opened in row %(row)s is never closed: the rest of the file would be one cell. "
                    'Close the quotation mark, or double it ("") where it is part of the text.'
                )
                % {"row": number + 1},
                row=number + 1,
            ) from None
        raise _reject(_("The file is not a readable CSV table: %(reason)s") % {"reason": exc}, row=number + 1) from None
    return table


def _check_width(columns: list[str]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise _reject(
            _("The header has %(count)s columns; a table of recommendations has at most %(limit)s.")
            % {"count": len(columns), "limit": MAX_COLUMNS},
            row=1,
        )


def _refuse_non_workbook(data: bytes) -> None:
    """A file named .xlsx that is not one: say what it is rather than how opening it failed."""
    if not data.startswith(b"PK\x03\x04"):
        try:
            # Incremental: a character cut at the 4,096th byte is not a decoding error.
            codecs.getincrementaldecoder("utf-8-sig")().decode(data[:4096], final=False)
        except UnicodeDecodeError:
            raise _reject(_("The file is named .xlsx but is not an Excel workbook.")) from None
        raise _reject(
            _(
                "The file is named .xlsx but holds text (a CSV file?), not an Excel workbook: "
                "rename it to .csv, or save it from the spreadsheet as “Excel Workbook (.xlsx)”."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return  # damaged or truncated: openpyxl's refusal says so
    if "xl/workbook.xml" not in names:
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise _reject(
            _("The file is a ZIP archive but not an Excel workbook; it holds: %(names)s.") % {"names": shown or "—"}
        )


def _read_xlsx(data: bytes, name: str) -> Table:
    import openpyxl  # imported here: only XLSX imports pay for it

    _refuse_non_workbook(data)
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
        _check_width(columns)
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


def read_table(source: Path | str | bytes, *, name: str = "", required: list[str], keys: tuple = ()) -> Table:
    """Read a CSV (UTF-8, comma/semicolon/tab) or XLSX file and check it is a table with the required columns.

    Raises ``ImportRejected`` for an unreadable file, a missing column, a formula, an oversized cell, a control
    character, a character that reverses the text's direction, or an invisible character in a ``keys`` column
    (the columns that identify a row: two keys that look the same must be the same).
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
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ""):
        raise _reject(_("Unsupported file type “%(suffix)s”: import a .csv or .xlsx file.") % {"suffix": suffix})
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            raise _reject(_("The file is %(kind)s, not a CSV or Excel (.xlsx) table.") % {"kind": kind})
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data, name)
    else:
        table = _read_csv(data, name, required)

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
                problem = _cell_problem(value, key=column in keys)
                if problem:
                    errors.add(number, column, _shown(value), problem)
        if errors.full:
            break
    errors.raise_if_any()
    return table


def _cell_problem(value: str, *, key: bool) -> str:
    """What is wrong with a text cell, or ""."""
    if len(value) > MAX_CELL_CHARS:
        return _("The cell holds %(length)s characters; the limit is %(limit)s.") % {
            "length": len(value),
            "limit": MAX_CELL_CHARS,
        }
    if FORMULA.match(value):
        return _("This cell holds a spreadsheet formula; import values only.")
    found = CONTROL_OR_OVERRIDE.search(value)
    if found and found[0] in BIDI_OVERRIDES:
        return _(
            "The cell contains %(char)s, which shows the text around it in another order than the one it is written in."
        ) % {"char": _char_name(found[0])}
    if found:
        return _("The cell contains the control character %(char)s, which is not text.") % {
            "char": _char_name(found[0])
        }
    if key:
        for char in value:
            if unicodedata.category(char) in ("Cf", "Zl", "Zp"):
                return _(
                    "The identifier contains the invisible character %(char)s: it would look like another "
                    "identifier without being the same."
                ) % {"char": _char_name(char)}
    return ""


def _char_name(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _shown(value: str) -> str:
    """The value as the report shows it: its start, with control characters made visible."""
    value = value[:200]
    return "".join(
        f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") and c not in ALLOWED_CONTROLS else c
        for c in value
    )
