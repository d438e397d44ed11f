"""UN cooperation's pages: the list (filters: agency, axis, year) with its totals, one record, its form.

Reads go through ``policies.cooperation_visible_to`` (a record the user may not see is "not found"); the form calls
one service, which checks the same rules again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rasd.cooperation import forms, policies, selectors, services
from rasd.core.history import history_for, timeline
from rasd.followup.policies import actions_visible_to, require
from rasd.followup.views import _edit_page, _write

PAGE_SIZE = 25


@login_required
def cooperation_list(request):
    user = request.user
    visible = policies.cooperation_visible_to(user)
    form = forms.CooperationFilterForm(request.GET, visible=visible, years=selectors.cooperation_years(visible_to=user))
    rows = selectors.cooperation_list(visible_to=user, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cooperation/cooperation_list.html",
        {
            "form": form,
            "page_obj": page,
            "totals": selectors.cooperation_totals(visible_to=user),
            "can_plan": policies.can_record(user),
        },
    )


@login_required
def cooperation_detail(request, pk: int):
    user = request.user
    cooperation = get_object_or_404(policies.cooperation_visible_to(user).select_related("agency", "created_by"), pk=pk)
    context = {
        "cooperation": cooperation,
        "actions": actions_visible_to(user).filter(cooperations=cooperation).select_related("institution"),
        "recommendations": cooperation.recommendations.select_related("mechanism"),
        "timeline": _timeline(cooperation, user),
        "can_edit": policies.can_edit(user, cooperation),
    }
    return render(request, "cooperation/cooperation_detail.html", context)


def _timeline(cooperation, user):
    """The record's history; without the linked actions for anyone but a coordinator, as the page above lists only
    the actions the reader may see (an action's title must not reach another institution through the history)."""
    entries = list(history_for(instance=cooperation))
    if not user.is_coordinator:
        for entry in entries:  # in memory only: the entries are read, never saved here
            entry.changes = {name: pair for name, pair in entry.changes.items() if name != "actions"}
    return timeline([entry for entry in entries if entry.changes or entry.note], own=cooperation)


@login_required
def cooperation_create(request):
    user = request.user
    require(policies.can_record(user))
    initial = {"agency": user.institution_id} if not user.is_coordinator else {}
    form = forms.CooperationForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, cooperation = _write(form, lambda: services.cooperation_create(by=user, **form.values()))
        if done:
            messages.success(request, _("The cooperation has been recorded."))
            return redirect("cooperation_detail", pk=cooperation.pk)
    return render(request, "cooperation/cooperation_form.html", {"form": form, "cooperation": None})


@login_required
def cooperation_update(request, pk: int):
    user = request.user
    cooperation = get_object_or_404(policies.cooperation_visible_to(user).select_related("agency"), pk=pk)
    require(policies.can_edit(user, cooperation))
    return _edit_page(
        request,
        cooperation,
        name="cooperation",
        form_class=forms.CooperationForm,
        form_kwargs={"user": user},
        update=services.cooperation_update,
        saved=_("The cooperation has been saved."),
        next_url=reverse("cooperation_detail", args=[cooperation.pk]),
        template="cooperation/cooperation_form.html",
    )
