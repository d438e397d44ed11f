"""Reads of the follow-up: a user's work list, what is due, timelines, an institution's handover summary.

Every read goes through the visibility rules of ``rasd.followup.policies``: what a page or a reminder shows is what
its reader may see.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import Role, User
from rasd.core.history import TimelineEntry, history_of, timeline
from rasd.followup import policies
from rasd.followup.models import Action, Assignment, Indicator, IndicatorValue, ProgressUpdate, Report
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Deadline
from rasd.recommendations.models import ImplementationStatus, Recommendation

Status = Report.Status

# A recommendation in one of these needs no more work: its assignments are never late.
SETTLED = (ImplementationStatus.IMPLEMENTED, ImplementationStatus.NOT_APPLICABLE)


def today() -> datetime.date:
    return timezone.localdate()


# What is due -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """Something with a date that someone must act on: an assignment, an action, an indicator report, a deadline."""

    kind: str  # "assignment", "action", "indicator", "deadline"
    label: str
    due_date: datetime.date
    overdue: bool
    record: object
    institution: Institution | None = None

    @property
    def kind_label(self) -> str:
        return str(DUE_KIND_LABELS[self.kind])


DUE_KIND_LABELS = {
    "assignment": _("Assigned recommendation"),
    "action": _("Action"),
    "indicator": _("Indicator report"),
    "deadline": _("Reporting deadline"),
}


def open_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.exclude(recommendation__implementation_status__in=SETTLED)


def open_actions() -> QuerySet[Action]:
    return Action.objects.exclude(status__in=Action.CLOSED)


def with_late(queryset: QuerySet, *, on: datetime.date | None = None) -> QuerySet:
    """Assignments or actions with ``late``: past their due date (an action's end date) on ``on`` and still open,
    as ``open_assignments`` and ``open_actions`` say."""
    if queryset.model is Assignment:
        late = Q(due_date__lt=on or today()) & ~Q(recommendation__implementation_status__in=SETTLED)
    else:
        late = Q(end_date__lt=on or today()) & ~Q(status__in=Action.CLOSED)
    return queryset.annotate(late=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField()))


def due_items(
    *, institution: Institution | None = None, on: datetime.date | None = None, days_ahead: int | None = None
) -> list[DueItem]:
    """What is overdue on ``on`` or falls due within ``days_ahead`` days, for one institution or (None) for all.

    Assignments count while their recommendation is not implemented or not applicable; actions while they are not
    completed or cancelled; an indicator when its next value is due (one reporting period after the last value that
    was submitted); review deadlines not yet met, for the reviews whose recommendations the institution works on.
    """
    on = on or today()
    days_ahead = settings.RASD_REMINDER_DAYS_AHEAD if days_ahead is None else days_ahead
    horizon = on + datetime.timedelta(days=days_ahead)
    items: list[DueItem] = []

    assignments = (
        open_assignments().filter(due_date__lte=horizon).select_related("recommendation__mechanism", "institution")
    )
    actions = open_actions().filter(end_date__lte=horizon).select_related("institution")
    indicators = with_last_reported(Indicator.objects.select_related("institution"))
    deadlines = Deadline.objects.filter(met_on__isnull=True, due_date__lte=horizon).select_related(
        "review__mechanism", "review__state"
    )
    if institution is not None:
        assignments = assignments.filter(institution=institution)
        actions = actions.filter(institution=institution)
        indicators = indicators.filter(institution=institution)
        deadlines = deadlines.filter(
            Exists(Assignment.objects.filter(recommendation__review_id=OuterRef("review_id"), institution=institution))
        )

    for a in assignments:
        items.append(DueItem("assignment", str(a.recommendation), a.due_date, a.due_date < on, a, a.institution))
    for a in actions:
        items.append(DueItem("action", a.title, a.end_date, a.end_date < on, a, a.institution))
    for i in indicators:
        due = i.next_report_due(i.last_reported)
        if due <= horizon:
            items.append(DueItem("indicator", i.title, due, due < on, i, i.institution))
    for d in deadlines:
        label = f"{d.review} — {d.get_kind_display()}"
        items.append(DueItem("deadline", label, d.due_date, d.due_date < on, d, None))
    items.sort(key=lambda item: (item.due_date, item.kind, item.label))
    return items


def with_last_reported(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """The indicators with ``last_reported``: the date of their latest value that was submitted (drafts do not
    count), from which ``Indicator.next_report_due`` counts."""
    return indicators.annotate(last_reported=Max("values__date", filter=~Q(values__status=Status.DRAFT)))


def due_items_for(*, user: User, on: datetime.date | None = None) -> list[DueItem]:
    """What is due that ``user`` acts on: everything for a coordinator, their institution's items for its focal
    point and validator, nothing for the other roles (they are reminded of nothing)."""
    if user.is_coordinator:
        return due_items(on=on)
    if user.role in (Role.FOCAL_POINT, Role.VALIDATOR) and user.institution_id:
        return due_items(institution=user.institution, on=on)
    return []


# Work lists ---------------------------------------------------------------------------------------------------------


@dataclass
class WorkList:
    """A user's "what is mine, what is late": their institution's work, or the coordinator's queues."""

    assignments: QuerySet[Assignment]
    actions: QuerySet[Action]
    to_fix: QuerySet[ProgressUpdate]  # drafts and returned updates of the institution
    to_approve: QuerySet[ProgressUpdate]  # submitted, waiting for the institution's validator
    to_validate: QuerySet[ProgressUpdate]  # approved, waiting for the coordinator
    values_to_fix: QuerySet[IndicatorValue]
    values_to_approve: QuerySet[IndicatorValue]
    values_to_validate: QuerySet[IndicatorValue]
    due: list[DueItem] = field(default_factory=list)

    @property
    def late(self) -> list[DueItem]:
        return [item for item in self.due if item.overdue]


def work_list(*, user: User, on: datetime.date | None = None) -> WorkList:
    on = on or today()
    updates = policies.progress_updates_visible_to(user).select_related(
        "action", "recommendation__mechanism", "institution"
    )
    values = policies.indicator_values_visible_to(user).select_related("indicator", "institution")
    is_coordinator = user.is_coordinator
    institution = None if is_coordinator else user.institution
    assignments = policies.assignments_visible_to(user).select_related("recommendation__mechanism", "institution")
    actions = policies.actions_visible_to(user).select_related("institution")
    if institution is not None:
        assignments = assignments.filter(institution=institution)
        actions = actions.filter(Q(institution=institution) | Q(supporting_institutions=institution)).distinct()
    return WorkList(
        assignments=assignments.exclude(recommendation__implementation_status__in=SETTLED).order_by(
            "due_date", "recommendation_id"
        ),
        actions=actions.exclude(status__in=Action.CLOSED).order_by("end_date", "id"),
        to_fix=updates.filter(status__in=Report.EDITABLE) if user.role == Role.FOCAL_POINT else updates.none(),
        to_approve=updates.filter(status=Status.SUBMITTED) if user.role == Role.VALIDATOR else updates.none(),
        to_validate=updates.filter(status=Status.APPROVED) if is_coordinator else updates.none(),
        values_to_fix=values.filter(status__in=Report.EDITABLE) if user.role == Role.FOCAL_POINT else values.none(),
        values_to_approve=values.filter(status=Status.SUBMITTED) if user.role == Role.VALIDATOR else values.none(),
        values_to_validate=values.filter(status=Status.APPROVED) if is_coordinator else values.none(),
        due=due_items_for(user=user, on=on),
    )


# Timelines ----------------------------------------------------------------------------------------------------------


def recommendation_timeline(*, recommendation: Recommendation, user: User) -> list[TimelineEntry]:
    """The recommendation's memory: its own changes (status decisions with their justification), and those of the
    assignments, actions and progress updates about it that ``user`` may see."""
    return recommendation_followup(recommendation=recommendation, user=user).timeline


@dataclass
class RecommendationFollowup:
    """What ``user`` may see of a recommendation's follow-up, each read once: for its page."""

    assignments: list[Assignment]
    actions: list[Action]
    updates: list[ProgressUpdate]
    timeline: list[TimelineEntry]


def recommendation_followup(*, recommendation: Recommendation, user: User) -> RecommendationFollowup:
    assignments = list(
        policies.assignments_visible_to(user)
        .filter(recommendation=recommendation)
        .select_related("institution")
        .order_by("role", "id")
    )
    actions = list(
        policies.actions_visible_to(user)
        .filter(recommendation_ids_filter(recommendation))
        .select_related("institution")
        .distinct()
    )
    updates = list(
        policies.progress_updates_visible_to(user)
        .filter(Q(recommendation=recommendation) | Q(action__recommendations=recommendation))
        .select_related("action", "recommendation__mechanism", "institution")
        .distinct()
    )
    records = [recommendation, *assignments, *actions, *updates]
    steps = timeline(_visible_steps(history_of(instances=records), user), own=recommendation)
    return RecommendationFollowup(assignments, actions, updates, steps)


def recommendation_ids_filter(recommendation: Recommendation) -> Q:
    return Q(recommendations=recommendation) | Q(clusters__recommendations=recommendation)


def action_timeline(*, action: Action, user: User) -> list[TimelineEntry]:
    records = [action, *policies.progress_updates_visible_to(user).filter(action=action)]
    return timeline(_visible_steps(history_of(instances=records), user), own=action)


def report_timeline(*, report: Report, user: User) -> list[TimelineEntry]:
    return timeline(_visible_steps(history_of(instances=[report]), user), own=report)


def institution_timeline(*, institution: Institution, user: User, limit: int = 200) -> list[TimelineEntry]:
    """The institution's memory: changes to its assignments, actions, indicators and reports, newest first."""
    records = [
        *policies.assignments_visible_to(user).filter(institution=institution),
        *policies.actions_visible_to(user).filter(institution=institution),
        *policies.indicators_visible_to(user).filter(institution=institution),
        *policies.progress_updates_visible_to(user).filter(institution=institution),
        *policies.indicator_values_visible_to(user).filter(institution=institution),
    ]
    return timeline(_visible_steps(history_of(instances=records), user)[:limit])


def _visible_steps(entries, user: User):
    """An observer or partner sees validated reports, not the drafting that led to them: only the validation step
    and what followed it of a report's history."""
    if user.is_coordinator or user.role in (Role.FOCAL_POINT, Role.VALIDATOR):
        return entries
    report_types = [m._meta.model_name for m in (ProgressUpdate, IndicatorValue)]
    return entries.exclude(
        Q(content_type__app_label="followup", content_type__model__in=report_types) & ~Q(action__in=["validated"])
    )


# Handover -----------------------------------------------------------------------------------------------------------


@dataclass
class Handover:
    """What a new focal point needs to know of an institution's open work."""

    institution: Institution
    assignments: QuerySet[Assignment]
    actions: QuerySet[Action]
    indicators: QuerySet[Indicator]
    pending_updates: QuerySet[ProgressUpdate]
    due: list[DueItem]
    members: QuerySet[User]
    timeline: list[TimelineEntry]

    @property
    def late(self) -> list[DueItem]:
        return [item for item in self.due if item.overdue]


def institution_handover(*, institution: Institution, user: User) -> Handover:
    policies.require(policies.can_see_institution_work(user, institution))
    return Handover(
        institution=institution,
        assignments=with_late(
            policies.assignments_visible_to(user)
            .filter(institution=institution)
            .exclude(recommendation__implementation_status__in=SETTLED)
            .select_related("recommendation__mechanism")
            .order_by("due_date", "recommendation_id")
        ),
        actions=with_late(
            policies.actions_visible_to(user)
            .filter(institution=institution)
            .exclude(status__in=Action.CLOSED)
            .order_by("end_date", "id")
        ),
        indicators=with_last_reported(policies.indicators_visible_to(user).filter(institution=institution)),
        pending_updates=policies.progress_updates_visible_to(user)
        .filter(institution=institution)
        .exclude(status=Status.VALIDATED)
        .select_related("action", "recommendation__mechanism"),
        due=due_items(institution=institution),
        members=User.objects.filter(institution=institution, is_active=True).order_by("role", "username"),
        timeline=institution_timeline(institution=institution, user=user, limit=50),
    )


# Statistics ---------------------------------------------------------------------------------------------------------


def recommendations_with_validated_progress() -> QuerySet[Recommendation]:
    """Recommendations on which a validated progress update was reported — directly or through an action.

    "Action reported" is not "implemented": the implementation status is the coordinator's separate decision.
    """
    validated = ProgressUpdate.objects.filter(status=Status.VALIDATED)
    return Recommendation.objects.filter(
        Exists(validated.filter(recommendation_id=OuterRef("pk")))
        | Exists(validated.filter(action__recommendations=OuterRef("pk")))
    )
