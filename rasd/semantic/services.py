"""Semantic, cross-lingual search: computing the vectors of recommendations, and ranking by them.

- ``embeddings_compute``: the vector of every language version whose text is new or changed (the task worker runs
  it after each import: ``embeddings_compute_later``; ``manage.py compute_embeddings`` runs it by hand).
- ``semantic_ranking``: recommendations closest in meaning to a query, in whatever language either is written.
- ``similar_recommendations``: "more like this".

Search is a matrix product in numpy over every stored vector, held in memory once per process (float32: 2 KB a
vector, about 550 MB for 270,000) and brought up to date when the table changes. The model itself is loaded on
first use (``engine.encoder``); a search on a database without vectors never loads it.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from django.db import transaction
from django.db.models import Count, Max

from rasd.recommendations.models import Recommendation
from rasd.semantic import engine
from rasd.semantic.engine import DIM, LANGUAGES, MODEL_NAME
from rasd.semantic.models import RecommendationEmbedding

__all__ = ["embeddings_compute", "embeddings_compute_later", "semantic_ranking", "similar_recommendations"]

logger = logging.getLogger(__name__)

BATCH = 256  # texts encoded, then written in one transaction: an interrupted run keeps what it has done
READ_CHUNK = 2000  # recommendations read at a time (and ids per SQL IN list)
# Above this many recommendations, the task is told "all that are missing or changed" instead of a list of ids:
# the same work (unchanged texts are skipped), without a task argument of megabytes.
ENQUEUE_ALL_ABOVE = 10_000
TEXT_FIELDS = {lang: f"text_{lang}" for lang in LANGUAGES}

Progress = Callable[[int, int], None]


# Computing


def embeddings_compute(*, recommendation_ids: list[int] | None = None, progress: Progress | None = None) -> int:
    """Store the vector of each language version of these recommendations (None: all) that has none or whose
    text changed since; returns how many vectors were written.

    Unchanged texts (same ``engine.text_hash``) are skipped; vectors of versions that no longer have a text are
    deleted, and so, when computing for all, are the vectors of another model. ``progress(done, total)`` counts
    texts to encode. Each batch of ``BATCH`` texts is committed on its own.
    """
    if recommendation_ids is None:
        ids = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True))
        RecommendationEmbedding.objects.exclude(model=MODEL_NAME).delete()
    else:
        ids = sorted(set(recommendation_ids))

    # First pass, hashes only: what must be encoded (to know the total before starting), what must go.
    todo: list[tuple[int, str]] = []
    obsolete: list[int] = []
    for start in range(0, len(ids), READ_CHUNK):
        chunk = ids[start : start + READ_CHUNK]
        stored = {
            (rec_id, lang): (pk, text_hash)
            for pk, rec_id, lang, text_hash in RecommendationEmbedding.objects.filter(
                model=MODEL_NAME, recommendation_id__in=chunk
            ).values_list("pk", "recommendation_id", "language", "text_hash")
        }
        for rec_id, *texts in Recommendation.objects.filter(pk__in=chunk).values_list("pk", *TEXT_FIELDS.values()):
            for lang, text in zip(LANGUAGES, texts):
                if not engine.text_prepare(text):
                    continue
                have = stored.pop((rec_id, lang), None)
                if have is None or have[1] != engine.text_hash(text):
                    todo.append((rec_id, lang))
        obsolete.extend(pk for pk, _ in stored.values())  # versions without a text now
    for start in range(0, len(obsolete), READ_CHUNK):
        RecommendationEmbedding.objects.filter(pk__in=obsolete[start : start + READ_CHUNK]).delete()

    written = 0
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        written += _batch_compute(batch)
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    logger.info("embeddings: %s vectors written, %s removed", written, len(obsolete))
    return written


def _batch_compute(batch: list[tuple[int, str]]) -> int:
    # The texts are read again here: the ones encoded are the ones current now, whatever changed since the plan.
    texts = {
        rec_id: dict(zip(LANGUAGES, values))
        for rec_id, *values in Recommendation.objects.filter(pk__in={r for r, _ in batch}).values_list(
            "pk", *TEXT_FIELDS.values()
        )
    }
    batch = [(rec_id, lang) for rec_id, lang in batch if engine.text_prepare(texts.get(rec_id, {}).get(lang, ""))]
    if not batch:
        return 0
    batch_texts = [texts[rec_id][lang] for rec_id, lang in batch]
    vectors = engine.encoder().encode(batch_texts)
    rows = [
        RecommendationEmbedding(
            recommendation_id=rec_id,
            language=lang,
            model=MODEL_NAME,
            vector=vector.astype("<f4").tobytes(),
            text_hash=engine.text_hash(text),
        )
        for (rec_id, lang), text, vector in zip(batch, batch_texts, vectors)
    ]
    with transaction.atomic():
        # A replaced vector gets a new row, hence a new id: that is how searching processes notice it.
        keys = set(batch)
        stale = RecommendationEmbedding.objects.filter(model=MODEL_NAME, recommendation_id__in={r for r, _ in keys})
        stale_ids = [pk for pk, *key in stale.values_list("pk", "recommendation_id", "language") if tuple(key) in keys]
        RecommendationEmbedding.objects.filter(pk__in=stale_ids).delete()
        # A recommendation deleted while its vector was computed has nothing to attach it to.
        alive = set(
            Recommendation.objects.filter(pk__in={r.recommendation_id for r in rows}).values_list("pk", flat=True)
        )
        RecommendationEmbedding.objects.bulk_create([r for r in rows if r.recommendation_id in alive])
    return sum(r.recommendation_id in alive for r in rows)


def embeddings_compute_later(*, recommendation_ids: list[int]) -> None:
    """Once the current transaction commits, have the task worker compute the vectors of these recommendations."""
    if not recommendation_ids:
        return
    from rasd.semantic.tasks import embeddings_compute_task

    ids = sorted(set(recommendation_ids)) if len(recommendation_ids) <= ENQUEUE_ALL_ABOVE else None
    transaction.on_commit(lambda: embeddings_compute_task.enqueue(recommendation_ids=ids))


# The in-memory index


@dataclass(frozen=True)
class _Index:
    signature: tuple  # (count, largest id, latest computed_at) of the vectors it holds
    last_row: tuple  # (id, computed_at) of the table's last row when it was last checked
    checked_at: float  # time.monotonic() of the last full check (the signature)
    recommendation_ids: np.ndarray  # int64, one per row
    matrix: np.ndarray  # float32 (rows, DIM), centred by language and normalised

    def __len__(self) -> int:
        return len(self.recommendation_ids)


_index: _Index | None = None
_index_lock = threading.Lock()
# Counting the vectors reads an index entry for each of them (~100 ms at 270,000): done when the last row changed
# (every write adds one), else at most this often, to notice deletions. In between, a deleted recommendation is
# still left out of the results (``_existing``), and a deleted language version only ranks on its old text.
FULL_CHECK_EVERY_S = 60.0


def _last_row() -> tuple:
    # The primary key's index read backwards: one entry, whatever the table's size.
    return RecommendationEmbedding.objects.order_by("-pk").values_list("pk", "computed_at").first() or (0, None)


def _signature(**filters) -> tuple:
    found = RecommendationEmbedding.objects.filter(model=MODEL_NAME, **filters).aggregate(
        count=Count("id"), last=Max("id"), at=Max("computed_at")
    )
    return (found["count"], found["last"] or 0, found["at"])


def _rows_load(queryset, count: int) -> tuple[np.ndarray, np.ndarray]:
    rec_ids = np.empty(count, dtype=np.int64)
    matrix = np.empty((count, DIM), dtype=np.float32)
    languages = np.empty(count, dtype="<U2")
    n = 0
    rows = queryset.order_by("pk").values_list("recommendation_id", "language", "vector")
    for rec_id, lang, vector in rows.iterator(chunk_size=5000):
        if n == count:  # written since the count was taken: the next search picks it up
            break
        rec_ids[n], languages[n] = rec_id, lang
        matrix[n] = np.frombuffer(vector, dtype="<f4")
        n += 1
    return rec_ids[:n], engine.centre(matrix[:n], languages[:n], in_place=True)


def _index_current() -> _Index:
    """The index, brought up to date: new vectors only are read when nothing else changed, else all of them."""
    global _index
    last_row, now = _last_row(), time.monotonic()
    index = _index
    if index is not None and index.last_row == last_row and now - index.checked_at < FULL_CHECK_EVERY_S:
        return index
    with _index_lock:
        index = _index
        signature = _signature()
        if index is not None and index.signature == signature:
            _index = replace(index, last_row=last_row, checked_at=now)
            return _index
        base = RecommendationEmbedding.objects.filter(model=MODEL_NAME)
        if (
            index is not None
            and signature[0] > index.signature[0]
            and _signature(pk__lte=index.signature[1]) == index.signature
        ):
            rec_ids, matrix = _rows_load(base.filter(pk__gt=index.signature[1]), signature[0] - index.signature[0])
            rec_ids = np.concatenate([index.recommendation_ids, rec_ids])
            matrix = np.concatenate([index.matrix, matrix])
        else:
            rec_ids, matrix = _rows_load(base, signature[0])
        _index = _Index(signature, last_row, now, rec_ids, matrix)
        return _index


def _existing(ranking: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The ranking less recommendations deleted since the index last counted its vectors."""
    ids = [rec_id for rec_id, _ in ranking]
    found = set()
    for start in range(0, len(ids), READ_CHUNK):
        found.update(Recommendation.objects.filter(pk__in=ids[start : start + READ_CHUNK]).values_list("pk", flat=True))
    return [(rec_id, score) for rec_id, score in ranking if rec_id in found]


