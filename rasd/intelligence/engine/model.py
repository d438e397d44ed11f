"""A trained classifier: its parameters in two safe files (``<task>.json`` and ``<task>.npz``, no pickle) and its
prediction.

A classifier has up to two parts whose probabilities it mixes:

- **embedding part**: a linear model over the text's multilingual embedding (USE multilingual v3, centred by
  language: ``rasd.semantic.engine``). Texts of every language land in one space, so what it learned from English
  or French applies to Arabic.
- **term part**: a linear model over TF-IDF weights of the text's terms (``features``; with ``term_kinds``, also its
  opening words as written and the letter sequences of its words), for the languages it was trained on
  (``term_languages``). It knows the exact wording the embedding blurs.

For a text in one of ``term_languages`` the probability of a label is ``mix × term + (1 − mix) × embedding``; in
another language the term part knows none of its words and only the embedding part speaks.

A model trained with contexts (``context_vocabulary``) reads, in both parts, who made the recommendation beside the
text: its mechanism and recommending states (``features.context_tokens``), one-hot. It was trained on every text
once with its context and once without, so a text given without context is classified from its words alone. Each way has its own
per-label thresholds, chosen on a validation split when the model was trained; the confidences ``predict`` gives
are stretched so that every threshold lands on 0.5 (``calibrated``). A single-label task (action category) is
measured on its most probable label.

The ``sdg-targets`` classifier has no labelled targets to learn from: it scores each target by the SDG goal model's
probability of the target's goal times how close the text is to the target's own text (in Arabic, French and
English), relative to the other targets of that goal.
"""

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from rasd.semantic import engine as semantic

from .features import Tfidf, context_matrix, context_tokens

