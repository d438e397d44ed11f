"""Where the search index lives, chosen by the database in use: SQLite FTS5 or PostgreSQL full-text search.

Both backends store the same thing — the terms ``normalise.py`` makes of each recommendation's Arabic, French and
English texts and of its codes — and answer the same query tree (``query.py``), so a search finds the same
recommendations on both; only the scores differ (bm25 on FTS5, ts_rank on PostgreSQL).

Why not PostgreSQL's own ``arabic``/``french``/``english`` configurations: they would stem a second time with
PostgreSQL's dictionaries, after a parser that cuts codes ("A/HRC/36/6", "144.12") its own way and with stop-word
lists that FTS5 does not have, so the embedded default and production would find different records, and the
snippets (marked in Python) would not show what PostgreSQL matched. Our terms are computed once, in Python, and
handed to PostgreSQL as ready-made lexemes (a ``tsvector`` literal, which bypasses the parser and dictionaries —
stricter than the 'simple' configuration, which would still run the parser); FTS5 gets them as space-separated
text that its unicode61 tokenizer only splits on spaces. The one normaliser is the single place to improve.
"""

from dataclasses import dataclass

from django.db import connection

from rasd.search import normalise


@dataclass(frozen=True)
class IndexEntry:
    """What is indexed for one recommendation: the terms of each text in order, and of its codes, space-separated."""

    recommendation_id: int
    ar: str
    fr: str
    en: str
    codes: str


def index_entry(pk: int, text_ar: str, text_fr: str, text_en: str, *codes: str | None) -> IndexEntry:
    """What the index holds for one recommendation: each text's terms (its own language's stemming) and its codes'
    (national code, paragraph, document symbol)."""
    return IndexEntry(
        recommendation_id=pk,
        ar=normalise.index_text(text_ar, "ar"),
        fr=normalise.index_text(text_fr, "fr"),
        en=normalise.index_text(text_en, "en"),
        codes=" ".join(normalise.index_text(code) for code in codes if code),
    )


# The values of a recommendation that index_entry() takes, in its order.
INDEXED_FIELDS = ("pk", "text_ar", "text_fr", "text_en", "code", "paragraph", "document__symbol")


def backend():
    """The backend module for the default database (``sqlite`` or ``postgresql``)."""
    from rasd.search.backends import postgresql, sqlite

    backends = {"sqlite": sqlite, "postgresql": postgresql}
    try:
        return backends[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {connection.vendor}") from None