def _best_per_recommendation(
    rec_ids: np.ndarray, scores: np.ndarray, limit: int, exclude: int | None = None
) -> list[tuple[int, float]]:
    # A recommendation has at most one row per language, so the best `limit` of them lie among the best rows below.
    wanted = (limit + (exclude is not None)) * len(LANGUAGES)
    if wanted < len(scores):
        top = np.argpartition(-scores, wanted - 1)[:wanted]
    else:
        top = np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    ranking, seen = [], {exclude}
    for row in top:
        rec_id = int(rec_ids[row])
        if rec_id not in seen:
            seen.add(rec_id)
            ranking.append((rec_id, float(scores[row])))
            if len(ranking) == limit:
                break
    return ranking


# Searching


def semantic_ranking(*, query: str, limit: int = 100) -> list[tuple[int, float]]:
    """(recommendation id, cosine score) best first; a recommendation with several language versions counts once
    (its best).

    The query may be in any language: an Arabic query finds French and English recommendations on the same subject.
    Recommendations without a vector yet (just imported, the worker still at work) are not found. Every
    recommendation with a vector may be returned: what a user may see is the caller's to filter.
    """
    if not query.strip() or limit <= 0:
        return []
    index = _index_current()
    if not len(index):
        return []
    vector, _language = engine.encoder().encode_query(query)
    return _existing(_best_per_recommendation(index.recommendation_ids, index.matrix @ vector, limit))


def similar_recommendations(*, recommendation_id: int, limit: int = 20) -> list[tuple[int, float]]:
    """More like this: nearest recommendations to this one (all its language versions), excluding itself.

    A recommendation's score is its best cosine with any version of this one. A recommendation without stored
    vectors yet is encoded on the spot (and not stored: that is the worker's job).
    """
    if limit <= 0:
        return []
    index = _index_current()
    if not len(index):
        return []
    own = index.recommendation_ids == recommendation_id
    if own.any():
        vectors = index.matrix[own]
    else:
        texts = Recommendation.objects.filter(pk=recommendation_id).values_list(*TEXT_FIELDS.values()).first()
        versions = [(lang, text) for lang, text in zip(LANGUAGES, texts or ()) if engine.text_prepare(text)]
        if not versions:
            return []
        raw = engine.encoder().encode([text for _, text in versions])
        vectors = engine.centre(raw, [lang for lang, _ in versions])
    scores = (index.matrix @ vectors.T).max(axis=1)
    return _existing(_best_per_recommendation(index.recommendation_ids, scores, limit, exclude=recommendation_id))
