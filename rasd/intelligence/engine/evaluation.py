"""Measuring a trained classifier on labelled texts (``manage.py evaluate``, the benchmark, the model cards)."""

from collections.abc import Callable, Sequence

import numpy as np

from .features import context_tokens
from .metrics import scores
from .model import Classifier, embed

CHUNK = 64


def confidences(
    classifier: Classifier,
    texts: Sequence[str],
    languages: Sequence[str],
    *,
    progress: Callable[[int], None] | None = None,
    contexts: Sequence[dict | None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The classifier's confidences and assigned labels for many texts, a chunk at a time (``progress(n)`` after
    each chunk); ``contexts``: per text, who made it, as ``Classifier.predict`` takes them."""
    tokens = [context_tokens(c) for c in contexts] if contexts is not None else None
    p_all, chosen_all = [], []
    for start in range(0, len(texts), CHUNK):
        t, lang = list(texts[start : start + CHUNK]), list(languages[start : start + CHUNK])
        given = tokens[start : start + CHUNK] if tokens is not None else None
        confidence, chosen = classifier.scores_centred(embed(t, lang), t, lang, given)
        p_all.append(confidence)
        chosen_all.append(chosen)
        if progress:
            progress(len(t))
    n = len(classifier.labels)
    if not p_all:
        return np.zeros((0, n)), np.zeros((0, n), bool)
    return np.vstack(p_all), np.vstack(chosen_all)


def measure(
    task: str, labels: Sequence[str], gold: Sequence[set[str]], p: np.ndarray, chosen: np.ndarray
) -> dict[str, float]:
    """The metrics of ``metrics.scores`` for these texts. National axes are measured at the level of the gold
    labels: axes ("3"), sub-axes ("3.2"), or both (sub-axis metrics then carry the prefix ``sub_axes_``)."""

    def at_level(keep) -> dict[str, float]:
        cols = [j for j, label in enumerate(labels) if keep(label)]
        gold_level = [{c for c in g if keep(c)} for g in gold]
        assigned = [{labels[j] for j in cols if chosen[i, j]} for i in range(len(gold))]
        ranked = [[labels[j] for j in sorted(cols, key=lambda j: -p[i, j])] for i in range(len(gold))]
        return scores(gold_level, assigned, ranked)

    if task != "national-axes":
        return at_level(lambda c: True)
    has_axes = any("." not in c for g in gold for c in g)
    has_sub = any("." in c for g in gold for c in g)
    axes = at_level(lambda c: "." not in c)
    sub = at_level(lambda c: "." in c)
    if has_sub and not has_axes:
        return sub
    return {**axes, **{f"sub_axes_{k}": v for k, v in sub.items() if k != "texts"}} if has_sub else axes
