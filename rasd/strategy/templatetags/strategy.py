"""The strategic-plan panel of a recommendation's page, included there with one tag so that the page's view stays
the recommendations'."""

from django import template
from django.db.models import Exists, OuterRef, Q

from rasd.followup.policies import actions_visible_to
from rasd.strategy import policies, selectors
from rasd.strategy.models import Objective

register = template.Library()


@register.inclusion_tag("strategy/includes/recommendation_objectives.html", takes_context=True)
def recommendation_objectives_panel(context, recommendation):
    request = context["request"]
    # One query for both: the objectives the coordinator linked, and those of the actions the reader may see.
    actions = actions_visible_to(request.user).filter(recommendations=recommendation).values("pk")
    found = (
        Objective.objects.filter(Q(recommendations=recommendation) | Q(actions__in=actions))
        .annotate(
            direct=Exists(
                Objective.recommendations.through.objects.filter(
                    objective_id=OuterRef("pk"), recommendation=recommendation
                )
            )
        )
        .select_related("axis__plan")
        .distinct()
        .order_by("axis__plan__code", "axis__position", "position", "id")
    )
    found = list(found)
    objectives = [objective for objective in found if objective.direct]
    through_actions = [objective for objective in found if not objective.direct]
    can_link = policies.can_link_objectives(request.user)
    return {
        "recommendation": recommendation,
        "objectives": objectives,
        "through_actions": through_actions,
        # The coordinator's choices, grouped by plan axis (the form only parses what is sent back).
        "groups": selectors.objective_groups() if can_link else None,
        "chosen": {objective.pk for objective in objectives},
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
