"""Writes that concern recommendations as a whole."""

from django.db import transaction

from rasd.accounts.models import User
from rasd.core.edits import record_create, record_update, values_split
from rasd.followup.policies import can_edit_clusters, require
from rasd.recommendations.models import Cluster
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


CLUSTER_FIELDS = ("title", "description")
CLUSTER_LINKS = ("recommendations",)


@transaction.atomic
def cluster_create(*, by: User, **values) -> Cluster:
    """A cluster of recommendations that ask for the same thing (coordinators only), recorded in the history.
    ``values``: ``title``, ``description``, ``recommendations``."""
    require(can_edit_clusters(by))
    fields, links = values_split(values, CLUSTER_FIELDS, CLUSTER_LINKS)
    return record_create(Cluster, by=by, fields=fields, links=links, created_by=by)


@transaction.atomic
def cluster_update(*, cluster: Cluster, by: User, version: int, **values) -> Cluster:
    """Change a cluster's title, description or recommendations (coordinators only), if it is still at
    ``version``; ``recommendations`` replaces the list."""
    require(can_edit_clusters(by))
    fields, links = values_split(values, CLUSTER_FIELDS, CLUSTER_LINKS)
    return record_update(cluster, by=by, version=version, fields=fields, links=links)
