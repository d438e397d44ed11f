"""What a generated document says, before it is written in any format: the selectors build these, the writers
(``docx``, ``pdf``) lay them out. Every text is already in the document's language; the user's own texts (progress
updates, recommendation texts) are kept as written.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A token counts as a word when it has a letter or a digit: "—" or "(" alone is not a word, as word processors count.
_WORDY = re.compile(r"[^\W_]")

FIRST_STRONG_ISOLATE, LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE = "\u2068", "\u2066", "\u2069"


def word_count(texts) -> int:
    """The words of ``texts``: whitespace-separated tokens with at least one letter or digit."""
    return sum(1 for text in texts for token in text.split() if _WORDY.search(token))


def isolated(value) -> str:
    """``value`` isolated for the bidirectional algorithm: a symbol (A/HRC/36/6), a number or a French name inside
    Arabic text keeps its own order and does not reorder the words around it."""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_ISOLATE}"


def direction(text: str, default: str = "ltr") -> str:
    """ "rtl" or "ltr": the direction of the first strong character of ``text`` (as HTML's dir="auto" decides)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


@dataclass(frozen=True)
class Update:
    """A validated progress update, as a report cites it."""

    pk: int
    date: datetime.date
    institution: str
    text: str
    action: str = ""  # the action it reports on, if any

    @property
    def heading(self) -> str:
        """Its date, institution and action, in the active language."""
        heading = f"{isolated(self.date.isoformat())} · {self.institution}"
        if self.action:
            heading += " · " + _("action: %(title)s") % {"title": isolated(self.action)}
        return heading


@dataclass
class RecommendationEntry:
    pk: int
    label: str  # as cited: the paragraph number (144.12) or the national code
    source: str  # the document symbol, else the mechanism
    text: str
    status: str
    lines: list[str] = field(default_factory=list)  # institutions, roles, due dates: already worded
    updates: list[Update] = field(default_factory=list)


@dataclass
class Group:
    """A section of a draft: the recommendations of one cluster, theme or axis, with their validated progress."""

    title: str
    citation: str  # "Recommendations 144.12, 144.15 (A/HRC/36/6)"
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Document:
    """A progress report (``recommendations``) or a draft to a mechanism (``groups``)."""

    kind: str  # GeneratedReport.Kind: "progress" or "draft"
    language: str
    title: str
    subtitle: str
    notes: list[str] = field(default_factory=list)  # about the document, not part of it: never counted as words
    counts_title: str = ""
    counts: list[tuple[str, int]] = field(default_factory=list)
    recommendations: list[RecommendationEntry] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    word_limit: int | None = None
    word_count: int | None = None  # of a draft, once counted
    word_count_note: str = ""  # "8,412 of 10,700 words"

    @property
    def over_limit(self) -> bool:
        return self.word_limit is not None and self.word_count is not None and self.word_count > self.word_limit

    @property
    def is_draft(self) -> bool:
        return self.kind == "draft"

    def counted_texts(self) -> list[str]:
        """The texts of a draft that its word count covers: its title and subtitle, each section's title and
        citation, and its paragraphs — what would be sent to the mechanism, not the notes for the drafters."""
        texts = [self.title, self.subtitle]
        for group in self.groups:
            texts += [group.title, group.citation, *group.paragraphs]
        return texts
