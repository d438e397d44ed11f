from django_tasks import task

from rasd.semantic.services import embeddings_compute


@task()
def embeddings_compute_task(recommendation_ids: list[int] | None = None) -> int:
    """Compute the missing or changed vectors of these recommendations (None: of all); returns how many.

    New or changed vectors may join or split near-duplicate groups, and change what the classifiers suggest: the
    groups and the suggestions are refreshed next, once each."""
    written = embeddings_compute(recommendation_ids=recommendation_ids)
    if written:
        from rasd.intelligence.tasks import duplicate_groups_refresh_later, suggestions_refresh_later

        duplicate_groups_refresh_later()
        suggestions_refresh_later()
    return written
