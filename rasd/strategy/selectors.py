"""Reads of strategic plans: the list, one plan with its tree, the recommendations of an axis and each axis's
progress.

A recommendation belongs to an axis when the coordinator linked it to one of the axis's objectives, or when an
action that serves one of those objectives implements it. With ``visible_to`` (a user), only the actions that
user may see count (``rasd.followup.policies.actions_visible_to``): a focal point does not learn from a plan what
another institution's actions are.
"""

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from rasd.followup.models import Action, ProgressUpdate
from rasd.followup.policies import actions_visible_to
from rasd.followup.selectors import recommendations_with_validated_progress
from rasd.recommendations.models import ImplementationStatus, Recommendation
from rasd.strategy.models import Measure, Objective, PlanAxis, StrategicPlan


def plan_list() -> QuerySet[StrategicPlan]:
    return StrategicPlan.objects.annotate(
        axes_count=Count("axes", distinct=True), objectives_count=Count("axes__objectives", distinct=True)
    ).order_by("-start_year", "code")


def plan_get(*, code: str) -> StrategicPlan | None:
    """One plan with its axes, their objectives and the objectives' measures, in plan order (four queries)."""
    objectives = Objective.objects.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("position", "id"))
    )
    axes = PlanAxis.objects.order_by("position", "id").prefetch_related(
        Prefetch("objectives", queryset=objectives.order_by("position", "id"))
    )
    return StrategicPlan.objects.prefetch_related(Prefetch("axes", queryset=axes)).filter(code=code).first()


def objective_choices() -> QuerySet[Objective]:
    """Every objective of every plan, in plan order, for the forms that link to objectives."""
    return Objective.objects.select_related("axis__plan").order_by(
        "-axis__plan__start_year", "axis__plan__code", "axis__position", "axis_id", "position", "id"
    )


def objective_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every objective as (group, [(id, label)]) for a select: one group per plan axis, named with its plan."""
    groups: dict[int, tuple[str, list]] = {}
    for objective in objective_choices():
        axis = objective.axis
        group = groups.setdefault(axis.pk, (f"{axis.plan.name} · {axis}", []))
        group[1].append((objective.pk, str(objective)))
    return list(groups.values())


def _axis_actions(axis_ids: Iterable[int], visible_to) -> QuerySet[Action]:
    actions = Action.objects.filter(objective__axis_id__in=list(axis_ids))
    if visible_to is not None:
        actions = actions.filter(pk__in=actions_visible_to(visible_to).values("pk"))
    return actions


def axes_recommendations(*, axis_ids: Iterable[int], visible_to=None) -> QuerySet[Recommendation]:
    """The recommendations of any of the axes ``axis_ids`` (see ``plan_axis_recommendations``)."""
    axis_ids = list(axis_ids)
    direct = Objective.recommendations.through.objects.filter(objective__axis_id__in=axis_ids)
    through_actions = Action.recommendations.through.objects.filter(
        action__in=_axis_actions(axis_ids, visible_to).values("pk")
    )
    return Recommendation.objects.filter(
        Q(pk__in=direct.values("recommendation_id")) | Q(pk__in=through_actions.values("recommendation_id"))
    )


def plan_axis_recommendations(*, axis: PlanAxis, visible_to=None) -> QuerySet[Recommendation]:
    """The recommendations linked to ``axis``: to one of its objectives directly, or through an action serving one
    of its objectives (only the actions ``visible_to`` may see, when given). Each recommendation once."""
    return axes_recommendations(axis_ids=[axis.pk], visible_to=visible_to)


def plan_axis_progress(*, plan: StrategicPlan, visible_to=None) -> list[dict]:
    """Each axis of ``plan``, in order, with what its progress is made of — validated data only:

    - ``axis``: the ``PlanAxis``;
    - ``recommendations``: how many recommendations are linked to it (``plan_axis_recommendations``);
    - ``by_status``: {implementation status: count} over those, every status present (0 when none); the status
      is the coordinator's decision, taken with a justification;
    - ``status_lines``: the same as (status, label, count), in the statuses' order;
    - ``recommendations_with_validated_progress``: those on which a validated progress update was reported,
      directly or on an action for them;
    - ``actions``: the actions serving its objectives; ``actions_with_validated_progress``: those of them with at
      least one validated progress update;
    - ``percent``: ``recommendations_with_validated_progress`` as a whole percentage of ``recommendations``
      (``None`` when the axis has no recommendation). Drafts, submitted and approved updates never count: an
      update moves the number only once the coordinator has validated it.
    """
    validated = ProgressUpdate.objects.filter(status=ProgressUpdate.Status.VALIDATED)
    progressed = recommendations_with_validated_progress().values("pk")
    rows = []
    for axis in plan.axes.order_by("position", "id"):
        recommendations = plan_axis_recommendations(axis=axis, visible_to=visible_to)
        counts = dict(recommendations.values_list("implementation_status").annotate(n=Count("id")).order_by())
        total = sum(counts.values())
        with_progress = recommendations.filter(pk__in=progressed).count() if total else 0
        actions = _axis_actions([axis.pk], visible_to)
        rows.append(
            {
                "axis": axis,
                "recommendations": total,
                "by_status": {value: counts.get(value, 0) for value in ImplementationStatus.values},
                "status_lines": [(value, label, counts.get(value, 0)) for value, label in ImplementationStatus.choices],
                "recommendations_with_validated_progress": with_progress,
                "actions": actions.count(),
                "actions_with_validated_progress": actions.filter(
                    Exists(validated.filter(action_id=OuterRef("pk")))
                ).count(),
                "percent": round(100 * with_progress / total) if total else None,
            }
        )
    return rows


def recommendation_objectives(*, recommendation: Recommendation) -> QuerySet[Objective]:
    """The objectives a recommendation is linked to directly, with their axis and plan."""
    return recommendation.objectives.select_related("axis__plan").order_by(
        "axis__plan__code", "axis__position", "position", "id"
    )
