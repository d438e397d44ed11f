from django import template
from django.template.loader import render_to_string

from rasd.followup.policies import can_edit_clusters
from rasd.intelligence.forms import percent
from rasd.intelligence.policies import can_review_suggestions
from rasd.intelligence.selectors import recommendation_suggestions, recurrence

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


@register.inclusion_tag("intelligence/suggestions_panel.html", takes_context=True)
def suggestions_panel(context, recommendation):
    """The labels accepted from the models' suggestions, with who accepted them and when; for a coordinator, the
    suggestions still waiting, to accept or reject here. Nothing when there is neither."""
    request = context.get("request")
    user = getattr(request, "user", None)
    can_review = user is not None and can_review_suggestions(user)
    found = recommendation_suggestions(recommendation)
    return {
        "recommendation": recommendation,
        "accepted": found.accepted,
        "pending": found.pending if can_review else [],
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def confidence(value: float) -> str:
    """A model's confidence (0..1) as a percentage and a bar."""
    return render_to_string("intelligence/includes/confidence.html", {"value": value, "text": percent(value)})


@register.filter
def as_percent(value) -> str:
    """0..1 as a percentage written the active language's way."""
    try:
        return percent(float(value))
    except (TypeError, ValueError):
        return value
