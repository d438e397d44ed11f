"""The follow-up pages: my work, assignments, actions, indicators, progress updates and indicator values with their
validation, evidence files, deadlines.

Each view reads through the visibility rules (``policies.*_visible_to``: a record the user may not see is "not
found"), parses a form, calls one service and redirects, or renders the form again with what the service refused.
Which buttons a page shows comes from ``policies.can_*``; the services check the same rules when the form is sent.
"""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rasd.core.versioning import EditConflict
from rasd.followup import forms, policies, selectors, services
from rasd.followup.models import Assignment, IndicatorValue, ProgressUpdate
from rasd.mechanisms.models import Deadline
from rasd.recommendations.models import Cluster, Recommendation

PAGE_SIZE = 25
# Rows of a long section of "my work" shown before the link to the whole list.
WORK_SHOWN = 25


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit()]


def _id_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


# Edit conflicts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    label: str
    current: str
    differs: bool  # the current value is not what the user typed


@dataclass(frozen=True)
class Conflict:
    """Someone else saved the record while the user was editing it: what it holds now, beside the user's input."""

    rows: list[ConflictRow]


def _shown(record, name: str) -> str:
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if field.many_to_many:
        return ", ".join(str(item) for item in value.all()) or "—"
    if field.choices:
        return getattr(record, f"get_{name}_display")() or "—"
    if value is None or value == "":
        return "—"
    if field.get_internal_type() == "DateField":
        return formats.date_format(value, "DATE_FORMAT")
    return formats.localize(value) if not isinstance(value, str) else value


def _same(record, name: str, typed) -> bool:
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if field.many_to_many:
        return set(value.values_list("pk", flat=True)) == {item.pk for item in typed or ()}
    if field.many_to_one:
        return getattr(record, field.attname) == getattr(typed, "pk", typed)
    return (value or None) == (typed or None)


def _after_conflict(form, error: EditConflict, make_form):
    """The user's form again, at the record's current version (saving it again is then a deliberate overwrite),
    and the record's current values; nothing of what the user typed is lost, nothing of the other change either."""
    current = error.instance
    typed = form.cleaned_data
    names = [name for name in form.fields if name not in ("version", "files")]
    rows = [
        ConflictRow(str(form.fields[n].label), _shown(current, n), not _same(current, n, typed.get(n))) for n in names
    ]
    data = form.data.copy()
    data["version"] = current.version
    fresh = make_form(data, current)
    fresh.is_valid()
    return fresh, Conflict(rows)


def _write(form, write, *, default_field=None) -> tuple[bool, object]:
    """Call the service ``write``; on refusal put its errors on ``form``. (written, result or EditConflict)."""
    try:
        return True, write()
    except EditConflict as conflict:
        return False, conflict
    except ValidationError as error:
        form.add_service_error(error, default_field)
        return False, None


