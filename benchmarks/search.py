"""How fast keyword search is on a corpus the size of UHRI, beside raw FTS5 and Django's ``icontains``.

    .venv/bin/python benchmarks/search.py [--copies N] [--repeat N] [--no-record]

In a fresh, migrated SQLite database in a temporary folder (nothing else is touched):

1. loads the reference data, imports the DIDH demo data (French/Arabic, 742) and data/samples/upr_info_2008_2014.csv
   (English, 33,538) through ``import_file``, then copies the UPR Info recommendations in SQL (INSERT … SELECT with
   a distinct source key) until there are about 270,000 recommendations, the size of UHRI (8 copies: 269,046);
2. rebuilds the search index of all of them (``search_index_update``), timed;
3. runs a fixed list of 32 queries (English words, phrases, prefixes, NOT/OR, a few French and Arabic), each once
   to warm up and then ``--repeat`` times, three ways: ``recommendation_search(mode="keyword", limit=1000)``
   through the service layer (parsing, normalising, ranking in SQL, snippets for the first 25 hits); the very
   MATCH expression the service sends, as a bare ``sqlite3`` query with bm25 order and LIMIT (no Python work
   after it); and the same query as Django ``text_en__icontains`` lookups (each word or phrase one lookup, joined
   as the query joins them; every matching id, as a search must find them all to rank or count them; fewer runs,
   as each one scans the table);
4. measures the stemming choices on the demo data's vocabulary: the Arabic light stemmer against Snowball's (for
   the pairs of words found in the demo texts with and without ال, و, بال/لل/وال, and in the singular and sound
   plural, how often each gives both the same stem), and three orders of accent removal and French stemming.

The result is printed and appended to benchmarks/RESULTS.md under "## Search" (unless ``--no-record``).
"""

import argparse
import collections
import datetime
import functools
import operator
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from common import BASE_DIR, RESULTS, machine, record_result, setup_django

SAMPLE = BASE_DIR / "data" / "samples" / "upr_info_2008_2014.csv"
DEMO = BASE_DIR / "data" / "demo" / "didh_morocco"
SECTION = "## Search"
LIMIT = 1000

QUERIES = [
    "torture",
    "women",
    "children",
    "education",
    "disability",
    "trafficking",
    "migrants",
    "corruption",
    "journalists",
    "indigenous",
    '"death penalty"',
    '"freedom of expression"',
    '"human rights defenders"',
    '"domestic violence"',
    '"Convention against Torture"',
    '"National Human Rights Institution"',
    '"birth registration"',
    '"enforced disappearance"',
    "ratif*",
    "discriminat*",
    "prison*",
    "refugee*",
    "torture NOT police",
    "women OR girls",
    "child marriage",
    "juvenile justice",
    "sexual orientation",
    "Rome Statute",
    "enfants",
    '"droits de l\'homme"',
    "التعذيب",
    "الأطفال",
]


