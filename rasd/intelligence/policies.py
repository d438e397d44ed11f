"""Who may decide on machine suggestions. Part of the coordinator's triage, like clusters
(``rasd.followup.policies.can_edit_clusters``): the services call ``require(can_review_suggestions(user))``."""

from rasd.followup.policies import can_edit_clusters, require

__all__ = ["can_review_suggestions", "require"]


def can_review_suggestions(user) -> bool:
    """See the review queue, accept or reject suggestions: coordinators (and administrators)."""
    return can_edit_clusters(user)