FORMAT = 1
TOP = 5  # labels returned per text: the assigned ones and the next best up to this many
TARGET_TEMPERATURE = 0.05


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def embed(texts: Sequence[str], languages: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
    """Centred, normalised embeddings of the texts (``vectors``: the texts' stored, uncentred vectors, if any)."""
    if vectors is None:
        vectors = semantic.encoder().encode(list(texts))
    return semantic.centre(np.asarray(vectors, dtype=np.float32), list(languages))


def adjust(p: np.ndarray, *, labels: Sequence[str], config: dict) -> np.ndarray:
    """The last touches, both chosen on validation when training:

    - ``parent_max`` (national axes): an axis is at least as probable as its most probable sub-axis — what a
      sub-axis says of a text is said of its axis too;
    - ``class_offsets`` (a single-label task): a bias per label added to the log-probabilities, which trades a
      little accuracy on frequent labels for recall on rare ones (the macro-F1 counts each label equally).
    """
    if config.get("parent_max"):
        p = p.copy()
        for j, label in enumerate(labels):
            children = [k for k, child in enumerate(labels) if child.startswith(f"{label}.")]
            if children:
                p[:, j] = np.maximum(p[:, j], p[:, children].max(axis=1))
    if offsets := config.get("class_offsets"):
        p = _softmax(np.log(np.maximum(p, 1e-9)) + np.asarray(offsets, np.float32))
    return p


class Classifier:
    """One task's trained model. ``predict`` is the contract; the rest is for training and evaluation."""

    def __init__(self, *, task: str, labels: list[str], multi_label: bool, card: dict, arrays: dict, config: dict):
        self.task = task
        self.labels = list(labels)
        self.multi_label = multi_label
        self.card = card
        self.arrays = arrays
        self.config = config
        vocabulary = config.get("vocabulary")
        self.tfidf = Tfidf(vocabulary, arrays["idf"], config.get("term_kinds", ("terms",))) if vocabulary else None
        self.term_languages = tuple(config.get("term_languages", ()))
        self.mix = float(config.get("mix", 0.0))
        self.context_vocabulary = list(config.get("context_vocabulary", ()))
        self.context_weight = float(config.get("context_weight", 1.0))
        self.goals: Classifier | None = None
        self.embedding_model = semantic.MODEL_NAME  # the sentence vectors it was trained on
        if "goals" in config:  # sdg-targets: the goal model travels inside the targets file
            goal_arrays = {k[len("goals.") :]: v for k, v in arrays.items() if k.startswith("goals.")}
            self.goals = Classifier(arrays=goal_arrays, **config["goals"])

    # Prediction

    def probabilities_centred(self, x: np.ndarray, texts: list[str], languages: list[str], contexts=None):
        """(texts × labels) probabilities from the texts' centred embeddings ``x`` (and ``contexts``: each text's
        ``features.context_tokens``, or None), and for each text whether the term part spoke (which picks the
        thresholds)."""
        if self.goals is not None:
            return self._target_probabilities(x, texts, languages, contexts), np.zeros(len(texts), bool)
        c = self.context_features(contexts, len(texts))
        p = self._emb_probabilities(x, c)
        with_terms = np.array([lang in self.term_languages for lang in languages]) & (self.mix > 0)
        if self.tfidf is not None and with_terms.any():
            rows = np.flatnonzero(with_terms)
            p_terms = self._term_probabilities([texts[i] for i in rows], [languages[i] for i in rows], c[rows])
            p[rows] = self.mix * p_terms + (1 - self.mix) * p[rows]
        return adjust(p, labels=self.labels, config=self.config), with_terms

    def context_features(self, contexts, n: int) -> np.ndarray:
        """(texts × context features): the one-hot columns the model reads after the text's own features."""
        return context_matrix(contexts, n, self.context_vocabulary, self.context_weight)

    def _link(self, scores: np.ndarray) -> np.ndarray:
        return _sigmoid(scores) if self.multi_label else _softmax(scores)

    def _emb_probabilities(self, x: np.ndarray, c: np.ndarray | None = None) -> np.ndarray:
        if self.context_vocabulary:
            x = np.hstack([x, c if c is not None else self.context_features(None, len(x))])
        return self._link(x @ self.arrays["emb_W"] + self.arrays["emb_b"])

    def _term_probabilities(self, texts: list[str], languages: list[str], c: np.ndarray | None = None) -> np.ndarray:
        m = self.tfidf.transform(texts, languages)
        if self.context_vocabulary:
            m = sparse.hstack([m, c if c is not None else self.context_features(None, len(texts))], format="csr")
        return self._link(np.asarray(m @ self.arrays["term_W"].astype(np.float32)) + self.arrays["term_b"])

    def _target_probabilities(self, x: np.ndarray, texts, languages, contexts=None) -> np.ndarray:
        p_goal, _ = self.goals.probabilities_centred(x, texts, languages, contexts)
        goal_of = self.arrays["target_goal"]  # index in the goal model's labels, per target
        similarity = x @ self.arrays["target_vectors"].T / TARGET_TEMPERATURE
        out = np.zeros_like(similarity)
        for g in np.unique(goal_of):
            cols = np.flatnonzero(goal_of == g)
            out[:, cols] = p_goal[:, [g]] * _softmax(similarity[:, cols])
        return out

    def thresholds(self, with_terms: np.ndarray) -> np.ndarray:
        """Per text and label, the probability from which the label is assigned."""
        if not self.multi_label:
            return np.full((len(with_terms), len(self.labels)), np.inf, np.float32)
        t_emb, t_mix = self.arrays["thr_emb"], self.arrays.get("thr_mix", self.arrays["thr_emb"])
        return np.where(with_terms[:, None], t_mix[None, :], t_emb[None, :])

    def calibrated(self, p: np.ndarray, with_terms: np.ndarray) -> np.ndarray:
        """Confidences: the probabilities stretched per label so that the label's threshold lands on 0.5 (below
        it, 0–0.5; above, 0.5–1). A label is assigned exactly when its confidence is at least 0.5, whatever the
        label, the language and the task; the order of a text's labels follows the confidence. A single-label
        model's confidences are its probabilities."""
        if not self.multi_label:
            return p
        t = np.clip(self.thresholds(with_terms), 1e-6, 1 - 1e-6)
        return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t)).astype(np.float32)

    def scores_centred(
        self, x: np.ndarray, texts: list[str], languages: list[str], contexts=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(texts × labels) confidences and whether each label is assigned, from the texts' centred embeddings
        (``contexts``: as ``probabilities_centred`` reads them). A multi-label model assigns the labels of
        confidence ≥ 0.5; a single-label one its best label (this is what ``evaluate`` measures; ``assigns``
        counts that best label only from 0.5)."""
        p, with_terms = self.probabilities_centred(x, texts, languages, contexts)
        confidence = self.calibrated(p, with_terms)
        if self.multi_label:
            return confidence, confidence >= 0.5
        chosen = np.zeros(p.shape, bool)
        chosen[np.arange(len(p)), p.argmax(axis=1)] = True
        return confidence, chosen

    def predict(
        self,
        texts: Sequence[str],
        *,
        languages: Sequence[str] | None = None,
        vectors: np.ndarray | None = None,
        contexts: Sequence[dict | None] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """Per text, ``(label code, confidence in [0, 1])`` pairs, highest first: every label the model assigns
        (``assigns``: confidence ≥ 0.5), then the next best, up to ``TOP`` in all (more only when it assigns more).

        ``languages``: "ar", "fr" or "en" per text (``None``: guessed from the script and common words).
        ``vectors``: the texts' embeddings as ``rasd.semantic`` stores them (``RecommendationEmbedding``):
        normalised, **not** centred — they are centred here; ``None``: the texts are encoded now.
        ``contexts``: per text, who made the recommendation, ``{"mechanism": "CEDAW", "recommending_states":
        ["FRA"]}`` (codes as the product stores them; either key may be missing) or ``None``; a model trained
        with contexts reads them, any other ignores them. Without them the text alone decides.
        """
        texts = list(texts)
        languages = list(languages) if languages is not None else [semantic.language_guess(t) for t in texts]
        if not texts:
            return []
        tokens = [context_tokens(c) for c in contexts] if contexts is not None else None
        confidence, chosen = self.scores_centred(embed(texts, languages, vectors), texts, languages, tokens)
        out = []
        for row, assigned in zip(confidence, chosen):
            order = np.argsort(-row, kind="stable")
            n = max(TOP, int(assigned.sum()))
            out.append([(self.labels[i], round(float(row[i]), 4)) for i in order[:n]])
        return out

    threshold = 0.5

    def assigns(self, label_score: tuple[str, float]) -> bool:
        """Whether a ``(label, confidence)`` of ``predict`` counts as assigned: confidence ≥ ``threshold`` (0.5),
        for every task and language (``calibrated``)."""
        return label_score[1] >= self.threshold

    # Files

    def save(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        config = dict(self.config)
        arrays = dict(self.arrays)
        if self.goals is not None:
            g = self.goals
            config["goals"] = dict(task=g.task, labels=g.labels, multi_label=g.multi_label, card={}, config=g.config)
            arrays.update({f"goals.{k}": v for k, v in g.arrays.items()})
        meta = dict(
            format=FORMAT,
            task=self.task,
            labels=self.labels,
            multi_label=self.multi_label,
            card=self.card,
            config=config,
            model=semantic.MODEL_NAME,
        )
        json_path, npz_path = directory / f"{self.task}.json", directory / f"{self.task}.npz"
        np.savez_compressed(npz_path, **arrays)
        json_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return [json_path, npz_path]

    @classmethod
    def load(cls, directory: Path, task: str) -> "Classifier":
        meta = json.loads((directory / f"{task}.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{task}: model file format {meta.get('format')}, expected {FORMAT}")
        with np.load(directory / f"{task}.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        classifier = cls(
            task=meta["task"],
            labels=meta["labels"],
            multi_label=meta["multi_label"],
            card=meta["card"],
            arrays=arrays,
            config=meta["config"],
        )
        classifier.embedding_model = meta.get("model", "")
        return classifier