def replicate(copies: int) -> int:
    """Add ``copies - 1`` copies of every UPR Info recommendation, each with its own source key; returns the total."""
    from django.db import connection, transaction

    from rasd.recommendations.models import Recommendation

    fields = [f for f in Recommendation._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    table = Recommendation._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for n in range(1, copies):
            selected = ", ".join(
                f"\"source_key\" || ':copy{n}'" if f.column == "source_key" else f'"{f.column}"' for f in fields
            )
            cursor.execute(
                f'INSERT INTO "{table}" ({columns}) SELECT {selected} FROM "{table}" '
                "WHERE source = 'upr_info' AND source_key NOT LIKE '%%:copy%%'"
            )
    return Recommendation.objects.count()


def timed(functions: list, repeat: int) -> tuple[list[list[float]], list[list[float]]]:
    """Milliseconds of each run of each function, after one warm-up run (caches, the page cache): elapsed, and of
    this process's CPU time. The functions take turns, so that a burst of other work on the machine slows them
    alike; CPU time leaves out the time that other work holds the CPU, which weighs most on the shortest runs (a
    pause of the scheduler doubles a 10 ms search and hardly changes a 300 ms scan)."""
    for function in functions:
        function()
    elapsed, cpu = [[] for _ in functions], [[] for _ in functions]
    for _ in range(repeat):
        for function, runs, cpu_runs in zip(functions, elapsed, cpu):
            started, cpu_started = time.perf_counter(), time.process_time()
            function()
            cpu_runs.append((time.process_time() - cpu_started) * 1000)
            runs.append((time.perf_counter() - started) * 1000)
    return elapsed, cpu


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def icontains_filter(node):
    """The query tree as ``text_en__icontains`` lookups: what a substring search can do of the same query."""
    from django.db.models import Q

    from rasd.search.query import Any, Phrase

    if isinstance(node, Phrase):
        return Q(text_en__icontains=" ".join(node.words))
    if isinstance(node, Any):
        options = [icontains_filter(option) for option in node.options]
        return functools.reduce(operator.or_, options)
    condition = functools.reduce(operator.and_, [icontains_filter(n) for n in node.include])
    for excluded in node.exclude:
        condition &= ~icontains_filter(excluded)
    return condition


def arabic_stemmer_agreement() -> dict[str, dict[str, tuple[int, int]]]:
    """For each kind of pair in the demo vocabulary, (pairs given one stem, pairs) by each stemmer."""
    import snowballstemmer

    from rasd.recommendations.models import Recommendation
    from rasd.search import normalise

    words = {
        normalise.fold(word)
        for text in Recommendation.objects.exclude(text_ar="").values_list("text_ar", flat=True)
        for word in normalise.WORD_RE.findall(text)
        if normalise.is_arabic(word)
    }
    pairs = collections.defaultdict(list)
    for w in words:
        if w.startswith("ال") and len(w) > 4 and w[2:] in words:
            pairs["with and without ال"].append((w, w[2:]))
        if w.startswith("و") and len(w) > 4 and w[1:] in words:
            pairs["with and without و"].append((w, w[1:]))
        for prefix in ("بال", "لل", "وال"):
            if w.startswith(prefix) and len(w) > 5 and "ال" + w[len(prefix) :] in words:
                pairs["بال/لل/وال and ال"].append((w, "ال" + w[len(prefix) :]))
        if w.endswith("ه") and w[:-1] + "ات" in words:
            pairs["feminine singular and plural (ة/ات)"].append((w, w[:-1] + "ات"))
        if w.endswith("ين") and len(w) > 5 and w[:-2] in words:
            pairs["singular and masculine plural (ين)"].append((w, w[:-2]))
        if w.endswith("يه") and w[:-2] + "ي" in words:
            pairs["adjective feminine and masculine (ية/ي)"].append((w, w[:-2] + "ي"))
    snowball = snowballstemmer.stemmer("arabic")
    stemmers = {
        "Snowball arabic": lambda w: normalise.fold(snowball.stemWord(w)),
        "light (ours)": normalise.arabic_stem,
    }
    return {
        name: {kind: (sum(stem(a) == stem(b) for a, b in found), len(found)) for kind, found in sorted(pairs.items())}
        for name, stem in stemmers.items()
    }


def french_stemming_agreement() -> dict[str, tuple[int, int, int, int]]:
    """For three ways of folding and stemming French: (masculine/feminine/plural pairs of the demo vocabulary given
    one stem, pairs, accented words found by a query typed without the accents, accented words)."""
    import snowballstemmer

    from rasd.recommendations.models import Recommendation
    from rasd.search import normalise

    french = snowballstemmer.stemmer("french")
    words = {
        word.lower()
        for text in Recommendation.objects.values_list("text_fr", flat=True)
        for word in normalise.WORD_RE.findall(text)
        if word.isalpha()
    }
    pairs = [(w, w + end) for w in words for end in ("e", "s", "es") if len(w) > 3 and w + end in words]
    accented = [w for w in words if normalise.fold(w) != w]
    ways = {
        "Snowball, then accents removed": lambda w: normalise.fold(french.stemWord(w)),
        "accents removed, then Snowball": lambda w: french.stemWord(normalise.fold(w)),
        "ours (accents removed, ee → ée, Snowball)": lambda w: normalise.term(w, "fr"),
    }
    return {
        name: (
            sum(stem(a) == stem(b) for a, b in pairs),
            len(pairs),
            sum(stem(normalise.fold(w)) == stem(w) for w in accented),
            len(accented),
        )
        for name, stem in ways.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=8, help="copies of the UPR Info file (8 ≈ 270,000 rows)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--no-record", action="store_true", help="print the result without adding it to RESULTS.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rasd-bench-") as tmp:
        database = Path(tmp) / "search.sqlite3"
        setup_django(database)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection, transaction

        from rasd.core.reference import reference_data_load
        from rasd.imports.services import import_file
        from rasd.recommendations.models import Recommendation
        from rasd.search.backends import sqlite as fts5
        from rasd.search.query import fts5_match, parse
        from rasd.search.services import recommendation_search, search_index_update

        load_before = os.getloadavg()[0]
        call_command("migrate", verbosity=0)
        reference_data_load()
        import_file(source="didh", data=DEMO)
        agreement, french = arabic_stemmer_agreement(), french_stemming_agreement()
        started = time.perf_counter()
        import_file(source="upr_info", data=SAMPLE)
        import_seconds = time.perf_counter() - started
        total = replicate(args.copies)

        started = time.perf_counter()
        with transaction.atomic():
            indexed = search_index_update()
        index_seconds = time.perf_counter() - started
        assert indexed == total, (indexed, total)
        connection.close()
        size_mib = database.stat().st_size / 2**20

        raw = sqlite3.connect(database)
        candidates = max(LIMIT, settings.RASD_SEARCH_RANKED_MATCHES)
        # What the service sends (the most recently added `candidates` matches, scored by bm25), and every match
        # ranked, as FTS5 does it unbounded.
        bounded_sql = (
            f"SELECT rowid FROM (SELECT rowid, -bm25({fts5.TABLE}) AS score FROM {fts5.TABLE} "
            f"WHERE {fts5.TABLE} MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY score DESC, rowid DESC LIMIT ?"
        )
        full_sql = f"SELECT rowid FROM {fts5.TABLE} WHERE {fts5.TABLE} MATCH ? ORDER BY rank LIMIT ?"

        def raw_bounded(match):
            return [pk for (pk,) in raw.execute(bounded_sql, (match, candidates, LIMIT))]

        lines, service_times, bare_service_times, raw_times, full_times, icontains_times = [], [], [], [], [], []
        broad_agreement, cpu_times = [], collections.defaultdict(list)
        for text in QUERIES:
            match = fts5_match(parse(text))
            hits = recommendation_search(query=text, mode="keyword", limit=LIMIT)
            (service, bare, bare_fts5, full_fts5), cpu = timed(
                [
                    lambda t=text: recommendation_search(query=t, mode="keyword", limit=LIMIT),
                    lambda t=text: recommendation_search(query=t, mode="keyword", limit=LIMIT, snippets=0),
                    lambda m=match: raw_bounded(m),
                    lambda m=match: raw.execute(full_sql, (m, LIMIT)).fetchall(),
                ],
                args.repeat,
            )
            assert [h.recommendation_id for h in hits] == raw_bounded(match)
            count = raw.execute(f"SELECT count(*) FROM {fts5.TABLE} WHERE {fts5.TABLE} MATCH ?", (match,)).fetchone()[0]
            # How much of the first page (25) of the exact ranking the bounded ranking shows on its first page.
            exact_page = {pk for (pk,) in raw.execute(full_sql, (match, 25))}
            page_agreement = len(exact_page & set(raw_bounded(match)[:25])) / max(1, len(exact_page))
            if count > candidates:
                broad_agreement.append(page_agreement)
            service_times += service
            bare_service_times += bare
            raw_times += bare_fts5
            full_times += full_fts5
            for column, runs in zip(("service", "bare", "raw", "full"), cpu):
                cpu_times[column] += runs
            condition = icontains_filter(parse(text))
            [like], [like_cpu] = timed(
                [lambda c=condition: list(Recommendation.objects.filter(c).values_list("pk", flat=True))],
                max(1, args.repeat // 2),
            )
            icontains_times += like
            cpu_times["icontains"] += like_cpu
            lines.append(
                f"| `{text}` | {count:,} | {statistics.median(service):.1f} | {statistics.median(bare):.1f} | "
                f"{statistics.median(bare_fts5):.1f} | {statistics.median(full_fts5):.1f} | {page_agreement:.0%} | "
                f"{statistics.median(like):.0f} |"
            )
        raw.close()

    service_p50, service_p95 = percentiles(service_times)
    bare_p50, bare_p95 = percentiles(bare_service_times)
    raw_p50, raw_p95 = percentiles(raw_times)
    full_p50, full_p95 = percentiles(full_times)
    like_p50, like_p95 = percentiles(icontains_times)
    cpu = {column: percentiles(runs) for column, runs in cpu_times.items()}
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    stemmer_rows = "\n".join(
        f"| {kind} | {total_pairs} | " + " | ".join(f"{agreement[name][kind][0]}" for name in agreement) + " |"
        for kind, (_same, total_pairs) in agreement["light (ours)"].items()
    )
    french_rows = "\n".join(
        f"| {name} | {same} / {pairs} | {found} / {accented} |"
        for name, (same, pairs, found, accented) in french.items()
    )
    entry = f"""### {when}

- Machine: {machine()}
- Corpus: {total:,} recommendations (DIDH demo 742 + UPR Info {SAMPLE.name} × {args.copies}); database \
{size_mib:,.0f} MiB with the index
- First import of the UPR Info file (33,538 rows, indexing included): {import_seconds:.1f} s. \
Full index rebuild (`search_index_update()`): {index_seconds:.1f} s, {total / index_seconds:,.0f} recommendations/s
- {len(QUERIES)} queries × {args.repeat} timed runs (icontains: {max(1, args.repeat // 2)}), limit {LIMIT}; \
load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work on the machine slows every column)

| | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |
|---|---:|---:|---:|---:|
| service `recommendation_search(mode="keyword")`, snippets for the first 25 hits (a page) | {service_p50:.1f} | \
{service_p95:.1f} | {cpu["service"][0]:.1f} | {cpu["service"][1]:.1f} |
| service, no snippets (`snippets=0`) | {bare_p50:.1f} | {bare_p95:.1f} | {cpu["bare"][0]:.1f} | {cpu["bare"][1]:.1f} |
| raw FTS5, the service's query: the last {candidates:,} matches (`ORDER BY rowid DESC`) ranked by bm25, \
`LIMIT {LIMIT}` (bare sqlite3) | {raw_p50:.1f} | {raw_p95:.1f} | {cpu["raw"][0]:.1f} | {cpu["raw"][1]:.1f} |
| raw FTS5, every match ranked: `MATCH … ORDER BY rank LIMIT {LIMIT}` (bare sqlite3) | {full_p50:.1f} | \
{full_p95:.1f} | {cpu["full"][0]:.1f} | {cpu["full"][1]:.1f} |
| Django `text_en__icontains`, all matching ids | {like_p50:.0f} | {like_p95:.0f} | {cpu["icontains"][0]:.0f} | \
{cpu["icontains"][1]:.0f} |

Service / raw FTS5 (the same query) at p95: {service_p95 / raw_p95:.2f}×; / every match ranked: \
{service_p95 / full_p95:.2f}× (goal ≤ 2×; no snippets: {bare_p95 / raw_p95:.2f}×). \
icontains / service: {like_p50 / service_p50:.0f}× at p50, {like_p95 / service_p95:.0f}× at p95 (goal ≥ 20×). \
Service p95 {service_p95:.0f} ms (goal ≤ 50 ms). \
In CPU time (`time.process_time()`: the same runs, less the time other work held the CPU): service / raw FTS5 at p95 \
{cpu["service"][1] / cpu["raw"][1]:.2f}×, icontains / service {cpu["icontains"][0] / cpu["service"][0]:.0f}× at p50 and \
{cpu["icontains"][1] / cpu["service"][1]:.0f}× at p95. Ranked matches per query: at most {candidates:,} (the most recently \
added; `RASD_SEARCH_RANKED_MATCHES`): {len(broad_agreement)} of the {len(QUERIES)} queries have more, and their first \
page (25 hits) shares {statistics.mean(broad_agreement) if broad_agreement else 1:.0%} of the exact ranking's first page \
on average (the replicated corpus holds 8 copies of each UPR Info text, so ties abound).

<details><summary>Per query (medians, ms)</summary>

| query | matches | service | no snippets | raw FTS5 (same query) | raw FTS5 (every match ranked) | first page as exact | icontains |
|---|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(lines)}

</details>

Arabic stemming on the DIDH demo vocabulary: pairs of words found in the demo texts, and how many of them each \
stemmer gives one stem (after the same folding):

| pair | pairs | {" | ".join(agreement)} |
|---|---:|{"---:|" * len(agreement)}
{stemmer_rows}

French stemming on the DIDH demo vocabulary:

| folding and stemming | masculine/feminine/plural pairs given one stem | accented words found when typed without accents |
|---|---:|---:|
{french_rows}
"""
    print(entry)
    if not args.no_record:
        record_result(section=SECTION, script="search.py", entry=entry)
        print(f"Added to {RESULTS.relative_to(BASE_DIR)}.")


if __name__ == "__main__":
    main()
