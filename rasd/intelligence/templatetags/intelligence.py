from django import template

from rasd.followup.policies import can_edit_clusters
from rasd.intelligence.selectors import recurrence

register = template.Library()


@register.inclusion_tag("intelligence/recurrence.html", takes_context=True)
def recurrence_panel(context, recommendation):
    """The recommendation's near-duplicates and how often its ask recurs; for a coordinator, a button that makes
    them a cluster. Nothing when the recommendation is in no group."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "recommendation": recommendation,
        "recurrence": recurrence(recommendation),
        "can_cluster": user is not None and can_edit_clusters(user),
        "csrf_token": context.get("csrf_token"),
    }
