"""The coordinators' publication controls, on the staff pages of a recommendation and of the list."""

from django import template

from rasd.portal.models import Publication
from rasd.portal.services import can_publish

register = template.Library()


@register.filter
def may_publish(user) -> bool:
    return can_publish(user)


@register.inclusion_tag("portal/includes/publication_panel.html", takes_context=True)
def publication_panel(context, recommendation):
    """Whether the recommendation is on the public portal, and for a coordinator the button that changes it."""
    user = context["request"].user
    try:
        publication = recommendation.publication  # read with the recommendation by its page's selector
    except Publication.DoesNotExist:
        publication = None
    return {
        "recommendation": recommendation,
        "publication": publication,
        "can_publish": can_publish(user),
        "csrf_token": context.get("csrf_token"),
    }
