"""What a classifier reads in a text besides its embedding: TF-IDF weights of its terms.

Terms are the search index's (``rasd.search.normalise.index_text``: Arabic letters folded and lightly stemmed,
French and English Snowball stems), so that one pipeline decides what a word is. Each text gives its terms, the
pairs of consecutive terms, and its opening words marked as such ("^continu", "^consid ratif"): how a recommendation
opens ("Continue…", "Consider ratifying…") is most of its UPR action category.

A model may read two more kinds of feature (``KINDS``), each weighted as a block of its own:

- ``openings``: the first ``OPENING_WORDS`` words as written (lower case), each with its place ("@1:further"), and
  their consecutive pairs — "Take further measures" and "Take measures" open differently, which a stem loses;
- ``letters``: the letter sequences of 2 to 5 characters inside each word (" ratif", "ify "), which know a word's
  family and its spelling variants ("ratify", "ratification", "ratifying") without a stemmer.
"""

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from rasd.search.normalise import index_text

KINDS = ("terms", "openings", "letters")
OPENING_WORDS = 6
LETTERS = (2, 5)
WORD = re.compile(r"\w+")
# Per kind: the fewest texts a feature must be seen in, and the most features kept (the most frequent).
MIN_DF = {"terms": 2, "openings": 2, "letters": 3}
MAX_FEATURES = 40000


def kind_of(feature: str) -> str:
    return "openings" if feature.startswith("@") else "letters" if feature.startswith("#") else "terms"


def terms(text: str, language: str, kinds: Sequence[str] = ("terms",)) -> list[str]:
    """The features of ``text`` of the ``kinds`` asked for (``KINDS``), repeated as often as they occur."""
    out = []
    if "terms" in kinds:
        words = index_text(text, language if language in ("ar", "fr", "en") else "").split()
        out += words + [f"{a} {b}" for a, b in zip(words, words[1:])]
        if words:
            out.append(f"^{words[0]}")
            if len(words) > 1:
                out.append(f"^{words[0]} {words[1]}")
    if "openings" in kinds or "letters" in kinds:
        written = WORD.findall(text.casefold())
        if "openings" in kinds:
            first = written[:OPENING_WORDS]
            out += [f"@{i}:{w}" for i, w in enumerate(first)] + [f"@{a}+{b}" for a, b in zip(first, first[1:])]
        if "letters" in kinds:
            low, high = LETTERS
            for word in written:
                padded = f" {word} "
                out += [f"#{padded[i : i + n]}" for n in range(low, high + 1) for i in range(len(padded) - n + 1)]
    return out


class Tfidf:
    """Sublinear TF-IDF over a fixed vocabulary — for each kind of feature the same numbers as scikit-learn's
    ``TfidfVectorizer(sublinear_tf=True)`` fitted on that kind's vocabulary, each kind's block of a row scaled to
    unit length — computed here so that a shipped model needs only its vocabulary and its idf weights."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, kinds: Sequence[str] = ("terms",)):
        self.vocabulary = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.kinds = tuple(kinds)
        self.block = np.array([KINDS.index(kind_of(t)) for t in self.vocabulary], dtype=np.int8)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        languages: Sequence[str],
        *,
        kinds: Sequence[str] = ("terms",),
        max_features: int = MAX_FEATURES,
    ):
        document_frequency: dict[str, int] = {}
        for text, language in zip(texts, languages):
            for term in set(terms(text, language, kinds)):
                document_frequency[term] = document_frequency.get(term, 0) + 1
        kept = []
        for kind in kinds:
            of_kind = [t for t, df in document_frequency.items() if kind_of(t) == kind and df >= MIN_DF[kind]]
            of_kind.sort(key=lambda t: (-document_frequency[t], t))
            kept += of_kind[:max_features]
        kept.sort()
        n = len(texts)
        idf = np.array([np.log((1 + n) / (1 + document_frequency[t])) + 1 for t in kept], dtype=np.float32)
        return cls(kept, idf, kinds)

    def transform(self, texts: Sequence[str], languages: Sequence[str]) -> sparse.csr_matrix:
        indptr, indices, values = [0], [], []
        for text, language in zip(texts, languages):
            counts: dict[int, int] = {}
            for term in terms(text, language, self.kinds):
                if (i := self.index.get(term)) is not None:
                    counts[i] = counts.get(i, 0) + 1
            row = np.array(sorted(counts), dtype=np.int64)
            weights = np.array([(1 + np.log(counts[i])) * self.idf[i] for i in row.tolist()], dtype=np.float32)
            if len(row):
                blocks = self.block[row]
                norms = np.sqrt(np.bincount(blocks, weights=weights**2, minlength=len(KINDS)))
                weights = weights / np.where(norms[blocks] > 0, norms[blocks], 1.0).astype(np.float32)
            indices.extend(row.tolist())
            values.extend(weights.tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(values, dtype=np.float32), np.array(indices, dtype=np.int32), np.array(indptr)),
            shape=(len(texts), len(self.vocabulary)),
        )


# What a classifier may read besides the text: who made the recommendation. In the DIDH's data the national axis and
# the responsible institutions follow the mechanism closely (CEDAW → women, CRC → children, the rapporteur on torture
# → the prisons administration), which the wording alone does not always say.
TREATY_BODIES = frozenset({"CAT", "CCPR", "CED", "CEDAW", "CERD", "CESCR", "CMW", "CRC", "CRPD", "SPT"})


def context_tokens(context: dict | None) -> tuple[str, ...]:
    """The features of a recommendation's context ``{"mechanism": code, "recommending_states": [codes]}`` (both
    optional): its mechanism, the kind of mechanism (UPR, treaty body, or else a special procedure) and each
    recommending state."""
    if not context:
        return ()
    out = []
    if mechanism := str(context.get("mechanism") or "").strip():
        kind = "UPR" if mechanism.upper() == "UPR" else "TB" if mechanism.upper() in TREATY_BODIES else "SP"
        out += [f"mechanism:{mechanism}", f"mechanism-kind:{kind}"]
    out += [
        f"state:{state}"
        for state in sorted({str(s).strip() for s in context.get("recommending_states") or ()})
        if state
    ]
    return tuple(out)


def context_matrix(contexts: Sequence[Sequence[str]] | None, n: int, vocabulary: Sequence[str], weight: float):
    """(texts × context features) one-hot rows scaled by ``weight``; zeros for a text with no context."""
    out = np.zeros((n, len(vocabulary)), np.float32)
    if contexts is None or not len(vocabulary):
        return out
    index = {token: j for j, token in enumerate(vocabulary)}
    for i, tokens in enumerate(contexts):
        for token in tokens or ():
            if (j := index.get(token)) is not None:
                out[i, j] = weight
    return out
