"""The cooperation panel of an action's and a recommendation's page, included with one tag so that those pages'
views stay the follow-up's."""

from django import template
from django.db.models import Q

from rasd.cooperation.policies import cooperation_visible_to

register = template.Library()


@register.inclusion_tag("cooperation/includes/cooperation_panel.html", takes_context=True)
def cooperation_panel(context, action=None, recommendation=None):
    """The cooperation the reader may see linked to ``action``, or to ``recommendation`` (directly or through one of
    its actions)."""
    rows = cooperation_visible_to(context["request"].user).select_related("agency")
    if action is not None:
        rows = rows.filter(actions=action)
    else:
        rows = rows.filter(
            Q(pk__in=recommendation.cooperations.values("pk")) | Q(actions__recommendations=recommendation)
        ).distinct()
    return {"rows": list(rows.order_by("-start_date", "-id"))}
