"""What a classifier reads in a text besides its embedding: TF-IDF weights of its terms.

Terms are the search index's (``rasd.search.normalise.index_text``: Arabic letters folded and lightly stemmed,
French and English Snowball stems), so that one pipeline decides what a word is. Each text gives its terms, the
pairs of consecutive terms, and its opening words marked as such ("^continu", "^consid ratif"): how a recommendation
opens ("Continue…", "Consider ratifying…") is most of its UPR action category.
"""

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from rasd.search.normalise import index_text


def terms(text: str, language: str) -> list[str]:
    words = index_text(text, language if language in ("ar", "fr", "en") else "").split()
    out = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    if words:
        out.append(f"^{words[0]}")
        if len(words) > 1:
            out.append(f"^{words[0]} {words[1]}")
    return out


class Tfidf:
    """Sublinear TF-IDF over a fixed vocabulary, rows scaled to unit length — the same numbers as scikit-learn's
    ``TfidfVectorizer(sublinear_tf=True)`` fitted on that vocabulary, computed here so that a shipped model needs
    only its vocabulary and its idf weights."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray):
        self.vocabulary = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float32)

    @classmethod
    def fit(cls, texts: Sequence[str], languages: Sequence[str], *, min_df: int = 2, max_features: int = 40000):
        document_frequency: dict[str, int] = {}
        for text, language in zip(texts, languages):
            for term in set(terms(text, language)):
                document_frequency[term] = document_frequency.get(term, 0) + 1
        kept = [t for t, df in document_frequency.items() if df >= min_df]
        kept.sort(key=lambda t: (-document_frequency[t], t))
        kept = sorted(kept[:max_features])
        n = len(texts)
        idf = np.array([np.log((1 + n) / (1 + document_frequency[t])) + 1 for t in kept], dtype=np.float32)
        return cls(kept, idf)

    def transform(self, texts: Sequence[str], languages: Sequence[str]) -> sparse.csr_matrix:
        indptr, indices, values = [0], [], []
        for text, language in zip(texts, languages):
            counts: dict[int, int] = {}
            for term in terms(text, language):
                if (i := self.index.get(term)) is not None:
                    counts[i] = counts.get(i, 0) + 1
            row = sorted(counts)
            weights = np.array([(1 + np.log(counts[i])) * self.idf[i] for i in row], dtype=np.float32)
            norm = np.sqrt((weights**2).sum())
            indices.extend(row)
            values.extend(weights / norm if norm else weights)
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
