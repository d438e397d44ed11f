"""Writes that concern recommendations as a whole."""

from rasd.search.services import search_index_update
from rasd.semantic.services import embeddings_compute_later


def recommendations_changed(*, recommendation_ids: list[int]) -> None:
    """Bring the search indexes up to date after recommendations were created or edited (import, admin, API).

    The keyword index is updated at once, in the caller's transaction, so a rolled-back write leaves it as it was;
    the vectors for semantic search take minutes for a large file, so the task worker computes them once the
    transaction has committed.
    """
    search_index_update(recommendation_ids=recommendation_ids)
    embeddings_compute_later(recommendation_ids=recommendation_ids)
