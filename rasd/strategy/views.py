"""The strategic plans' pages: the list, one plan (axes, objectives, measures, each axis's progress), the
coordinator's forms, and the panel that links a recommendation to objectives.

Every signed-in user reads plans; the forms are the coordinator's (``rasd.strategy.policies``), and the services
check the same rule when a form is sent. Edits follow the follow-up's edit page (versions, edit conflicts).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rasd.followup.policies import require
from rasd.followup.views import _edit_page, _write
from rasd.recommendations.models import Recommendation
from rasd.strategy import forms, policies, selectors, services
from rasd.strategy.models import Measure, Objective, PlanAxis, StrategicPlan


@login_required
def plan_list(request):
    return render(
        request,
        "strategy/plan_list.html",
        {"plans": selectors.plan_list(), "can_edit": policies.can_edit_plans(request.user)},
    )


@login_required
def plan_detail(request, code: str):
    plan = selectors.plan_get(code=code)
    if plan is None:
        raise Http404
    progress = {row["axis"].pk: row for row in selectors.plan_axis_progress(plan=plan, visible_to=request.user)}
    axes = [(axis, progress[axis.pk]) for axis in plan.axes.all()]
    return render(
        request,
        "strategy/plan_detail.html",
        {
            "plan": plan,
            "axes": axes,
            "list_url": reverse("recommendation_list"),
            "can_edit": policies.can_edit_plans(request.user),
        },
    )


@login_required
def plan_create(request):
    require(policies.can_edit_plans(request.user))
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, plan = _write(form, lambda: services.plan_create(by=request.user, **form.values()))
        if done:
            messages.success(request, _("The plan has been created."))
            return redirect("plan_detail", code=plan.code)
    return render(request, "strategy/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_update(request, code: str):
    plan = get_object_or_404(StrategicPlan, code=code)
    require(policies.can_edit_plans(request.user))
    return _edit_page(
        request,
        plan,
        name="plan",
        form_class=forms.PlanForm,
        update=services.plan_update,
        saved=_("The plan has been saved."),
        next_url=reverse("plan_detail", args=[plan.code]) if plan.code else reverse("plan_list"),
        template="strategy/plan_form.html",
    )


# Axes, objectives and measures: one pair of views (create under a parent, edit) for the three levels.

PARTS = {
    "axis": (PlanAxis, forms.AxisForm, "plan", services.axis_create, services.axis_update),
    "objective": (Objective, forms.ObjectiveForm, "axis", services.objective_create, services.objective_update),
    "measure": (Measure, forms.MeasureForm, "objective", services.measure_create, services.measure_update),
}
PARENTS = {"plan": StrategicPlan, "axis": PlanAxis, "objective": Objective}


def _plan_of(record) -> StrategicPlan:
    if isinstance(record, StrategicPlan):
        return record
    if isinstance(record, PlanAxis):
        return record.plan
    if isinstance(record, Objective):
        return record.axis.plan
    return record.objective.axis.plan


def _part_title(kind: str, editing: bool) -> str:
    return {
        ("axis", False): _("Add an axis"),
        ("axis", True): _("Edit the axis"),
        ("objective", False): _("Add an objective"),
        ("objective", True): _("Edit the objective"),
        ("measure", False): _("Add a measure"),
        ("measure", True): _("Edit the measure"),
    }[kind, editing]


@login_required
def part_create(request, kind: str, parent_pk: int):
    """A new axis of a plan, objective of an axis, or measure of an objective."""
    require(policies.can_edit_plans(request.user))
    model, form_class, parent_name, create, _update = PARTS[kind]
    parent = get_object_or_404(PARENTS[parent_name], pk=parent_pk)
    plan = _plan_of(parent)
    position = model.objects.filter(**{parent_name: parent}).count() + 1
    form = form_class(request.POST or None, initial={"position": position})
    if request.method == "POST" and form.is_valid():
        done, _record = _write(form, lambda: create(by=request.user, **{parent_name: parent}, **form.values()))
        if done:
            messages.success(request, _("Saved."))
            return redirect("plan_detail", code=plan.code)
    context = {"form": form, "plan": plan, "parent": parent, "title": _part_title(kind, False)}
    return render(request, "strategy/part_form.html", context)


@login_required
def part_update(request, kind: str, pk: int):
    require(policies.can_edit_plans(request.user))
    model, form_class, parent_name, _create, update = PARTS[kind]
    record = get_object_or_404(model, pk=pk)
    plan = _plan_of(record)
    return _edit_page(
        request,
        record,
        name=kind,
        form_class=form_class,
        update=update,
        saved=_("Saved."),
        next_url=reverse("plan_detail", args=[plan.code]),
        template="strategy/part_form.html",
        plan=plan,
        parent=getattr(record, parent_name),
        title=_part_title(kind, True),
    )


@require_POST
@login_required
def recommendation_objectives(request, pk: int):
    """The coordinator links a recommendation to objectives (the panel on the recommendation's page)."""
    require(policies.can_link_objectives(request.user))
    recommendation = get_object_or_404(Recommendation, pk=pk)
    form = forms.RecommendationObjectivesForm(request.POST)
    if form.is_valid():
        services.recommendation_objectives_set(
            recommendation=recommendation, objectives=form.cleaned_data["objectives"], by=request.user
        )
        messages.success(request, _("The recommendation's objectives have been saved."))
    else:
        messages.error(request, _("Choose objectives from the list."))
    return redirect(reverse("recommendation_detail", args=[pk]) + "#objectives")
