"""Filters of the generated documents' templates."""

from django import template

from rasd.reports.documents.parts import direction
from rasd.reports.policies import can_use_reports

register = template.Library()


@register.filter
def text_direction(text: str, default: str = "ltr") -> str:
    """ "rtl" or "ltr" for a user's text, as its first strong character says: WeasyPrint has no dir="auto"."""
    return direction(str(text), default)


@register.filter
def may_use_reports(user) -> bool:
    """Whether the menu shows Reports: a template never decides who may do what, ``rasd.reports.policies`` does."""
    return can_use_reports(user)
