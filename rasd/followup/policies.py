"""Who may see and do what in the follow-up — the one place these rules are written.

Reads: ``*_visible_to(user)`` give the querysets a user may see; every page, API endpoint and command reads through
them. Writes: ``can_*`` answer a yes/no for showing a button; the services call ``require(can_…)`` before writing,
so the web pages, the API and the commands refuse the same things.

The rules, by role:
- coordinator and administrator: everything, except the drafts an institution has not submitted yet;
- focal point: their institution's assignments, actions (as responsible or supporting institution), indicators and
  reports, drafts included; writes actions, indicators and reports for their institution;
- institution validator: reads like the focal point; approves or returns what the focal point submitted;
- partner (a UN agency): the assignments, actions and indicators its agency supports, and their validated reports;
- observer: validated data only — validated reports, and the actions and indicators they concern;
  assignments, being decisions of the coordinator, are validated data.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from rasd.accounts.models import Role, User
from rasd.followup.models import Action, Assignment, Evidence, Indicator, IndicatorValue, ProgressUpdate, Report

Status = Report.Status


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _role(user) -> str | None:
    if not user or not user.is_authenticated:
        return None
    return Role.COORDINATOR if user.is_coordinator else user.role


def _own(user) -> int | None:
    return user.institution_id if user and user.is_authenticated else None


# Reads ------------------------------------------------------------------------------------------------------------


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    role = _role(user)
    if role in (Role.COORDINATOR, Role.OBSERVER):
        return Assignment.objects.all()
    if role in (Role.FOCAL_POINT, Role.VALIDATOR, Role.PARTNER):
        return Assignment.objects.filter(institution_id=_own(user))
    return Assignment.objects.none()


def actions_visible_to(user: User) -> QuerySet[Action]:
    role = _role(user)
    if role == Role.COORDINATOR:
        return Action.objects.all()
    if role in (Role.FOCAL_POINT, Role.VALIDATOR, Role.PARTNER):
        own = _own(user)
        return Action.objects.filter(
            Q(institution_id=own)
            | Exists(
                Action.supporting_institutions.through.objects.filter(action_id=OuterRef("pk"), institution_id=own)
            )
        )
    if role == Role.OBSERVER:
        return Action.objects.filter(
            Exists(ProgressUpdate.objects.filter(action_id=OuterRef("pk"), status=Status.VALIDATED))
        )
    return Action.objects.none()


def indicators_visible_to(user: User) -> QuerySet[Indicator]:
    role = _role(user)
    if role == Role.COORDINATOR:
        return Indicator.objects.all()
    if role in (Role.FOCAL_POINT, Role.VALIDATOR):
        return Indicator.objects.filter(institution_id=_own(user))
    if role == Role.PARTNER:
        return Indicator.objects.filter(
            Q(institution_id=_own(user))
            | Exists(
                Indicator.actions.through.objects.filter(
                    indicator_id=OuterRef("pk"), action__in=actions_visible_to(user)
                )
            )
        )
    if role == Role.OBSERVER:
        return Indicator.objects.filter(
            Exists(IndicatorValue.objects.filter(indicator_id=OuterRef("pk"), status=Status.VALIDATED))
        )
    return Indicator.objects.none()


def progress_updates_visible_to(user: User) -> QuerySet[ProgressUpdate]:
    role = _role(user)
    if role == Role.COORDINATOR:
        return ProgressUpdate.objects.exclude(status=Status.DRAFT)
    if role in (Role.FOCAL_POINT, Role.VALIDATOR):
        return ProgressUpdate.objects.filter(institution_id=_own(user))
    if role == Role.PARTNER:
        return (
            ProgressUpdate.objects.filter(status=Status.VALIDATED)
            .filter(
                Q(institution_id=_own(user))
                | Q(action__in=actions_visible_to(user))
                | Q(recommendation__assignments__institution_id=_own(user))
            )
            .distinct()
        )
    if role == Role.OBSERVER:
        return ProgressUpdate.objects.filter(status=Status.VALIDATED)
    return ProgressUpdate.objects.none()


def indicator_values_visible_to(user: User) -> QuerySet[IndicatorValue]:
    role = _role(user)
    if role == Role.COORDINATOR:
        return IndicatorValue.objects.exclude(status=Status.DRAFT)
    if role in (Role.FOCAL_POINT, Role.VALIDATOR):
        return IndicatorValue.objects.filter(institution_id=_own(user))
    if role == Role.PARTNER:
        return IndicatorValue.objects.filter(status=Status.VALIDATED, indicator__in=indicators_visible_to(user))
    if role == Role.OBSERVER:
        return IndicatorValue.objects.filter(status=Status.VALIDATED)
    return IndicatorValue.objects.none()


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(
        Q(progress_update__in=progress_updates_visible_to(user))
        | Q(indicator_value__in=indicator_values_visible_to(user))
    )


def report_is_visible(user: User, report: Report) -> bool:
    visible = progress_updates_visible_to if isinstance(report, ProgressUpdate) else indicator_values_visible_to
    return visible(user).filter(pk=report.pk).exists()


# Writes -----------------------------------------------------------------------------------------------------------


def can_assign(user: User) -> bool:
    """Assign recommendations to institutions, change or remove an assignment."""
    return _role(user) == Role.COORDINATOR


def can_set_implementation_status(user: User) -> bool:
    return _role(user) == Role.COORDINATOR


def can_plan_for(user: User, institution_id: int | None) -> bool:
    """Create or edit an action or indicator of ``institution_id`` (the responsible institution)."""
    role = _role(user)
    return role == Role.COORDINATOR or (
        role == Role.FOCAL_POINT and institution_id is not None and institution_id == _own(user)
    )


def can_edit_action(user: User, action: Action) -> bool:
    return can_plan_for(user, action.institution_id)


def can_edit_indicator(user: User, indicator: Indicator) -> bool:
    return can_plan_for(user, indicator.institution_id)


def can_report_on_action(user: User, action: Action) -> bool:
    """Write a progress update on an action: a focal point of its responsible or a supporting institution."""
    own = _own(user)
    return _role(user) == Role.FOCAL_POINT and (
        action.institution_id == own or action.supporting_institutions.filter(pk=own).exists()
    )


def can_report_on_recommendation(user: User, recommendation) -> bool:
    """Write a progress update on a recommendation: a focal point of an institution it is assigned to."""
    return (
        _role(user) == Role.FOCAL_POINT
        and Assignment.objects.filter(recommendation=recommendation, institution_id=_own(user)).exists()
    )


def can_report_on_indicator(user: User, indicator: Indicator) -> bool:
    return _role(user) == Role.FOCAL_POINT and indicator.institution_id == _own(user)


def can_edit_report(user: User, report: Report) -> bool:
    """Change the text, date, value or evidence of a report: its institution's focal point, before submission."""
    return _role(user) == Role.FOCAL_POINT and report.institution_id == _own(user) and report.is_editable


def can_submit(user: User, report: Report) -> bool:
    return (
        _role(user) in (Role.FOCAL_POINT, Role.VALIDATOR) and report.institution_id == _own(user) and report.is_editable
    )


def can_approve(user: User, report: Report) -> bool:
    """Approve or return, at the institution: its validator, once the focal point has submitted."""
    return _role(user) == Role.VALIDATOR and report.institution_id == _own(user) and report.status == Status.SUBMITTED


def can_validate(user: User, report: Report) -> bool:
    """Validate or return, at the coordination: a coordinator, once the institution has approved."""
    return _role(user) == Role.COORDINATOR and report.status == Status.APPROVED


def can_return(user: User, report: Report) -> bool:
    return can_approve(user, report) or can_validate(user, report)


def can_see_institution_work(user: User, institution) -> bool:
    """An institution's work list, handover page and timeline: its own members (not observers) and coordinators."""
    role = _role(user)
    return role == Role.COORDINATOR or (
        role in (Role.FOCAL_POINT, Role.VALIDATOR, Role.PARTNER) and institution.pk == _own(user)
    )


def can_edit_clusters(user: User) -> bool:
    """Group recommendations into clusters or change a cluster: part of the coordinator's triage."""
    return _role(user) == Role.COORDINATOR
