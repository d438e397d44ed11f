"""The search index on PostgreSQL: one ``tsvector`` per recommendation with a GIN index, ranked by ts_rank.

The vector is written as a ``tsvector`` literal built here from ``normalise.py``'s terms with their positions, so
PostgreSQL's parser and dictionaries never touch it (see ``backends/__init__.py`` for why). The texts follow one
another in the vector with a gap in the positions, so that a phrase cannot run from one text into the next.
PostgreSQL keeps positions up to 16,383; words beyond that in a very long recommendation are still found, but a
phrase there may be missed.

Triggers remove a recommendation's row when it is deleted and empty the index when the recommendations table is
truncated (as a test's flush does), so the index never holds a row for a recommendation that is gone.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from rasd.search.backends import IndexEntry
from rasd.search.query import Node, tsquery

TABLE = "search_recommendation_index"
MAX_POSITION = 16383
GAP = 10  # positions left empty between two texts: more than 1 is enough to stop a phrase crossing over
# ts_rank normalisation 1: divide by 1 + log(length), so that a short text that says it outranks a long one.
RANK_NORMALISATION = 1


def schema_create(cursor, recommendation_table: str) -> None:
    cursor.execute(f"CREATE TABLE {TABLE} (recommendation_id bigint PRIMARY KEY, document tsvector NOT NULL)")
    cursor.execute(f"CREATE INDEX {TABLE}_document ON {TABLE} USING GIN (document)")
    cursor.execute(
        f"CREATE FUNCTION {TABLE}_forget() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"DELETE FROM {TABLE} WHERE recommendation_id = OLD.id; RETURN NULL; END $$"
    )
    cursor.execute(
        f'CREATE TRIGGER {TABLE}_forget AFTER DELETE ON "{recommendation_table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_forget()"
    )
    cursor.execute(
        f"CREATE FUNCTION {TABLE}_clear() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"TRUNCATE {TABLE}; RETURN NULL; END $$"
    )
    cursor.execute(
        f'CREATE TRIGGER {TABLE}_clear AFTER TRUNCATE ON "{recommendation_table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_clear()"
    )


def schema_drop(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_forget() CASCADE")
    cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_clear() CASCADE")


def schema_repair() -> None:
    """Nothing to do: PostgreSQL keeps triggers when a migration alters the recommendations table."""


def document(entry: IndexEntry) -> str:
    """The ``tsvector`` literal of an entry: each term with the positions where it occurs."""
    positions: dict[str, list[int]] = defaultdict(list)
    position = 0
    for terms in (entry.codes, entry.ar, entry.fr, entry.en):
        for term in terms.split():
            position += 1
            positions[term].append(min(position, MAX_POSITION))
        position += GAP
    return " ".join(
        "'" + term.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(map(str, places))
        for term, places in positions.items()
    )


def delete(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE recommendation_id = ANY(%s)", [ids])


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def insert(entries: Iterable[IndexEntry]) -> None:
    rows = [(e.recommendation_id, document(e)) for e in entries]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} (recommendation_id, document) VALUES (%s, %s::tsvector)", rows)


def optimise() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")


def search(node: Node, limit: int, candidates: int) -> list[tuple[int, float]]:
    """(recommendation id, score) of the best ``limit`` matches of a query, best first (higher is better), ranked
    among its ``candidates`` most recently added matches (all of them when it has no more), as on SQLite."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT recommendation_id, ts_rank(document, query, {RANK_NORMALISATION}) AS score "
            f"FROM (SELECT recommendation_id, document, query FROM {TABLE}, CAST(%s AS tsquery) AS query "
            "WHERE document @@ query ORDER BY recommendation_id DESC LIMIT %s) AS candidates "
            "ORDER BY score DESC, recommendation_id DESC LIMIT %s",
            [tsquery(node), candidates, limit],
        )
        return cursor.fetchall()
