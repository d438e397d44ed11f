"""The portal's open data: every published recommendation, as CSV or JSON, documented field by field in
``docs/open-data.md`` (a test compares that table with what the downloads write).

Keys never change and are the CSV's header too. Values that have a code are given by their code (mechanism,
position, implementation status, language, SDG targets, national axes); names (review, themes, lead institutions,
the institution of a progress update) are in the language of the download. JSON gives each recommendation's
validated progress updates as a list; CSV, one row per recommendation, gives their number and the latest date.

The recommendations are read in chunks, their relations one query per relation per chunk, and the file is
streamed as it is written: memory stays flat whatever the number published.
"""

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.urls import reverse

from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Mechanism, Review
from rasd.portal.models import Publication
from rasd.portal.selectors import published_recommendations, validated_progress
from rasd.recommendations.models import NationalAxis, Recommendation, SdgTarget, Theme
from rasd.reports.exports import escape_formula, json_stream

CHUNK_SIZE = 2000
LIST_SEPARATOR = "; "

# The fields of both downloads, in order; then those of one only.
FIELDS = (
    "id",
    "url",
    "code",
    "paragraph",
    "mechanism",
    "review",
    "document",
    "date",
    "year",
    "position",
    "original_language",
    "text_ar",
    "text_fr",
    "text_en",
    "themes",
    "sdg_targets",
    "national_axes",
    "implementation_status",
    "lead_institutions",
    "published_at",
)
JSON_FIELDS = (*FIELDS, "progress")
CSV_FIELDS = (*FIELDS, "progress_count", "progress_latest_date")

_VALUES = (
    "id",
    "code",
    "paragraph",
    "mechanism_id",
    "review_id",
    "document__symbol",
    "date",
    "year",
    "position",
    "original_language",
    "text_ar",
    "text_fr",
    "text_en",
    "implementation_status",
)
_LINKS = {
    "themes": (Recommendation.themes.through, "theme_id"),
    "sdg_targets": (Recommendation.sdg_targets.through, "sdgtarget_id"),
    "national_axes": (Recommendation.national_axes.through, "nationalaxis_id"),
}


def open_data_rows(*, site: str = "") -> Iterator[dict[str, Any]]:
    """One dict per published recommendation (keys: ``JSON_FIELDS``), by id. ``site`` (scheme and host) makes
    the links absolute."""
    rows = published_recommendations().order_by("id").values(*_VALUES).iterator(chunk_size=CHUNK_SIZE)
    names = _Names(site=site)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [values["id"] for values in chunk]
        related = {
            name: _grouped(links.objects.filter(recommendation_id__in=ids).values_list("recommendation_id", column))
            for name, (links, column) in _LINKS.items()
        }
        related["leads"] = _grouped(
            Assignment.objects.filter(recommendation_id__in=ids, role=Assignment.Role.LEAD)
            .order_by("id")
            .values_list("recommendation_id", "institution_id")
        )
        published = dict(
            Publication.objects.filter(recommendation_id__in=ids).values_list("recommendation_id", "published_at")
        )
        progress = validated_progress(recommendation_ids=ids)
        for values in chunk:
            yield names.row(values, related, published, progress.get(values["id"], []))


def _grouped(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for recommendation_id, other in rows:
        grouped.setdefault(recommendation_id, []).append(other)
    return grouped


class _Names:
    """Codes and names of the reference tables, read once per download."""

    def __init__(self, *, site: str):
        self.mechanisms = dict(Mechanism.objects.values_list("pk", "code"))
        self.reviews = {review.pk: str(review) for review in Review.objects.select_related("mechanism")}
        self.themes = {theme.pk: theme.name for theme in Theme.objects.all()}
        self.targets = {target.pk: target.code for target in SdgTarget.objects.all()}
        self.axes = {axis.pk: axis.code for axis in NationalAxis.objects.all()}
        # Reference order: 16.3 before 16.10, axis 2 before axis 10.
        self.ranks = {
            "sdg_targets": {pk: rank for rank, pk in enumerate(self.targets)},
            "national_axes": {pk: rank for rank, pk in enumerate(self.axes)},
        }
        self.institutions = {institution.pk: institution.name for institution in Institution.objects.all()}
        self.url = site + reverse("portal_recommendation", args=[987654321]).replace("987654321", "{}")

    def _ordered(self, name: str, ids: list[int]) -> list[int]:
        return sorted(ids, key=self.ranks[name].__getitem__)

    def row(self, values: dict, related: dict, published: dict, progress: list) -> dict[str, Any]:
        pk = values["id"]
        published_at = published.get(pk)
        return {
            "id": pk,
            "url": self.url.format(pk),
            "code": values["code"],
            "paragraph": values["paragraph"],
            "mechanism": self.mechanisms[values["mechanism_id"]],
            "review": self.reviews.get(values["review_id"], ""),
            "document": values["document__symbol"] or "",
            "date": values["date"].isoformat() if values["date"] else "",
            "year": values["year"],
            "position": values["position"],
            "original_language": values["original_language"],
            "text_ar": values["text_ar"],
            "text_fr": values["text_fr"],
            "text_en": values["text_en"],
            "themes": sorted(self.themes[theme] for theme in related["themes"].get(pk, ())),
            "sdg_targets": [self.targets[t] for t in self._ordered("sdg_targets", related["sdg_targets"].get(pk, []))],
            "national_axes": [
                self.axes[a] for a in self._ordered("national_axes", related["national_axes"].get(pk, []))
            ],
            "implementation_status": values["implementation_status"],
            "lead_institutions": [self.institutions[i] for i in related["leads"].get(pk, ())],
            "published_at": published_at.isoformat() if published_at else "",
            "progress": [
                {"date": update.date.isoformat(), "institution": update.institution, "text": update.text}
                for update in progress
            ],
        }


class _Line:
    """A file that hands back what is written to it, so that ``csv.writer`` can feed a generator."""

    def write(self, text: str) -> str:
        return text


def csv_rows(rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """The rows as the CSV's cells: lists joined, the progress counted, text that a spreadsheet would run as a
    formula escaped."""
    for row in rows:
        progress = row["progress"]
        flat = {
            **row,
            "progress_count": len(progress),
            "progress_latest_date": progress[0]["date"] if progress else "",
        }
        yield [_cell(flat[name]) for name in CSV_FIELDS]


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    if value is None:
        return ""
    return escape_formula(value) if isinstance(value, str) else value


def csv_stream(rows: Iterable[dict[str, Any]], *, batch: int = 200) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so that Excel reads Arabic), the header of keys first."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode() + writer.writerow(CSV_FIELDS).encode()
    lines = []
    for cells in csv_rows(rows):
        lines.append(writer.writerow(cells))
        if len(lines) >= batch:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def json_rows_stream(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """One JSON array of objects keyed by ``JSON_FIELDS``, written as it goes (the reports' JSON writer)."""
    return json_stream(rows)
