"""How fast the UPR Info file imports, and how far that is from what SQLite itself can do.

    .venv/bin/python benchmarks/import.py [--rows N] [--no-record]

Builds a fresh, migrated SQLite database with the reference data in a temporary folder, then:

1. imports data/samples/upr_info_2008_2014.csv (or its first N rows) through ``import_file``, as the command and
   the upload page do, and imports it again (every row unchanged);
2. into a second copy of the same fresh database, inserts the very rows the importer wrote (reviews,
   recommendations, their recommending-state and theme links, history entries) with bare
   ``sqlite3.executemany``, every value computed before the clock starts.

The ratio of the two says how much the importer spends beyond the unavoidable writes. The result is printed and
appended to benchmarks/RESULTS.md under "## Import: UPR Info file" (unless ``--no-record``).
"""

import argparse
import csv
import datetime
import sqlite3
import tempfile
import time
from pathlib import Path

from common import BASE_DIR, RESULTS, machine, record_result, setup_django

SAMPLE = BASE_DIR / "data" / "samples" / "upr_info_2008_2014.csv"
SECTION = "## Import: UPR Info file"
# The same pragmas as config/settings.py gives Django's SQLite connections, so both sides write alike.
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def write_slice(path: Path, rows: int) -> None:
    with open(SAMPLE, encoding="utf-8", newline="") as source, open(path, "w", encoding="utf-8", newline="") as target:
        reader, writer = csv.reader(source), csv.writer(target)
        writer.writerow(next(reader))
        for _number, row in zip(range(rows), reader):
            writer.writerow(row)


def copy_database(source: Path, target: Path) -> None:
    # The backup API copies a WAL database consistently, whatever is still in its -wal file.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def bare_rows(batch, database: Path, label: str) -> dict[str, tuple[str, list[tuple]]]:
    """The INSERT statement and rows for every table the importer writes, computed from the parsed batch."""
    from rasd.core.models import HistoryEntry
    from rasd.mechanisms.models import Review
    from rasd.recommendations.models import Recommendation

    db = sqlite3.connect(database)
    state_ids = dict(db.execute("SELECT iso3, id FROM states_state"))
    mechanism_ids = dict(db.execute("SELECT code, id FROM mechanisms_mechanism"))
    theme_ids = {(v, c): pk for v, c, pk in db.execute("SELECT vocabulary, code, id FROM recommendations_theme")}
    [content_type_id] = db.execute(
        "SELECT id FROM django_content_type WHERE app_label = 'recommendations' AND model = 'recommendation'"
    ).fetchone()
    db.close()
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(" ")

    def statement(model, columns: list[str]) -> str:
        assert set(columns) <= {f.column for f in model._meta.local_concrete_fields}, columns
        return f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'

    review_ids: dict = {}
    for record in batch.records:
        review_ids.setdefault(record.review, len(review_ids) + 1)
    reviews = [
        (pk, mechanism_ids[key.mechanism], state_ids[key.state], key.cycle, key.session, key.year)
        for key, pk in review_ids.items()
    ]
    value_fields = list(batch.records[0].values)
    recommendations, states, themes, history = [], [], [], []
    for pk, record in enumerate(batch.records, start=1):
        recommendations.append(
            (
                pk,
                state_ids[record.state],
                mechanism_ids[record.mechanism],
                review_ids[record.review],
                None,
                *(record.values[f] for f in value_fields),
                batch.source,
                record.source_key,
                now,
                now,
                1,
            )
        )
        states.extend((pk, state_ids[iso3]) for iso3 in record.recommending_states)
        themes.extend((pk, theme_ids[key]) for key in record.themes)
        # The bare baseline writes what an entry holds, its digest included (a constant: no chaining work).
        history.append(
            (content_type_id, str(pk), HistoryEntry.Action.CREATED.value, "{}", "", None, "", label, now, "0" * 64)
        )
    rec_columns = [
        "id",
        "state_id",
        "mechanism_id",
        "review_id",
        "document_id",
        *value_fields,
        "source",
        "source_key",
        "created_at",
        "updated_at",
        "version",
    ]
    assert len(rec_columns) == len(Recommendation._meta.local_concrete_fields)
    return {
        "reviews": (statement(Review, ["id", "mechanism_id", "state_id", "cycle", "session", "year"]), reviews),
        "recommendations": (statement(Recommendation, rec_columns), recommendations),
        "recommending_states": (
            statement(Recommendation.recommending_states.through, ["recommendation_id", "state_id"]),
            states,
        ),
        "themes": (statement(Recommendation.themes.through, ["recommendation_id", "theme_id"]), themes),
        "history": (
            statement(
                HistoryEntry,
                [
                    "content_type_id",
                    "object_id",
                    "action",
                    "changes",
                    "note",
                    "actor_id",
                    "actor_name",
                    "source",
                    "at",
                    "digest",
                ],
            ),
            history,
        ),
    }


