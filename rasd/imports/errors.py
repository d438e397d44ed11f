"""What an import reports when it refuses a file."""

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

# A report names at most this many problems; a file with more is usually a wrong format, not bad rows.
MAX_REPORTED_ERRORS = 100


@dataclass(frozen=True)
class RowError:
    """One problem in the file. ``row`` is the spreadsheet row number (the header is row 1), or None for the file."""

    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        if self.column:
            where += ", " + _("column “%(column)s”") % {"column": self.column}
        shown = self.value if len(self.value) <= 80 else self.value[:77] + "…"
        if shown:
            return _("%(where)s, value “%(value)s”: %(message)s") % {
                "where": where,
                "value": shown,
                "message": self.message,
            }
        return _("%(where)s: %(message)s") % {"where": where, "message": self.message}


class ImportRejected(Exception):
    """The file was refused as a whole; nothing was written. ``errors`` says why, row by row."""

    def __init__(self, errors: list[RowError], *, truncated: bool = False):
        self.errors = errors[:MAX_REPORTED_ERRORS]
        self.truncated = truncated or len(errors) > MAX_REPORTED_ERRORS
        super().__init__("\n".join(str(e) for e in self.errors))


class ErrorCollector:
    """Collects row errors while a file is read, so one run reports every problem, not only the first."""

    def __init__(self):
        self.errors: list[RowError] = []

    def add(self, row: int | None, column: str, value, message: str) -> None:
        self.errors.append(
            RowError(row=row, column=column, value="" if value is None else str(value), message=str(message))
        )

    @property
    def full(self) -> bool:
        return len(self.errors) > MAX_REPORTED_ERRORS

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRejected(self.errors)
