"""Training: from labelled examples to a ``Classifier`` with its model card.

The examples are split by group into training (70 %), validation (15 %) and held-out (15 %) parts. The two parts
of the model are fitted on the training part; the mix of their probabilities and the per-label thresholds are
chosen on the validation part; the card's metrics are measured on the held-out part, per language. The shipped
model is then fitted again on all the examples with the mix and thresholds so chosen (``refit``).
"""

import datetime
import hashlib
import re
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from . import evaluation
from . import labels as labelling
from .data import Example, sources
from .features import Tfidf, context_matrix
from .model import Classifier, adjust, embed

MIXES = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.025), 3)
MIN_TERM_EXAMPLES = 30  # a language with fewer training texts gets no term part
SINGLE_LABEL = {"action-category"}
SETTINGS = {
    # C of the two logistic regressions (inverse L2 strength), chosen on validation splits (benchmarks/intelligence.py)
    # context_weight: the value of a context feature (0: the model reads no context), chosen likewise
    # term_kinds: what the term part reads (``features.KINDS``; default the terms alone), chosen likewise: the opening
    # words as written for the action category (+1.0 point of macro-F1), the letter sequences for the Moroccan tasks
    # (+1.5 points of axis top-1, +0.6 of institutions recall@3, mean of 5 validation splits)
    "upr-issues": dict(emb_c=4.0, term_c=10.0, context_weight=0.0),
    "action-category": dict(emb_c=4.0, term_c=10.0, context_weight=0.0, term_kinds=("terms", "openings")),
    "sdg-goals": dict(emb_c=4.0, term_c=10.0, context_weight=0.0),
    "national-axes": dict(emb_c=4.0, term_c=10.0, context_weight=0.0, term_kinds=("terms", "letters")),
    "institutions": dict(emb_c=4.0, term_c=10.0, context_weight=1.0, term_kinds=("terms", "letters")),
    "affected-persons": dict(emb_c=4.0, term_c=10.0, context_weight=0.0),
    "uhri-themes": dict(emb_c=4.0, term_c=10.0, context_weight=0.0),
}
MIN_CONTEXT_EXAMPLES = 2  # a context feature seen in fewer training texts is not read

Embedder = Callable[[Sequence[str], Sequence[str]], np.ndarray]


def natural(code: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code)]