def bare_insert(database: Path, statements: dict) -> float:
    db = sqlite3.connect(database, isolation_level=None)
    for pragma in PRAGMAS:
        db.execute(pragma)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for sql, rows in statements.values():
        db.executemany(sql, rows)
    db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def table_sizes(database: Path) -> dict[str, int]:
    tables = [
        "mechanisms_review",
        "recommendations_recommendation",
        "recommendations_recommendation_recommending_states",
        "recommendations_recommendation_themes",
        "core_historyentry",
    ]
    db = sqlite3.connect(database)
    sizes = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    db.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="import only the first N rows of the file")
    parser.add_argument("--no-record", action="store_true", help="print the result without adding it to RESULTS.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rasd-bench-") as tmp:
        tmp = Path(tmp)
        database, bare_database = tmp / "import.sqlite3", tmp / "bare.sqlite3"
        setup_django(database)
        from django.core.management import call_command
        from django.db import connection

        from rasd.core.reference import reference_data_load
        from rasd.imports.services import import_file
        from rasd.imports.sources import upr_info

        call_command("migrate", verbosity=0)
        reference_data_load()
        connection.close()
        copy_database(database, bare_database)

        data = SAMPLE
        if args.rows:
            data = tmp / SAMPLE.name
            write_slice(data, args.rows)
        label = data.name
        stages = {}

        def progress(stage, done, total):
            stages[stage] = time.perf_counter()  # the last report of a stage is when it ended

        started = time.perf_counter()
        first = import_file(source="upr_info", data=data, label=label, progress=progress)
        first_seconds = time.perf_counter() - started
        reading_seconds = stages["reading"] - started
        rows = first.total
        assert first.created == rows, first

        started = time.perf_counter()
        again = import_file(source="upr_info", data=data, label=label)
        again_seconds = time.perf_counter() - started
        assert (again.created, again.updated, again.unchanged) == (0, 0, rows), again
        connection.close()

        statements = bare_rows(upr_info.parse(data, name=label), bare_database, label)
        bare_seconds = bare_insert(bare_database, statements)
        imported_sizes, bare_sizes = table_sizes(database), table_sizes(bare_database)
        assert imported_sizes == bare_sizes, (imported_sizes, bare_sizes)

    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    links = (
        bare_sizes["recommendations_recommendation_recommending_states"]
        + bare_sizes["recommendations_recommendation_themes"]
    )
    reading = f" (of which reading and checking the file: {reading_seconds:.1f} s)"
    entry = f"""### {when}

- Machine: {machine()}
- File: `{SAMPLE.relative_to(BASE_DIR)}`, {rows:,} rows{" (first rows only)" if args.rows else ""}; written: \
{bare_sizes["recommendations_recommendation"]:,} recommendations, {bare_sizes["mechanisms_review"]:,} reviews, \
{links:,} links (recommending states, themes), {bare_sizes["core_historyentry"]:,} history entries

| step | seconds | rows/s |
|---|---:|---:|
| `import_file`, first import{reading} | {first_seconds:.1f} | {rows / first_seconds:,.0f} |
| `import_file`, same file again (all unchanged) | {again_seconds:.1f} | {rows / again_seconds:,.0f} |
| bare `sqlite3.executemany` of the same rows (values computed beforehand) | {bare_seconds:.2f} | {rows / bare_seconds:,.0f} |

Importer / bare: {first_seconds / bare_seconds:.1f}× (first import).
"""
    print(entry)
    if not args.no_record:
        record_result(section=SECTION, script="import.py", entry=entry)
        print(f"Added to {RESULTS.relative_to(BASE_DIR)}.")


if __name__ == "__main__":
    main()
