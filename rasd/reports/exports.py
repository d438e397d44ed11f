"""Exports of the recommendation list: every recommendation the list shows for a set of filters, in CSV, Excel
(XLSX) or JSON, with no cap on the number of rows.

``recommendation_export_rows`` reads the recommendations as the list page does (same filters, same reader) and
yields one row per recommendation: a dict keyed by the stable names of ``COLUMNS``. The writers turn the rows into
a file: ``csv_stream`` and ``json_stream`` yield bytes as they go, ``xlsx_write`` writes a workbook row by row into
a file. Memory stays flat whatever the number of rows: the recommendations are read in chunks, and each chunk's
related records (themes, states, institutions…) are fetched in one query per relation.

Labels (headers, mechanisms, positions, statuses, names) follow the active language. Text cells that a spreadsheet
would read as a formula are written so that it shows them as text.
"""

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from rasd.core.models import Language, active_language
from rasd.followup.models import Assignment
from rasd.followup.policies import assignments_visible_to
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Mechanism, Review
from rasd.recommendations import selectors
from rasd.recommendations.models import (
    AffectedPerson,
    ImplementationStatus,
    NationalAxis,
    Position,
    Recommendation,
    SdgTarget,
    Theme,
)
from rasd.states.models import State

# Recommendations read (and their relations prefetched) per query.
CHUNK_SIZE = 2000
# Between two values of a list in one cell (CSV, XLSX); JSON keeps lists as arrays.
LIST_SEPARATOR = "; "
# What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit on the characters of one cell.
XLSX_CELL_LIMIT = 32767
# Control characters that XML 1.0 (and so XLSX) cannot hold.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    key: str  # the name in JSON; stable across languages and versions
    header: Promise  # the title in CSV and XLSX, in the active language
    width: int = 14  # in the XLSX sheet, in characters


COLUMNS = (
    Column("id", _("Id"), 8),
    Column("code", _("National code"), 12),
    Column("paragraph", _("Paragraph"), 10),
    Column("kind", _("Type"), 14),
    Column("mechanism", _("Mechanism"), 24),
    Column("review", _("Review"), 22),
    Column("document", _("Document"), 20),
    Column("date", _("Date"), 11),
    Column("year", _("Year"), 7),
    Column("state", _("State under review"), 16),
    Column("recommending_states", _("Recommending states"), 24),
    Column("original_language", _("Original language"), 10),
    Column("text_ar", _("Text (Arabic)"), 60),
    Column("text_fr", _("Text (French)"), 60),
    Column("text_en", _("Text (English)"), 60),
    Column("position", _("Position"), 12),
    Column("implementation_status", _("Implementation status"), 18),
    Column("themes", _("Themes"), 30),
    Column("affected_persons", _("Affected persons"), 24),
    Column("sdg_goals", _("SDG goals"), 10),
    Column("sdg_targets", _("SDG targets"), 12),
    Column("national_axes", _("National axes"), 30),
    Column("lead_institutions", _("Lead institutions"), 24),
    Column("supporting_institutions", _("Supporting institutions"), 24),
    Column("url", _("Link"), 40),
)


