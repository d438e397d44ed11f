"""Writes of strategic plans. Each service checks the writer's permission (``rasd.strategy.policies``), writes
inside one transaction and records the change in the history; edits take the ``version`` the writer read and raise
``EditConflict`` when someone else saved first (``rasd.core.versioning``).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.core.edits import record_create, record_update, values_split
from rasd.core.history import history_record
from rasd.core.models import HistoryEntry
from rasd.followup.policies import require
from rasd.recommendations.models import Recommendation
from rasd.strategy.models import Measure, Objective, PlanAxis, StrategicPlan
from rasd.strategy.policies import can_edit_plans, can_link_objectives

NAMES = ("name_ar", "name_fr", "name_en")
PLAN_FIELDS = ("code", *NAMES, "start_year", "end_year", "description")
PART_FIELDS = ("code", *NAMES, "position")


def _unique(model, *, code: str, exclude_pk=None, **parent) -> None:
    # The database refuses a duplicate code too; checked first so that the writer reads which field is wrong.
    taken = model.objects.filter(code=code, **parent).exclude(pk=exclude_pk).exists()
    if taken:
        raise ValidationError({"code": _("This code is already used.")})


@transaction.atomic
def plan_create(*, by: User, **values) -> StrategicPlan:
    """A new plan. ``values``: the fields of ``PLAN_FIELDS``."""
    require(can_edit_plans(by))
    fields, _links = values_split(values, PLAN_FIELDS, ())
    _unique(StrategicPlan, code=fields.get("code", ""))
    return record_create(StrategicPlan, by=by, fields=fields, links={}, created_by=by)


@transaction.atomic
def plan_update(*, plan: StrategicPlan, by: User, version: int, **values) -> StrategicPlan:
    require(can_edit_plans(by))
    fields, _links = values_split(values, PLAN_FIELDS, ())
    if "code" in fields:
        _unique(StrategicPlan, code=fields["code"], exclude_pk=plan.pk)
    return record_update(plan, by=by, version=version, fields=fields, links={})


@transaction.atomic
def axis_create(*, by: User, plan: StrategicPlan, **values) -> PlanAxis:
    """A new axis of ``plan``. ``values``: the fields of ``PART_FIELDS``."""
    require(can_edit_plans(by))
    fields, _links = values_split(values, PART_FIELDS, ())
    _unique(PlanAxis, code=fields.get("code", ""), plan=plan)
    return record_create(PlanAxis, by=by, fields=fields, links={}, plan=plan, created_by=by)


@transaction.atomic
def axis_update(*, axis: PlanAxis, by: User, version: int, **values) -> PlanAxis:
    require(can_edit_plans(by))
    fields, _links = values_split(values, PART_FIELDS, ())
    if "code" in fields:
        _unique(PlanAxis, code=fields["code"], exclude_pk=axis.pk, plan_id=axis.plan_id)
    return record_update(axis, by=by, version=version, fields=fields, links={})


@transaction.atomic
def objective_create(*, by: User, axis: PlanAxis, **values) -> Objective:
    require(can_edit_plans(by))
    fields, _links = values_split(values, PART_FIELDS, ())
    _unique(Objective, code=fields.get("code", ""), axis=axis)
    return record_create(Objective, by=by, fields=fields, links={}, axis=axis, created_by=by)


@transaction.atomic
def objective_update(*, objective: Objective, by: User, version: int, **values) -> Objective:
    require(can_edit_plans(by))
    fields, _links = values_split(values, PART_FIELDS, ())
    if "code" in fields:
        _unique(Objective, code=fields["code"], exclude_pk=objective.pk, axis_id=objective.axis_id)
    return record_update(objective, by=by, version=version, fields=fields, links={})


@transaction.atomic
def measure_create(*, by: User, objective: Objective, **values) -> Measure:
    require(can_edit_plans(by))
    fields, _links = values_split(values, PART_FIELDS, ())
    _unique(Measure, code=fields.get("code", ""), objective=objective)
    return record_create(Measure, by=by, fields=fields, links={}, objective=objective, created_by=by)


@transaction.atomic
def measure_update(*, measure: Measure, by: User, version: int, **values) -> Measure:
    require(can_edit_plans(by))
    fields, _links = values_split(values, PART_FIELDS, ())
    if "code" in fields:
        _unique(Measure, code=fields["code"], exclude_pk=measure.pk, objective_id=measure.objective_id)
    return record_update(measure, by=by, version=version, fields=fields, links={})


@transaction.atomic
def recommendation_objectives_set(
    *, recommendation: Recommendation, objectives: Iterable[Objective], by: User
) -> list[Objective]:
    """Link ``recommendation`` to exactly ``objectives`` (of any plans), unlinking it from the others.

    Each objective gained or lost records the change of its recommendations in the history. Links are additive
    decisions of the coordinator, not edits of one record, so they take no version (as assignments do not).
    """
    require(can_link_objectives(by))
    wanted = {objective.pk for objective in objectives}
    current = set(recommendation.objectives.values_list("pk", flat=True))
    through = Objective.recommendations.through
    changed = Objective.objects.filter(pk__in=wanted ^ current)
    for objective in changed:
        before = sorted(objective.recommendations.values_list("pk", flat=True))
        if objective.pk in wanted:
            through.objects.create(objective=objective, recommendation=recommendation)
        else:
            through.objects.filter(objective=objective, recommendation=recommendation).delete()
        after = sorted(objective.recommendations.values_list("pk", flat=True))
        history_record(
            instance=objective,
            action=HistoryEntry.Action.UPDATED,
            changes={"recommendations": (before, after)},
            actor=by,
        )
    return list(Objective.objects.filter(pk__in=wanted))
