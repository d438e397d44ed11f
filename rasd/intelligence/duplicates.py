"""Near-duplicate recommendations, without Django: which texts ask for the same thing, and how they form groups.

Two sources of pairs, joined into groups:

- ``near_pairs``: the stored sentence vectors (centred by language, so an Arabic text and its French twin meet),
  compared by cosine in blocks of rows against all rows (a matrix product per block, then the best ``top_k`` of
  each row above the threshold and its nearest row in each language): memory is ``block_rows × rows`` scores at
  a time (and a copy of one language's columns), never ``rows × rows``: at 270,000 recommendations in two
  languages (540,000 vectors) a block of 64 rows is 140 MB of scores.
- ``near_pairs_within``: the same, within each state under review apart.
- ``exact_pairs``: identical normalised text (``rasd.search.normalise.index_text``: case, accents, Arabic letter
  forms and word endings folded). The same UPR text recommended by ten states in one session is certainly one ask.

``groups_join`` joins the pairs, best first, with union-find; a pair only joins two groups when every member of
the smaller one is still close to the larger one's anchor (its first member), which keeps a chain of pairs that
are each close (A≈B, B≈C, C≈D) from joining texts that are not (A and D).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# Two thresholds on the cosine of centred vectors, chosen on the DIDH French/Arabic twins and French repeats
# (benchmarks/intelligence.py; "Intelligence: near-duplicates" in RESULTS.md):
# - Texts in one language that say the same thing with other words score high: above 0.85 the French pairs of the
#   demo set are the same ask reworded ("Ratifier le Protocole…" / "Accélérer la ratification du Protocole…");
#   between 0.80 and 0.85 come different asks in the same words ("premier" / "deuxième Protocole facultatif").
# - A translation scores lower (twins: median 0.71, one in ten below 0.56) and as high as the nearest other text
#   on the same subject, so no cosine alone separates them. What does: 93% of twins are each other's nearest text
#   in the other's language. A pair in two languages is taken when it is that ("mutual nearest"), above 0.40, and
#   stands out from its neighbourhood: its cosine is at least ``CROSS_MARGIN`` times the mean of the two texts'
#   ``MARGIN_K`` nearest in each other's language (a ratio margin, as in parallel-corpus mining). Two texts that are
#   each other's nearest only because their subject has no closer text score about as high as their other
#   neighbours; a translation scores above them.
SAME_THRESHOLD = 0.85
CROSS_THRESHOLD = 0.40
CROSS_MARGIN = 1.08
MARGIN_K = 3
# How close every member must stay to its group's anchor (see ``groups_join``): below the cross-language threshold,
# so that a group is not cut between translations, and high enough that a chain of pairs cannot drift to another
# subject (two random recommendations score about 0.1).
GROUP_FLOOR = 0.30
TOP_K = 20  # neighbours kept per row: a text repeated more often is still joined, through its neighbours' neighbours
BLOCK_ROWS = 64
# An exact match needs this many words: "Accepted." or "Noted" repeated is not the same ask.
EXACT_MIN_TERMS = 4

Pairs = dict[tuple[int, int], float]


@dataclass(frozen=True)
class Group:
    anchor: int  # the owner the others were compared with
    members: tuple[int, ...]  # sorted, the anchor among them
    similarities: tuple[float, ...]  # of each member to the anchor (1.0 for the anchor), in the order of ``members``

    @property
    def similarity(self) -> float:
        """How far apart the group may be: the lowest similarity of a member to the anchor."""
        return min(s for m, s in zip(self.members, self.similarities) if m != self.anchor)


def pair_add(pairs: Pairs, a: int, b: int, similarity: float) -> None:
    """Keep the best similarity seen for the unordered pair (a, b)."""
    key = (a, b) if a < b else (b, a)
    if similarity > pairs.get(key, -1.0):
        pairs[key] = similarity


def near_pairs(
    matrix: np.ndarray,
    owners: np.ndarray,
    languages: np.ndarray,
    *,
    same_threshold: float = SAME_THRESHOLD,
    cross_threshold: float = CROSS_THRESHOLD,
    cross_margin: float = CROSS_MARGIN,
    top_k: int = TOP_K,
    block_rows: int = BLOCK_ROWS,
    pairs: Pairs | None = None,
) -> Pairs:
    """Pairs of owners (recommendations) with near-duplicate rows, with their best cosine: any two rows at least
    ``same_threshold`` apart (among each row's ``top_k`` nearest), and two rows in different languages that are
    each other's nearest in the other's language (their own recommendation's versions included), at least
    ``cross_threshold``, and at least ``cross_margin`` times the mean cosine of their ``MARGIN_K`` nearest rows in
    each other's language.

    ``matrix``: unit rows (centred); ``owners[i]``: whose row ``i`` is; ``languages[i]``: its language. The rows of
    one owner (the language versions of one recommendation) are never paired with each other.
    """
    pairs = {} if pairs is None else pairs
    n = len(matrix)
    owners, languages = np.asarray(owners), np.asarray(languages)
    rows_of: dict[int, list[int]] = {}
    for row, owner in enumerate(owners.tolist()):
        rows_of.setdefault(owner, []).append(row)
    columns = {lang: np.flatnonzero(languages == lang) for lang in np.unique(languages).tolist()}
    # Each row's nearest row in each language (-1: none) and its cosine.
    nearest = np.full((n, len(columns)), -1, dtype=np.int64)
    nearest_score = np.full((n, len(columns)), -2.0, dtype=np.float32)
    neighbourhood = np.zeros((n, len(columns)), dtype=np.float32)  # mean cosine of the MARGIN_K nearest
    k = min(top_k, n)
    for start in range(0, n, block_rows):
        scores = matrix[start : start + block_rows] @ matrix.T
        # The nearest in each language counts the row's own other versions: an Arabic text whose recommendation
        # has its French version is that French text's twin, not the twin of another French text on its subject.
        for slot, cols in enumerate(columns.values()):
            in_language = scores if len(cols) == n else scores[:, cols]
            best = in_language.argmax(axis=1)
            nearest[start : start + len(scores), slot] = cols[best]
            nearest_score[start : start + len(scores), slot] = in_language[np.arange(len(scores)), best]
            k_near = min(MARGIN_K, len(cols))
            closest = np.partition(in_language, -k_near, axis=1)[:, -k_near:]
            neighbourhood[start : start + len(scores), slot] = closest.mean(axis=1)
        for row in range(len(scores)):
            scores[row, rows_of[int(owners[start + row])]] = -2.0
        # The rows above the threshold first (few), then each row's best ``k`` of them: no sort of the whole block.
        hit_rows, hit_cols = np.nonzero(scores >= same_threshold)
        hit_scores = scores[hit_rows, hit_cols]
        order = np.lexsort((-hit_scores, hit_rows))
        hit_rows, hit_cols, hit_scores = hit_rows[order], hit_cols[order], hit_scores[order]
        keep = np.arange(len(hit_rows)) - np.searchsorted(hit_rows, hit_rows) < k
        for row, col, score in zip(hit_rows[keep].tolist(), hit_cols[keep].tolist(), hit_scores[keep].tolist()):
            pair_add(pairs, int(owners[start + row]), int(owners[col]), score)
    slot_of = {lang: slot for slot, lang in enumerate(columns)}
    for row in range(n):
        own = slot_of[languages[row]]
        for slot in range(len(columns)):
            other = nearest[row, slot]
            around = (neighbourhood[row, slot] + neighbourhood[other, own]) / 2
            if (
                slot != own
                and nearest_score[row, slot] >= cross_threshold
                and nearest[other, own] == row  # mutual
                and nearest_score[row, slot] >= cross_margin * around
                and row < other
                and owners[row] != owners[other]
            ):
                pair_add(pairs, int(owners[row]), int(owners[other]), float(nearest_score[row, slot]))
    return pairs


def near_pairs_within(
    matrix: np.ndarray, owners: np.ndarray, languages: np.ndarray, parts: np.ndarray, **options
) -> Pairs:
    """``near_pairs`` within each part apart (``parts[i]``: the part of row ``i``, the state under review): the same
    words addressed to two states are two asks, each recurring or not on its own. Each part is compared with itself
    only, which also makes the work the sum of the parts' squares rather than the square of the whole."""
    pairs = options.pop("pairs", None)
    pairs = {} if pairs is None else pairs
    parts = np.asarray(parts)
    values = np.unique(parts)
    if len(values) == 1:  # one state: no copy of the matrix
        return near_pairs(matrix, owners, languages, pairs=pairs, **options)
    for value in values.tolist():
        rows = np.flatnonzero(parts == value)
        if len(rows) > 1:
            near_pairs(matrix[rows], np.asarray(owners)[rows], np.asarray(languages)[rows], pairs=pairs, **options)
    return pairs


def exact_pairs(keys: Iterable[tuple[int, str]], *, pairs: Pairs | None = None) -> Pairs:
    """Pairs of owners whose normalised texts are identical (similarity 1.0): each to the first owner of its text.
    ``keys``: (owner, normalised text); a text of fewer than ``EXACT_MIN_TERMS`` words is no evidence."""
    pairs = {} if pairs is None else pairs
    first: dict[str, int] = {}
    for owner, key in keys:
        if len(key.split()) < EXACT_MIN_TERMS:
            continue
        seen = first.setdefault(key, owner)
        if seen != owner:
            pair_add(pairs, seen, owner, 1.0)
    return pairs


Similarities = Callable[[int, Sequence[int]], np.ndarray]


def groups_join(pairs: Pairs, similarities: Similarities, *, floor: float = GROUP_FLOOR) -> list[Group]:
    """Groups of two or more owners from ``pairs``, best pair first.

    ``similarities(anchor, owners)``: the similarity of each owner to ``anchor``. Two groups are joined by a pair
    only when every member of the smaller one has at least ``floor`` with the larger one's anchor: the anchor of a
    group is its first member, and every member stays close to it (the members of the larger group already are).
    """
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    to_anchor: dict[int, float] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), _ in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        big, small = (ra, rb) if (len(members.get(ra, [ra])), -ra) >= (len(members.get(rb, [rb])), -rb) else (rb, ra)
        incoming = members.get(small, [small])
        close = similarities(big, incoming)
        if (close < floor).any():
            continue
        to_anchor.update(zip(incoming, close.tolist()))
        to_anchor[big] = 1.0
        parent[small] = big
        members[big] = members.get(big, [big]) + incoming
        members.pop(small, None)

    groups = []
    for anchor, owners in members.items():
        ordered = tuple(sorted(owners))
        groups.append(Group(anchor, ordered, tuple(to_anchor[m] for m in ordered)))
    return sorted(groups, key=lambda g: g.members[0])