def recommendation_export_rows(*, filters: Mapping, visible_to, site: str = "") -> Iterator[dict[str, Any]]:
    """One row per recommendation that the list shows ``visible_to`` for ``filters`` (the list's GET parameters),
    in the list's order, all of them. Institutions are those of the assignments the reader may see. ``site``
    (scheme and host) makes the links absolute.

    Values are text, numbers or lists of text; empty text where a value is not recorded.
    """
    results = selectors.recommendation_results(filters=filters, visible_to=visible_to)
    recommendations = results.recommendations.values(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    labels = _Labels(site=site)
    assignments = assignments_visible_to(visible_to) if visible_to is not None else Assignment.objects.all()
    while chunk := list(islice(recommendations, CHUNK_SIZE)):
        related = _related(chunk, assignments)
        for values in chunk:
            yield labels.row(values, related)


# Read as plain values, not model instances: building 34,000 instances and their prefetched relations (a queryset
# clone per relation per row) took most of the time of an export.
_FIELDS = (
    "id",
    "code",
    "paragraph",
    "kind",
    "mechanism_id",
    "review_id",
    "document__symbol",
    "date",
    "year",
    "state_id",
    "original_language",
    "text_ar",
    "text_fr",
    "text_en",
    "position",
    "implementation_status",
)
_LINKS = {
    "recommending_states": (Recommendation.recommending_states.through, "state_id"),
    "themes": (Recommendation.themes.through, "theme_id"),
    "affected_persons": (Recommendation.affected_persons.through, "affectedperson_id"),
    "sdg_targets": (Recommendation.sdg_targets.through, "sdgtarget_id"),
    "national_axes": (Recommendation.national_axes.through, "nationalaxis_id"),
}


def _related(chunk: list[dict], assignments) -> dict[str, dict[int, list]]:
    """For the recommendations of ``chunk``, the ids each is linked to, per relation: one query per relation."""
    ids = [values["id"] for values in chunk]
    related: dict[str, dict[int, list]] = {}
    for name, (links, column) in _LINKS.items():
        related[name] = _grouped(
            links.objects.filter(recommendation_id__in=ids).values_list("recommendation_id", column)
        )
    visible = assignments.filter(recommendation_id__in=ids).order_by("role", "id")
    related["assignments"] = _grouped(visible.values_list("recommendation_id", "institution_id", "role"), pairs=True)
    return related


def _grouped(rows, *, pairs: bool = False) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for recommendation_id, *rest in rows:
        grouped.setdefault(recommendation_id, []).append(tuple(rest) if pairs else rest[0])
    return grouped


class _Labels:
    """The names and labels of an export in the active language, each computed once: reference tables are small,
    and translating the same label 34,000 times was a large part of the work."""

    def __init__(self, *, site: str):
        self.kinds = {value: str(label) for value, label in Recommendation.Kind.choices}
        self.positions = {value: str(label) for value, label in Position.choices}
        self.statuses = {value: str(label) for value, label in ImplementationStatus.choices}
        self.languages = {value: str(label) for value, label in Language.choices}
        self.mechanisms = {m.pk: selectors.mechanism_label(m) for m in Mechanism.objects.all()}
        self.states = {state.pk: state.name for state in State.objects.all()}
        self.themes = {theme.pk: theme.name for theme in Theme.objects.all()}
        self.affected = {person.pk: person.name for person in AffectedPerson.objects.all()}
        self.targets = {t.pk: (t.code, str(t.goal.number)) for t in SdgTarget.objects.select_related("goal")}
        self.axes = {axis.pk: f"{axis.code} {axis.name}" for axis in NationalAxis.objects.all()}
        self.ranks = {
            table: {pk: rank for rank, pk in enumerate(getattr(self, table))} for table in ("targets", "axes")
        }
        self.institutions = {institution.pk: institution.name for institution in Institution.objects.all()}
        self.reviews = {review.pk: str(review) for review in Review.objects.select_related("mechanism")}
        # The page of a recommendation, with a number no id reaches in place of the id.
        self.url = site + reverse("recommendation_detail", args=[987654321]).replace("987654321", "{}")

    def _ordered(self, ids, table: str) -> list[int]:
        # SDG targets and national axes in their own order (16.3 before 16.10; axis 2 before axis 10).
        return sorted(ids, key=self.ranks[table].__getitem__) if len(ids) > 1 else list(ids)

    def row(self, values: dict, related: dict[str, dict[int, list]]) -> dict[str, Any]:
        pk = values["id"]
        targets = [self.targets[target] for target in self._ordered(related["sdg_targets"].get(pk, ()), "targets")]
        assignments = related["assignments"].get(pk, ())
        return {
            "id": pk,
            "code": values["code"],
            "paragraph": values["paragraph"],
            "kind": self.kinds.get(values["kind"], values["kind"]),
            "mechanism": self.mechanisms[values["mechanism_id"]],
            "review": self.reviews.get(values["review_id"], ""),
            "document": values["document__symbol"] or "",
            "date": values["date"].isoformat() if values["date"] else "",
            "year": values["year"],
            "state": self.states[values["state_id"]],
            "recommending_states": sorted(self.states[state] for state in related["recommending_states"].get(pk, ())),
            "original_language": self.languages.get(values["original_language"], ""),
            "text_ar": values["text_ar"],
            "text_fr": values["text_fr"],
            "text_en": values["text_en"],
            "position": self.positions.get(values["position"], ""),
            "implementation_status": self.statuses.get(values["implementation_status"], ""),
            "themes": sorted(self.themes[theme] for theme in related["themes"].get(pk, ())),
            "affected_persons": sorted(self.affected[person] for person in related["affected_persons"].get(pk, ())),
            "sdg_goals": list(dict.fromkeys(goal for _code, goal in targets)),
            "sdg_targets": [code for code, _goal in targets],
            "national_axes": [self.axes[axis] for axis in self._ordered(related["national_axes"].get(pk, ()), "axes")],
            "lead_institutions": [self.institutions[i] for i, role in assignments if role == Assignment.Role.LEAD],
            "supporting_institutions": [
                self.institutions[i] for i, role in assignments if role == Assignment.Role.SUPPORTING
            ],
            "url": self.url.format(pk),
        }


def headers() -> list[str]:
    return [str(column.header) for column in COLUMNS]


def escape_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: prefixed with an apostrophe when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell_text(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return "" if value is None else value


# ---- CSV ----


class _Line:
    """A file that hands back what is written to it, so that ``csv.writer`` can feed a generator."""

    def write(self, text: str) -> str:
        return text


def csv_stream(rows: Iterable[dict[str, Any]], *, batch: int = 200) -> Iterator[bytes]:
    """The rows as UTF-8 CSV with a byte-order mark (without it Excel reads Arabic as Latin-1), header first,
    ``batch`` rows per chunk yielded."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode() + writer.writerow(headers()).encode()
    lines = []
    for row in rows:
        lines.append(writer.writerow([_csv_value(row[column.key]) for column in COLUMNS]))
        if len(lines) >= batch:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def _csv_value(value: Any) -> Any:
    value = _cell_text(value)
    return escape_formula(value) if isinstance(value, str) else value


# ---- JSON ----


def json_stream(rows: Iterable[dict[str, Any]], *, batch: int = 200) -> Iterator[bytes]:
    """The rows as one JSON array of objects keyed by ``COLUMNS``' keys, written as it goes. Lists stay arrays;
    nothing is escaped (JSON has no formulas)."""
    yield b"["
    parts, first = [], True
    for row in rows:
        parts.append(("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
        if len(parts) >= batch:
            yield "".join(parts).encode()
            parts = []
    yield ("".join(parts) + "\n]\n").encode()


# ---- XLSX ----


def xlsx_write(rows: Iterable[dict[str, Any]], file: str | IO[bytes]) -> int:
    """Write the rows as an Excel workbook of one sheet into ``file`` (a path or a binary file); return the
    number of rows.

    The workbook is write-only: each row goes to disk as it is added (inline strings, no table of shared
    strings kept in memory). Right to left when the active language is Arabic; the header row is bold and frozen.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Recommendations"))[:31])
    sheet.sheet_view.rightToLeft = active_language() == "ar"
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header_cells = []
    for title in headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(sheet, row[column.key]) for column in COLUMNS])
        count += 1
    workbook.save(file)
    return count


def _xlsx_value(sheet, value: Any) -> Any:
    value = _cell_text(value)
    if not isinstance(value, str):
        return value
    value = XLSX_ILLEGAL.sub("", value)[:XLSX_CELL_LIMIT]
    if not value.startswith("="):
        return value
    # openpyxl writes a text starting with "=" as a formula; a cell typed as a string keeps it text.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
