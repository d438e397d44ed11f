"""Who may ask for and read which generated reports — the one place these rules are written.

- coordinators and administrators: every kind of report, on anything, and every generated report;
- focal points and institution validators: the progress report of their own institution, and every progress report
  generated for their institution (whoever asked for it); never a matrix or a draft to a mechanism, which gather
  other institutions' work;
- partners, observers: none (what they may read is in the follow-up pages and the public portal).
"""

from django.db.models import QuerySet

from rasd.accounts.models import Role, User
from rasd.reports.models import GeneratedReport

Kind = GeneratedReport.Kind


def _role(user) -> str | None:
    if not user or not user.is_authenticated:
        return None
    return Role.COORDINATOR if user.is_coordinator else user.role


def can_use_reports(user: User) -> bool:
    return _role(user) in (Role.COORDINATOR, Role.FOCAL_POINT, Role.VALIDATOR)


def kinds_allowed(user: User) -> list[str]:
    role = _role(user)
    if role == Role.COORDINATOR:
        return list(Kind.values)
    if role in (Role.FOCAL_POINT, Role.VALIDATOR):
        return [Kind.PROGRESS]
    return []


def can_request(user: User, *, kind: str, institution_id: int | None, review_id: int | None) -> bool:
    """Ask for a report of ``kind`` on an institution, a review, or (neither) every recommendation."""
    role = _role(user)
    if role == Role.COORDINATOR:
        return True
    return (
        role in (Role.FOCAL_POINT, Role.VALIDATOR)
        and kind == Kind.PROGRESS
        and review_id is None
        and institution_id is not None
        and institution_id == user.institution_id
    )


def generated_reports_visible_to(user: User) -> QuerySet[GeneratedReport]:
    role = _role(user)
    if role == Role.COORDINATOR:
        return GeneratedReport.objects.all()
    if role in (Role.FOCAL_POINT, Role.VALIDATOR) and user.institution_id:
        return GeneratedReport.objects.filter(kind=Kind.PROGRESS, institution_id=user.institution_id)
    return GeneratedReport.objects.none()
