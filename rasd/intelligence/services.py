"""Writes of the intelligence app: the near-duplicate groups, computed again from the stored vectors and texts."""

import logging

import numpy as np
from django.db import transaction
from django.utils.text import Truncator

from rasd.intelligence import duplicates
from rasd.intelligence.models import DuplicateGroup, DuplicateMembership
from rasd.intelligence.selectors import recurrence
from rasd.recommendations.models import Cluster, Recommendation
from rasd.recommendations.services import cluster_create
from rasd.search.normalise import index_text
from rasd.semantic import engine
from rasd.semantic.engine import DIM, LANGUAGES, MODEL_NAME
from rasd.semantic.models import RecommendationEmbedding

__all__ = ["duplicate_group_cluster_create", "duplicate_groups_refresh"]

logger = logging.getLogger(__name__)

READ_CHUNK = 5000
# Words of the recommendation's text that title the cluster made from its group.
CLUSTER_TITLE_WORDS = 20


def _vectors_load() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(recommendation ids, languages, centred unit vectors) of every stored vector of the current model."""
    rows = RecommendationEmbedding.objects.filter(model=MODEL_NAME).order_by("pk")
    count = rows.count()
    owners = np.empty(count, dtype=np.int64)
    languages = np.empty(count, dtype="<U2")
    matrix = np.empty((count, DIM), dtype=np.float32)
    n = 0
    for rec_id, lang, vector in rows.values_list("recommendation_id", "language", "vector").iterator(READ_CHUNK):
        if n == count:  # written since the count: the next refresh takes it
            break
        owners[n], languages[n] = rec_id, lang
        matrix[n] = np.frombuffer(vector, dtype="<f4")
        n += 1
    return owners[:n], languages[:n], engine.centre(matrix[:n], languages[:n], in_place=True)


def _texts_load() -> tuple[dict[int, set[str]], dict[int, int]]:
    """Each recommendation's normalised texts, one per language version ("<state id>:fr:" + terms…: the same
    words addressed to another state are another ask), and its state under review."""
    keys: dict[int, set[str]] = {}
    states: dict[int, int] = {}
    fields = [f"text_{lang}" for lang in LANGUAGES]
    for rec_id, state_id, *texts in Recommendation.objects.values_list("pk", "state_id", *fields).iterator(READ_CHUNK):
        states[rec_id] = state_id
        keys[rec_id] = {
            f"{state_id}:{lang}:{index_text(text, lang)}" for lang, text in zip(LANGUAGES, texts) if text.strip()
        }
    return keys, states


def duplicate_groups_compute() -> list[duplicates.Group]:
    """The groups of recommendations to one state that ask for the same thing, from the stored vectors and texts.

    A recommendation's similarity to another is the best cosine between any of their language versions, or 1.0
    when they share a normalised text. Recommendations without vectors yet are grouped by identical text only.
    """
    owners, languages, matrix = _vectors_load()
    keys, states = _texts_load()
    alive = np.array([owner in states for owner in owners.tolist()], dtype=bool)  # deleted since the vectors
    if not alive.all():
        owners, languages, matrix = owners[alive], languages[alive], matrix[alive]
    parts = np.array([states[owner] for owner in owners.tolist()], dtype=np.int64)
    pairs = duplicates.near_pairs_within(matrix, owners, languages, parts)
    duplicates.exact_pairs(((rec_id, key) for rec_id, ks in keys.items() for key in sorted(ks)), pairs=pairs)
    rows_of: dict[int, list[int]] = {}
    for row, owner in enumerate(owners.tolist()):
        rows_of.setdefault(owner, []).append(row)

    def similarities(anchor: int, members) -> np.ndarray:
        anchor_rows = matrix[rows_of.get(anchor, [])]
        out = np.empty(len(members), dtype=np.float32)
        for i, member in enumerate(members):
            shared = keys.get(anchor, set()) & keys.get(member, set())
            if any(len(k.split()) >= duplicates.EXACT_MIN_TERMS for k in shared):
                out[i] = 1.0
            elif len(anchor_rows) and member in rows_of:
                out[i] = float((matrix[rows_of[member]] @ anchor_rows.T).max())
            else:
                out[i] = -1.0
        return out

    return duplicates.groups_join(pairs, similarities)


@transaction.atomic
def duplicate_groups_refresh() -> tuple[int, int]:
    """Replace the stored near-duplicate groups with the ones computed now; returns (groups, recommendations in
    them). The same vectors and texts give the same groups: running it twice changes nothing but their ids. One
    transaction: readers see the old groups or the new ones, never none."""
    groups = duplicate_groups_compute()
    DuplicateGroup.objects.all().delete()
    stored = DuplicateGroup.objects.bulk_create(
        DuplicateGroup(anchor_id=g.anchor, similarity=g.similarity, size=len(g.members)) for g in groups
    )
    DuplicateMembership.objects.bulk_create(
        (
            DuplicateMembership(group=row, recommendation_id=member, similarity=similarity)
            for row, g in zip(stored, groups)
            for member, similarity in zip(g.members, g.similarities)
        ),
        batch_size=2000,
    )
    members = sum(len(g.members) for g in groups)
    logger.info("duplicate groups: %s groups of %s recommendations", len(groups), members)
    return len(groups), members


def duplicate_group_cluster_create(*, by, recommendation: Recommendation) -> tuple[Cluster, int] | None:
    """Make ``recommendation``'s near-duplicate group a cluster, titled by its text, so that the ask is followed
    up once; returns the cluster and how many recommendations it holds, or None when it is in no group."""
    found = recurrence(recommendation)
    if found is None:
        return None
    members = [recommendation.pk, *(m.pk for m in found.members)]
    title = Truncator(recommendation.text).words(CLUSTER_TITLE_WORDS)[: Cluster._meta.get_field("title").max_length]
    return cluster_create(by=by, title=title, recommendations=members), len(members)
