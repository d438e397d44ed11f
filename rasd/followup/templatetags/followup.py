"""Template helpers of the follow-up pages: links to records of several kinds, and the policies a template asks.

A template never decides who may do what: ``may_see_institution_work`` asks ``rasd.followup.policies``.
"""

from django import template
from django.urls import reverse

from rasd.followup import policies
from rasd.followup.models import Action, Assignment, Indicator, IndicatorValue, ProgressUpdate
from rasd.mechanisms.models import Deadline
from rasd.recommendations.models import Recommendation

register = template.Library()


@register.filter
def record_url(record) -> str:
    """The page of a recommendation, assignment (its recommendation), action, indicator, report or deadline."""
    if isinstance(record, Recommendation):
        return reverse("recommendation_detail", args=[record.pk])
    if isinstance(record, Assignment):
        return reverse("recommendation_detail", args=[record.recommendation_id])
    if isinstance(record, Action):
        return reverse("action_detail", args=[record.pk])
    if isinstance(record, Indicator):
        return reverse("indicator_detail", args=[record.pk])
    if isinstance(record, ProgressUpdate):
        return reverse("progress_update_detail", args=[record.pk])
    if isinstance(record, IndicatorValue):
        return reverse("indicator_value_detail", args=[record.pk])
    if isinstance(record, Deadline):
        return f"{reverse('deadline_list')}#deadline-{record.pk}"
    return ""


@register.filter
def may_see_institution_work(user) -> bool:
    """Whether ``user`` may open their own institution's work page and handover summary."""
    return bool(
        user.is_authenticated and user.institution_id and policies.can_see_institution_work(user, user.institution)
    )
