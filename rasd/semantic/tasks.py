from django_tasks import task

from rasd.semantic.services import embeddings_compute


@task()
def embeddings_compute_task(recommendation_ids: list[int] | None = None) -> int:
    """Compute the missing or changed vectors of these recommendations (None: of all); returns how many."""
    return embeddings_compute(recommendation_ids=recommendation_ids)