def _edit_page(request, record, *, name, form_class, form_kwargs=None, update, saved, next_url, template, **context):
    """The page that edits ``record``, one for every versioned record.

    ``form_class(data, instance=…, **form_kwargs)`` parses the input; ``update(<name>=record, by=, version=,
    **values)`` writes it; then the ``saved`` message and a redirect to ``next_url``. If someone else saved the record
    first, the form comes back beside its current values (``_after_conflict``). The template gets ``form``,
    ``conflict``, the record as ``name`` (as it is now) and ``context``.
    """

    def make_form(data=None, current=record):
        # A copy: validating a model form sets the instance's fields, and the services write, not the form.
        return form_class(data, instance=copy.copy(current), **(form_kwargs or {}))

    form, conflict = make_form(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        done, result = _write(
            form,
            lambda: update(
                **{name: copy.copy(record)}, by=request.user, version=form.cleaned_data["version"], **form.values()
            ),
        )
        if done:
            messages.success(request, saved)
            return redirect(next_url)
        if isinstance(result, EditConflict):
            form, conflict = _after_conflict(form, result, make_form)
            record = result.instance  # shown as it is now
    return render(request, template, {"form": form, "conflict": conflict, name: record, **context})


# My work -----------------------------------------------------------------------------------------------------------


@login_required
def work_list(request):
    user = request.user
    work = selectors.work_list(user=user)
    # Late first, then by date; undated last (SQLite and PostgreSQL sort NULL differently unless told).
    assignments = selectors.with_late(work.assignments).order_by(
        "-late", F("due_date").asc(nulls_last=True), "recommendation_id"
    )
    actions = selectors.with_late(work.actions).order_by("-late", F("end_date").asc(nulls_last=True), "id")
    institution = user.institution if user.institution_id else None
    to_fix = [*work.to_fix, *work.values_to_fix]
    to_approve = [*work.to_approve, *work.values_to_approve]
    to_validate = [*work.to_validate, *work.values_to_validate]
    context = {
        "assignments": list(assignments[:WORK_SHOWN]),
        "assignments_total": assignments.count(),
        "actions": list(actions[:WORK_SHOWN]),
        "actions_total": actions.count(),
        "to_fix": to_fix,
        "to_approve": to_approve,
        "to_validate": to_validate,
        "waiting": len(to_fix) + len(to_approve) + len(to_validate),
        "due": work.due[:WORK_SHOWN],
        "due_total": len(work.due),
        "late_total": len(work.late),
        "institution": institution,
        "can_see_institution": institution is not None and policies.can_see_institution_work(user, institution),
        "can_plan": policies.can_plan_for(user, user.institution_id),
        "shown": WORK_SHOWN,
    }
    return render(request, "followup/work_list.html", context)


# Assignments -------------------------------------------------------------------------------------------------------


@login_required
def assignment_create(request):
    """Several recommendations (``?recommendation=1&recommendation=2``) or clusters (``?cluster=…``) given to a lead
    institution and supporting ones, with a due date."""
    policies.require(policies.can_assign(request.user))
    if request.method == "POST":
        form = forms.AssignmentCreateForm(request.POST)
        chosen_ids = _ids(request.POST.getlist("recommendation"))
    else:
        chosen_ids = _ids(request.GET.getlist("recommendation"))
        form = forms.AssignmentCreateForm(
            initial={"recommendation": chosen_ids, "cluster": _ids(request.GET.getlist("cluster"))}
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, result = _write(
            form,
            lambda: services.assignments_create(
                by=request.user,
                lead=data["lead"],
                recommendations=data["recommendation"],
                clusters=data["cluster"],
                supporting=data["supporting"],
                due_date=data["due_date"],
            ),
        )
        if done:
            count = len({a.recommendation_id for a in result})
            messages.success(
                request,
                ngettext(
                    "%(count)d recommendation assigned to %(institution)s.",
                    "%(count)d recommendations assigned to %(institution)s.",
                    count,
                )
                % {"count": count, "institution": data["lead"]},
            )
            if count == 1:
                return redirect("recommendation_detail", pk=result[0].recommendation_id)
            return redirect("recommendation_list")
    chosen = Recommendation.objects.filter(pk__in=chosen_ids).select_related("mechanism")
    return render(
        request,
        "followup/assignment_form.html",
        {"form": form, "chosen": chosen, "has_clusters": Cluster.objects.exists()},
    )


def _assignment_for_coordinator(request, pk: int) -> Assignment:
    assignment = get_object_or_404(
        policies.assignments_visible_to(request.user).select_related("recommendation__mechanism", "institution"),
        pk=pk,
    )
    policies.require(policies.can_assign(request.user))
    return assignment


@login_required
def assignment_update(request, pk: int):
    assignment = _assignment_for_coordinator(request, pk)
    return _edit_page(
        request,
        assignment,
        name="assignment",
        form_class=forms.AssignmentUpdateForm,
        update=services.assignment_update,
        saved=_("The assignment has been changed."),
        next_url=reverse("recommendation_detail", args=[assignment.recommendation_id]),
        template="followup/assignment_update.html",
    )


@login_required
def assignment_delete(request, pk: int):
    assignment = _assignment_for_coordinator(request, pk)
    if request.method == "POST":
        services.assignment_delete(assignment=assignment, by=request.user)
        messages.success(
            request,
            _("%(institution)s is no longer assigned this recommendation.") % {"institution": assignment.institution},
        )
        return redirect("recommendation_detail", pk=assignment.recommendation_id)
    return render(request, "followup/assignment_delete.html", {"assignment": assignment})


# Actions -----------------------------------------------------------------------------------------------------------


@login_required
def action_list(request):
    visible = policies.actions_visible_to(request.user)
    form = forms.ActionFilterForm(request.GET, visible=visible)
    actions = selectors.with_late(form.filter(visible).select_related("institution").order_by("-created_at", "-id"))
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/action_list.html",
        {"form": form, "page_obj": page, "can_plan": policies.can_plan_for(request.user, request.user.institution_id)},
    )


@login_required
def action_detail(request, pk: int):
    user = request.user
    action = get_object_or_404(
        selectors.with_late(policies.actions_visible_to(user).select_related("institution", "created_by")), pk=pk
    )
    context = {
        "action": action,
        "recommendations": action.recommendations.select_related("mechanism"),
        "indicators": policies.indicators_visible_to(user).filter(actions=action),
        "updates": policies.progress_updates_visible_to(user)
        .filter(action=action)
        .select_related("action", "institution"),
        "timeline": selectors.action_timeline(action=action, user=user),
        "can_edit": policies.can_edit_action(user, action),
        "can_report": policies.can_report_on_action(user, action),
        "can_add_indicator": policies.can_plan_for(user, action.institution_id),
    }
    return render(request, "followup/action_detail.html", context)


@login_required
def action_create(request):
    user = request.user
    policies.require(policies.can_plan_for(user, user.institution_id))
    preselected = _preselected_recommendation(request)
    form = forms.ActionForm(request.POST or None, user=user, preselected=preselected)
    if request.method == "POST" and form.is_valid():
        done, action = _write(form, lambda: services.action_create(by=user, **form.values()))
        if done:
            messages.success(request, _("The action has been created."))
            return redirect("action_detail", pk=action.pk)
    return render(request, "followup/action_form.html", {"form": form, "action": None})


def _preselected_recommendation(request) -> list[int]:
    pk = _id_param(request, "recommendation")
    if pk is None:
        return []
    return [get_object_or_404(Recommendation, pk=pk).pk]


@login_required
def action_update(request, pk: int):
    user = request.user
    action = get_object_or_404(policies.actions_visible_to(user).select_related("institution"), pk=pk)
    policies.require(policies.can_edit_action(user, action))
    return _edit_page(
        request,
        action,
        name="action",
        form_class=forms.ActionForm,
        form_kwargs={"user": user},
        update=services.action_update,
        saved=_("The action has been saved."),
        next_url=reverse("action_detail", args=[action.pk]),
        template="followup/action_form.html",
    )


# Indicators --------------------------------------------------------------------------------------------------------


@login_required
def indicator_list(request):
    visible = policies.indicators_visible_to(request.user)
    form = forms.IndicatorFilterForm(request.GET, visible=visible)
    indicators = selectors.with_last_reported(form.filter(visible).select_related("institution"))
    page = Paginator(indicators.order_by("title", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(indicator, indicator.next_report_due(indicator.last_reported)) for indicator in page.object_list]
    return render(
        request,
        "followup/indicator_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "today": selectors.today(),
            "can_plan": policies.can_plan_for(request.user, request.user.institution_id),
        },
    )


@login_required
def indicator_detail(request, pk: int):
    user = request.user
    indicator = get_object_or_404(
        selectors.with_last_reported(policies.indicators_visible_to(user).select_related("institution")), pk=pk
    )
    values = policies.indicator_values_visible_to(user).filter(indicator=indicator).select_related("indicator")
    validated = values.filter(status=IndicatorValue.Status.VALIDATED).order_by("date", "id")
    next_due = indicator.next_report_due(indicator.last_reported)
    context = {
        "indicator": indicator,
        "values": values,
        "validated": validated,
        "next_due": next_due,
        "overdue": next_due < selectors.today(),
        "recommendations": indicator.recommendations.select_related("mechanism"),
        "actions": policies.actions_visible_to(user).filter(indicators=indicator),
        "can_edit": policies.can_edit_indicator(user, indicator),
        "can_report": policies.can_report_on_indicator(user, indicator),
    }
    return render(request, "followup/indicator_detail.html", context)


@login_required
def indicator_create(request):
    user = request.user
    policies.require(policies.can_plan_for(user, user.institution_id))
    action_pk = _id_param(request, "action")
    actions = [get_object_or_404(policies.actions_visible_to(user), pk=action_pk).pk] if action_pk else []
    form = forms.IndicatorForm(
        request.POST or None,
        user=user,
        preselected=_preselected_recommendation(request),
        preselected_actions=actions,
    )
    if request.method == "POST" and form.is_valid():
        done, indicator = _write(form, lambda: services.indicator_create(by=user, **form.values()))
        if done:
            messages.success(request, _("The indicator has been created."))
            return redirect("indicator_detail", pk=indicator.pk)
    return render(request, "followup/indicator_form.html", {"form": form, "indicator": None})


@login_required
def indicator_update(request, pk: int):
    user = request.user
    indicator = get_object_or_404(policies.indicators_visible_to(user).select_related("institution"), pk=pk)
    policies.require(policies.can_edit_indicator(user, indicator))
    return _edit_page(
        request,
        indicator,
        name="indicator",
        form_class=forms.IndicatorForm,
        form_kwargs={"user": user},
        update=services.indicator_update,
        saved=_("The indicator has been saved."),
        next_url=reverse("indicator_detail", args=[indicator.pk]),
        template="followup/indicator_form.html",
    )


# Reports: progress updates and indicator values -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportKind:
    """What differs between the two kinds of report; their pages and workflow are one code."""

    name: str  # prefix of the URL names: "progress_update", "indicator_value"
    visible: object  # policies.*_visible_to
    form: type

    def url(self, view: str, *args) -> str:
        return reverse(f"{self.name}_{view}", args=args)


PROGRESS_UPDATE = ReportKind("progress_update", policies.progress_updates_visible_to, forms.ProgressUpdateForm)
INDICATOR_VALUE = ReportKind("indicator_value", policies.indicator_values_visible_to, forms.IndicatorValueForm)
REPORT_KINDS = {kind.name: kind for kind in (PROGRESS_UPDATE, INDICATOR_VALUE)}

STEPS = {
    "submit": (services.report_submit, forms.VersionForm),
    "approve": (services.report_approve, forms.VersionForm),
    "validate": (services.report_validate, forms.VersionForm),
    "return": (services.report_return, forms.ReturnForm),
}


def _step_done(step: str) -> str:
    return {
        "submit": _("The report has been submitted to your institution's validator."),
        "approve": _("The report has been approved and sent to the coordinator."),
        "validate": _("The report has been validated: it now counts in the statistics."),
        "return": _("The report has been returned to its focal point with your reason."),
    }[step]


def _report_get(request, kind: ReportKind, pk: int):
    related = ("action", "recommendation__mechanism") if kind is PROGRESS_UPDATE else ("indicator",)
    return get_object_or_404(kind.visible(request.user).select_related("institution", "created_by", *related), pk=pk)


def _report_page(request, kind: ReportKind, report, *, return_form=None, evidence_form=None, status=200):
    user = request.user
    can = {
        "edit": policies.can_edit_report(user, report),
        "submit": policies.can_submit(user, report),
        "approve": policies.can_approve(user, report),
        "validate": policies.can_validate(user, report),
        "return": policies.can_return(user, report),
    }
    version = {"version": report.version}
    context = {
        "kind": kind.name,
        "report": report,
        "evidence": list(report.evidence.all()),
        "timeline": selectors.report_timeline(report=report, user=user),
        "can": can,
        "return_form": return_form or forms.ReturnForm(initial=version),
        "evidence_form": evidence_form or forms.EvidenceAddForm(initial=version),
        "urls": {
            "edit": kind.url("update", report.pk),
            "evidence": kind.url("evidence_add", report.pk),
            **{step: reverse(f"{kind.name}_step", args=[report.pk, step]) for step in STEPS},
        },
    }
    return render(request, "followup/report_detail.html", context, status=status)


@login_required
def report_detail(request, pk: int, kind: str):
    kind = REPORT_KINDS[kind]
    return _report_page(request, kind, _report_get(request, kind, pk))


@require_POST
@login_required
def report_step(request, pk: int, step: str, kind: str):
    """Submit, approve, validate or return a report (``step``), at the version the user saw."""
    kind = REPORT_KINDS[kind]
    report = _report_get(request, kind, pk)
    write, form_class = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        extra = {"reason": form.cleaned_data["reason"]} if step == "return" else {}
        done, result = _write(
            form,
            lambda: write(report=report, by=request.user, version=form.cleaned_data["version"], **extra),
            default_field="reason",
        )
        if done:
            messages.success(request, _step_done(step))
            return redirect(kind.url("detail", report.pk))
        if isinstance(result, EditConflict):
            messages.error(request, _conflict_message())
            return redirect(kind.url("detail", report.pk))
    # A reason missing (or, from a crafted request, no version): the page again, saying what is missing.
    return _report_page(request, kind, report, return_form=form if step == "return" else None, status=400)


def _conflict_message() -> str:
    return _(
        "Someone else changed this report while you were reading it; nothing was saved. "
        "The page now shows its current state: check it and try again."
    )


@login_required
def report_update(request, pk: int, kind: str):
    kind = REPORT_KINDS[kind]
    report = _report_get(request, kind, pk)
    policies.require(policies.can_edit_report(request.user, report))
    return _edit_page(
        request,
        report,
        name="report",
        form_class=kind.form,
        update=services.report_update,
        saved=_("The report has been saved."),
        next_url=kind.url("detail", report.pk),
        template="followup/report_form.html",
        kind=kind.name,
        subject=report.subject,
    )


@require_POST
@login_required
def evidence_add(request, pk: int, kind: str):
    kind = REPORT_KINDS[kind]
    report = _report_get(request, kind, pk)
    form = forms.EvidenceAddForm(request.POST, request.FILES)
    if form.is_valid():
        done, result = _write(
            form,
            lambda: services.evidence_add(
                report=report, by=request.user, version=form.cleaned_data["version"], file=form.cleaned_data["file"]
            ),
            default_field="file",
        )
        if done:
            messages.success(request, _("“%(name)s” has been added.") % {"name": result.name})
            return redirect(kind.url("detail", report.pk))
        if isinstance(result, EditConflict):
            messages.error(request, _conflict_message())
            return redirect(kind.url("detail", report.pk))
    return _report_page(request, kind, report, evidence_form=form, status=400)


@login_required
def progress_update_create(request):
    """A progress update on an action (``?action=<pk>``) or a recommendation (``?recommendation=<pk>``)."""
    user = request.user
    action_pk, recommendation_pk = _id_param(request, "action"), _id_param(request, "recommendation")
    if (action_pk is None) == (recommendation_pk is None):
        raise Http404
    if action_pk is not None:
        action = get_object_or_404(policies.actions_visible_to(user), pk=action_pk)
        recommendation = None
        policies.require(policies.can_report_on_action(user, action))
    else:
        action = None
        recommendation = get_object_or_404(Recommendation.objects.select_related("mechanism"), pk=recommendation_pk)
        policies.require(policies.can_report_on_recommendation(user, recommendation))
    form = forms.ProgressUpdateForm(
        request.POST or None, request.FILES or None, with_files=True, initial={"date": selectors.today()}
    )
    if request.method == "POST" and form.is_valid():
        done, update = _write(
            form,
            lambda: services.progress_update_create(
                by=user,
                action=action,
                recommendation=recommendation,
                files=form.cleaned_data["files"],
                **form.values(),
            ),
            default_field="files",
        )
        if done:
            messages.success(request, _("The progress update has been saved as a draft. Submit it when it is ready."))
            return redirect("progress_update_detail", pk=update.pk)
    return render(
        request,
        "followup/report_form.html",
        {"form": form, "kind": PROGRESS_UPDATE.name, "report": None, "subject": action or recommendation},
    )


@login_required
def indicator_value_create(request, pk: int):
    user = request.user
    indicator = get_object_or_404(policies.indicators_visible_to(user), pk=pk)
    policies.require(policies.can_report_on_indicator(user, indicator))
    form = forms.IndicatorValueForm(
        request.POST or None, request.FILES or None, with_files=True, initial={"date": selectors.today()}
    )
    if request.method == "POST" and form.is_valid():
        done, value = _write(
            form,
            lambda: services.indicator_value_create(
                by=user, indicator=indicator, files=form.cleaned_data["files"], **form.values()
            ),
            default_field="files",
        )
        if done:
            messages.success(request, _("The value has been saved as a draft. Submit it when it is ready."))
            return redirect("indicator_value_detail", pk=value.pk)
    return render(
        request,
        "followup/report_form.html",
        {"form": form, "kind": INDICATOR_VALUE.name, "report": None, "subject": indicator},
    )


# Evidence files ----------------------------------------------------------------------------------------------------


def _evidence_get(request, token: str):
    return get_object_or_404(
        policies.evidence_visible_to(request.user).select_related("progress_update", "indicator_value"), token=token
    )


@login_required
def evidence_download(request, token: str):
    """The file, to those who may see its report; "not found" to everyone else, so a link reveals nothing."""
    evidence = _evidence_get(request, token)
    try:
        file = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(file, as_attachment=True, filename=evidence.name, content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def evidence_remove(request, token: str):
    evidence = _evidence_get(request, token)
    report = evidence.report
    kind = PROGRESS_UPDATE if isinstance(report, ProgressUpdate) else INDICATOR_VALUE
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return _report_page(request, kind, report, status=400)
    try:
        services.evidence_remove(evidence=evidence, by=request.user, version=form.cleaned_data["version"])
    except EditConflict:
        messages.error(request, _conflict_message())
    else:
        messages.success(request, _("“%(name)s” has been removed.") % {"name": evidence.name})
    return redirect(kind.url("detail", report.pk))


# Deadlines ---------------------------------------------------------------------------------------------------------


@login_required
def deadline_list(request):
    deadlines = Deadline.objects.select_related("review__mechanism", "review__state").order_by(
        F("met_on").asc(nulls_first=True), "due_date", "id"
    )
    return render(
        request,
        "followup/deadline_list.html",
        {"deadlines": deadlines, "due": selectors.due_items_for(user=request.user), "today": selectors.today()},
    )
