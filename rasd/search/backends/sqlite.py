"""The search index on SQLite: an FTS5 virtual table, rowid = recommendation id, ranked by bm25.

The columns hold the terms of each text separated by spaces (``normalise.py`` makes them letters and digits only,
and has already folded case and accents, so the tokenizer is told to do nothing but split). A phrase cannot run
from one column into the next, as in PostgreSQL where the columns are kept apart by gaps in the positions.
Prefix indexes of 2 and 3 characters keep ``ratif*``-style queries fast on a UHRI-sized corpus.

A trigger removes a recommendation's row when the recommendation is deleted (by the ORM, the admin or a test's
flush). SQLite drops a table's triggers when Django rebuilds that table in a migration, so ``schema_repair``
recreates it; every index update calls it.
"""

from collections.abc import Iterable

from django.db import connection

from rasd.search.backends import IndexEntry
from rasd.search.query import Node, fts5_match

TABLE = "search_recommendation_index"
TRIGGER = "search_recommendation_index_forget"
COLUMNS = ("ar", "fr", "en", "codes")


def _trigger_sql(recommendation_table: str) -> str:
    return (
        f'CREATE TRIGGER IF NOT EXISTS {TRIGGER} AFTER DELETE ON "{recommendation_table}" '
        f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END"
    )


def schema_create(cursor, recommendation_table: str) -> None:
    cursor.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        f"{', '.join(COLUMNS)}, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
    )
    cursor.execute(_trigger_sql(recommendation_table))


def schema_drop(cursor) -> None:
    cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def schema_repair() -> None:
    from rasd.recommendations.models import Recommendation

    with connection.cursor() as cursor:
        cursor.execute(_trigger_sql(Recommendation._meta.db_table))


def delete(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def insert(entries: Iterable[IndexEntry]) -> None:
    rows = [(e.recommendation_id, e.ar, e.fr, e.en, e.codes) for e in entries]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES (%s, %s, %s, %s, %s)", rows)


def optimise() -> None:
    """Merge the index's segments into one (after a full rebuild): fewer pages to read per query."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")


def search(node: Node, limit: int, candidates: int) -> list[tuple[int, float]]:
    """(recommendation id, score) of the best ``limit`` matches of a query, best first (higher is better), ranked
    among its ``candidates`` most recently added matches (all of them when it has no more).

    FTS5 walks a query's matches in rowid order and can stop early; bm25 is what costs (reading each match's
    positions), so bounding the matches it scores bounds the time of a broad query ("women": 34,000 matches).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, score FROM (SELECT rowid, -bm25({TABLE}) AS score FROM {TABLE} WHERE {TABLE} MATCH %s "
            "ORDER BY rowid DESC LIMIT %s) ORDER BY score DESC, rowid DESC LIMIT %s",
            [fts5_match(node), candidates, limit],
        )
        return cursor.fetchall()