def split_of(group: str, seed: int = 0) -> str:
    """ "train", "validation" or "test", fixed by the group's name. Reference texts (the SDG titles) are label
    descriptions, not recommendations: always training."""
    if group.startswith("reference:"):
        return "train"
    h = int(hashlib.sha1(f"{seed}:{group}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "train" if h < 0.70 else "validation" if h < 0.85 else "test"


def _fit_linear(x, y: np.ndarray, *, multi_label: bool, c: float, sparse_input: bool) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features × labels) and biases of logistic regression: one per label (multi-label) or multinomial."""
    from sklearn.linear_model import LogisticRegression

    n_labels = y.shape[1]
    w = np.zeros((x.shape[1], n_labels), np.float32)
    b = np.full(n_labels, -10.0, np.float32)  # a label never seen in training is never assigned
    if not multi_label:
        classes = y.argmax(axis=1)
        present = np.unique(classes)
        if len(present) == 1:
            b[present] = 10.0
            return w, b
        model = LogisticRegression(C=c, max_iter=1000, solver="lbfgs")
        model.fit(x, classes)
        coef = model.coef_ if len(present) > 2 else np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
        intercept = (
            model.intercept_ if len(present) > 2 else np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
        )
        w[:, present] = coef.T
        b[present] = intercept
        return w, b
    for j in range(n_labels):
        positives = int(y[:, j].sum())
        if positives == 0:
            continue
        if positives == len(y):
            b[j] = 10.0
            continue
        model = LogisticRegression(C=c, max_iter=1000, solver="liblinear" if sparse_input else "lbfgs")
        model.fit(x, y[:, j])
        w[:, j] = model.coef_[0]
        b[j] = model.intercept_[0]
    return w, b


def _with_and_without(features, c: np.ndarray):
    """Every row twice: with its context features, then with none — so that the model learns both to use a
    context and to do without one (a recommendation typed in without its mechanism)."""
    if not c.shape[1]:
        return features
    if sparse.issparse(features):
        return sparse.vstack(
            [sparse.hstack([features, c], format="csr"), sparse.hstack([features, np.zeros_like(c)], format="csr")],
            format="csr",
        )
    return np.vstack([np.hstack([features, c]), np.hstack([features, np.zeros_like(c)])])


def _fit_parts(
    texts,
    languages,
    x_emb,
    y,
    *,
    multi_label: bool,
    emb_c: float,
    term_c: float,
    term_languages,
    term_kinds,
    c: np.ndarray,
):
    """The two linear parts; ``c``: the rows' context features (no columns: a model without contexts)."""
    arrays, config = {}, {}
    twice = (lambda y: np.vstack([y, y])) if c.shape[1] else (lambda y: y)
    arrays["emb_W"], arrays["emb_b"] = _fit_linear(
        _with_and_without(x_emb, c), twice(y), multi_label=multi_label, c=emb_c, sparse_input=False
    )
    rows = [i for i, lang in enumerate(languages) if lang in term_languages]
    if rows:
        tfidf = Tfidf.fit([texts[i] for i in rows], [languages[i] for i in rows], kinds=term_kinds)
        m = tfidf.transform([texts[i] for i in rows], [languages[i] for i in rows])
        m = _with_and_without(m, c[rows])
        w, b = _fit_linear(m, twice(y[rows]), multi_label=multi_label, c=term_c, sparse_input=True)
        arrays.update(term_W=w.astype(np.float16), term_b=b, idf=tfidf.idf)
        config["vocabulary"] = tfidf.vocabulary
        if tuple(term_kinds) != ("terms",):
            config["term_kinds"] = list(term_kinds)
    config["term_languages"] = list(term_languages) if rows else []
    return arrays, config


def _f1(y: np.ndarray, chosen: np.ndarray) -> float:
    tp = (y & chosen).sum()
    return 2 * tp / (y.sum() + chosen.sum()) if tp else 0.0


def _macro_f1_single(y: np.ndarray, p: np.ndarray) -> float:
    pred, gold = p.argmax(axis=1), y.argmax(axis=1)
    f1 = []
    for j in np.union1d(pred, gold):
        tp = ((pred == j) & (gold == j)).sum()
        f1.append(2 * tp / ((pred == j).sum() + (gold == j).sum()))
    return float(np.mean(f1))


def _thresholds(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per-label thresholds that maximise each label's F1 on validation (a label with fewer than three validation
    examples takes the threshold best for all labels together)."""
    y = y.astype(bool)
    overall = max(THRESHOLDS, key=lambda t: _f1(y, p >= t))
    out = np.full(y.shape[1], overall, np.float32)
    for j in range(y.shape[1]):
        if y[:, j].sum() >= 3:
            out[j] = max(THRESHOLDS, key=lambda t: _f1(y[:, j], p[:, j] >= t))
    return out


def _class_offsets(y: np.ndarray, p: np.ndarray) -> list[float]:
    """Per-label biases on the log-probabilities that maximise the validation macro-F1 (coordinate ascent over a
    grid, three rounds), rounded to a tenth."""
    log_p = np.log(np.maximum(p, 1e-9))
    offsets = np.zeros(p.shape[1])
    for _round in range(3):
        for j in range(p.shape[1]):

            def with_offset(value, j=j):
                trial = offsets.copy()
                trial[j] = value
                return _macro_f1_single(y, log_p + trial)

            offsets[j] = max(sorted(np.round(np.arange(-2, 2.01, 0.1), 1), key=abs), key=with_offset)  # ties: nearest 0
    return [float(v) for v in offsets]


def _matrix(examples: Sequence[Example], labels: list[str]) -> np.ndarray:
    index = {label: j for j, label in enumerate(labels)}
    y = np.zeros((len(examples), len(labels)), np.int8)
    for i, e in enumerate(examples):
        for code in e.labels:
            if code in index:
                y[i, index[code]] = 1
    return y


def measure(
    task: str, classifier: Classifier, examples: Sequence[Example], x_emb: np.ndarray, *, contexts: bool = True
) -> dict[str, dict]:
    """Metrics of ``classifier`` on ``examples`` (their centred embeddings ``x_emb``), per language and overall;
    ``contexts``: whether the model is given the examples' contexts."""
    texts, languages = [e.text for e in examples], [e.language for e in examples]
    given = [e.context for e in examples] if contexts else None
    p, chosen = classifier.scores_centred(x_emb, texts, languages, given)
    out = {}
    for language in sorted(set(languages)) + (["all"] if len(set(languages)) > 1 else []):
        rows = [i for i, lang in enumerate(languages) if language in ("all", lang)]
        gold = [set(examples[i].labels) for i in rows]
        out[language] = evaluation.measure(task, classifier.labels, gold, p[rows], chosen[rows])
    return out


def train(
    task: str,
    examples: Sequence[Example],
    *,
    embedder: Embedder = embed,
    refit: bool = True,
    seed: int = 0,
    log: Callable[[str], None] = lambda line: None,
    settings: dict | None = None,
    split: Callable[[str, int], str] = split_of,
) -> Classifier:
    """A classifier for ``task`` learned from ``examples`` (codes as labels); its card holds held-out metrics.

    ``embedder(texts, languages)``: centred, normalised embeddings (the default encodes with ``rasd.semantic``).
    ``refit``: fit the final model on all examples (the benchmark keeps the one fitted on the training part).
    ``split(group, seed)``: the part of each group ("train", "validation", "test").
    Examples with a ``context`` teach the model to read it (``settings["context_weight"]`` > 0); each training text
    is then learned twice, with and without its context, and the thresholds are chosen on both.
    """
    if task == "sdg-targets":
        raise ValueError("sdg-targets is made from the sdg-goals model: use train_targets")
    settings = {**SETTINGS[task], **(settings or {})}
    multi_label = task not in SINGLE_LABEL
    labels = sorted({c for e in examples for c in e.labels}, key=natural)
    texts, languages = [e.text for e in examples], [e.language for e in examples]
    log(f"{task}: {len(examples)} examples, {len(labels)} labels; encoding")
    x_emb = embedder(texts, languages)
    y = _matrix(examples, labels)
    part = np.array([split(e.group, seed) for e in examples])
    train_rows, val_rows, test_rows = (np.flatnonzero(part == name) for name in ("train", "validation", "test"))
    if len(train_rows) == 0 or len(val_rows) == 0:
        # Too few groups to spare a validation part: thresholds are chosen on the training texts themselves.
        train_rows = np.union1d(train_rows, val_rows) if len(train_rows) else np.arange(len(examples))
        val_rows = train_rows
    counts = {lang: sum(languages[i] == lang for i in train_rows) for lang in set(languages)}
    term_languages = sorted(lang for lang, n in counts.items() if n >= MIN_TERM_EXAMPLES)
    context_weight = float(settings.get("context_weight", 0.0))
    context_counts: dict[str, int] = {}
    for i in train_rows:
        for token in examples[i].context:
            context_counts[token] = context_counts.get(token, 0) + 1
    context_vocabulary = (
        sorted(t for t, n in context_counts.items() if n >= MIN_CONTEXT_EXAMPLES) if context_weight > 0 else []
    )
    contexts = [e.context for e in examples]
    c_all = context_matrix(contexts, len(examples), context_vocabulary, context_weight)

    def fit(rows):
        rows = list(rows)
        arrays, config = _fit_parts(
            [texts[i] for i in rows],
            [languages[i] for i in rows],
            x_emb[rows],
            y[rows],
            multi_label=multi_label,
            emb_c=settings["emb_c"],
            term_c=settings["term_c"],
            term_languages=term_languages,
            term_kinds=settings.get("term_kinds", ("terms",)),
            c=c_all[rows],
        )
        if context_vocabulary:
            config.update(context_vocabulary=context_vocabulary, context_weight=context_weight)
        return arrays, config

    log(f"{task}: fitting on {len(train_rows)} training examples")
    arrays, config = fit(train_rows)
    classifier = Classifier(task=task, labels=labels, multi_label=multi_label, card={}, arrays=arrays, config=config)

    # Validation: the mix of the two parts, then the thresholds of each way of predicting. A model that reads
    # contexts is validated on each text with and without its context: one mix and one set of thresholds serve both.
    c_val = c_all[val_rows]
    if context_vocabulary:
        val_rows = np.concatenate([val_rows, val_rows])
        c_val = np.vstack([c_val, np.zeros_like(c_val)])
    v_texts, v_langs = [texts[i] for i in val_rows], [languages[i] for i in val_rows]
    p_emb = classifier._emb_probabilities(x_emb[val_rows], c_val)
    termed = np.array([lang in term_languages for lang in v_langs], bool)
    p_term = np.zeros_like(p_emb)
    if termed.any() and classifier.tfidf is not None:
        p_term[termed] = classifier._term_probabilities(
            [t for t, k in zip(v_texts, termed) if k], [lang for lang, k in zip(v_langs, termed) if k], c_val[termed]
        )
    y_val = y[val_rows].astype(bool)

    if task == "national-axes":
        config["parent_max"] = True

    def quality(p, rows) -> float:
        if not len(rows):
            return 0.0
        p = adjust(p, labels=labels, config=config)
        if not multi_label:
            return _macro_f1_single(y_val[rows], p[rows])
        t = _thresholds(y_val[rows], p[rows])
        return _f1(y_val[rows], p[rows] >= t)

    mix = 0.0
    if termed.any():
        rows = np.flatnonzero(termed)
        results = {m: quality(m * p_term + (1 - m) * p_emb, rows) for m in MIXES}
        mix = max(results, key=results.get)
        log(f"{task}: validation by mix " + ", ".join(f"{m}: {v:.3f}" for m, v in results.items()))
    config["mix"] = mix
    p_mix = np.where(termed[:, None], mix * p_term + (1 - mix) * p_emb, p_emb)
    if multi_label:
        p_mix, p_emb = adjust(p_mix, labels=labels, config=config), adjust(p_emb, labels=labels, config=config)
        arrays["thr_emb"] = _thresholds(y_val, p_emb)
        mixed = np.flatnonzero(termed)
        if len(mixed):
            arrays["thr_mix"] = _thresholds(y_val[mixed], p_mix[mixed])
    else:
        config["class_offsets"] = _class_offsets(y_val, p_mix)
    classifier = Classifier(task=task, labels=labels, multi_label=multi_label, card={}, arrays=arrays, config=config)

    test = [examples[i] for i in test_rows]
    metrics = measure(task, classifier, test, x_emb[test_rows]) if test else {}
    log(
        f"{task}: held-out "
        + "; ".join(f"{lang}: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()) for lang, m in metrics.items())
    )
    text_only = measure(task, classifier, test, x_emb[test_rows], contexts=False) if test and context_vocabulary else {}
    if text_only:
        log(
            f"{task}: held-out, text only "
            + "; ".join(f"{lang}: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()) for lang, m in text_only.items())
        )

    if refit:
        log(f"{task}: fitting the final model on all {len(examples)} examples")
        final_arrays, final_config = fit(range(len(examples)))
        final_arrays.update({k: v for k, v in arrays.items() if k.startswith("thr_")})
        final_config.update({k: v for k, v in config.items() if k in ("mix", "parent_max", "class_offsets")})
        arrays, config = final_arrays, final_config
    method = (
        "Logistic regression on multilingual sentence embeddings (USE multilingual v3, centred by language)"
        + (
            f", mixed ({mix:.1f}) with logistic regression on TF-IDF {_kinds_named(config)} in {', '.join(term_languages)}"
            if mix
            else ""
        )
        + ("; per-label thresholds chosen on a validation split" if multi_label else "")
        + ("; an axis at least as probable as its sub-axes" if config.get("parent_max") else "")
        + ("; the most probable label, after per-label biases chosen on a validation split" if not multi_label else "")
        + (
            "; both parts also read who made the recommendation (mechanism, its kind, recommending states) when "
            "given, trained with and without it"
            if context_vocabulary
            else ""
        )
    )
    card = dict(
        task=task,
        trained_at=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        training_data=sources(examples),
        method=method,
        metrics={
            lang: {k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()} for lang, m in metrics.items()
        },
        labels=len(labels),
        split=dict(train=len(train_rows), validation=len(np.unique(val_rows)), test=len(test_rows), by="group"),
    )
    if text_only:
        card["metrics_text_only"] = {
            lang: {k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()} for lang, m in text_only.items()
        }
    return Classifier(task=task, labels=labels, multi_label=multi_label, card=card, arrays=arrays, config=config)


def _kinds_named(config: dict) -> str:
    """What the term part reads, as the model card says it."""
    names = {"terms": "terms", "openings": "opening words", "letters": "letter sequences of 2–5"}
    kinds = [names[k] for k in config.get("term_kinds", ("terms",))]
    return ", ".join(kinds[:-1]) + (" and " if len(kinds) > 1 else "") + kinds[-1]


def train_targets(goals: Classifier, *, embedder: Embedder = embed, log: Callable[[str], None] = lambda line: None):
    """The ``sdg-targets`` classifier: no labelled targets exist in the project's data, so a target's confidence is
    the goal model's probability of its goal times the softmax, among that goal's targets, of the text's cosine to
    the target's own text (the mean of its Arabic, French and English embeddings)."""
    from .data import _rows

    rows = _rows(labelling.REFERENCE_DIR / "sdg_targets.csv")
    codes = [r["id"] for r in rows]
    log(f"sdg-targets: encoding the {len(codes)} targets in three languages")
    vectors = np.zeros((len(codes), 512), np.float32)
    for language in ("ar", "fr", "en"):
        vectors += embedder([r[f"title_{language}"] for r in rows], [language] * len(rows))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    goal_index = {g: j for j, g in enumerate(goals.labels)}
    keep = [i for i, c in enumerate(codes) if c.split(".")[0] in goal_index]
    arrays = {
        "target_vectors": vectors[keep],
        "target_goal": np.array([goal_index[codes[i].split(".")[0]] for i in keep], np.int16),
        "thr_emb": np.full(len(keep), 0.25, np.float32),
    }
    goals_config = dict(task=goals.task, labels=goals.labels, multi_label=True, card={}, config=goals.config)
    card = dict(
        task="sdg-targets",
        trained_at=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        training_data=[{"name": "SDG targets", "rows": len(keep), "languages": ["ar", "fr", "en"]}]
        + goals.card.get("training_data", []),
        method=(
            "No labelled targets: the SDG goal model's probability of the target's goal times the softmax, among "
            "that goal's targets, of the cosine between the text and the target's text (ar, fr, en embeddings). "
            "Metrics are the goal model's, at goal level."
        ),
        metrics={lang: {f"goals_{k}": v for k, v in m.items()} for lang, m in goals.card.get("metrics", {}).items()},
        labels=len(keep),
    )
    classifier = Classifier(
        task="sdg-targets",
        labels=[codes[i] for i in keep],
        multi_label=True,
        card=card,
        arrays={**arrays, **{f"goals.{k}": v for k, v in goals.arrays.items()}},
        config={"goals": goals_config},
    )
    return classifier
