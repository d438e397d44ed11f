from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rasd.core.models import Language
from rasd.mechanisms.models import Mechanism
from rasd.recommendations import selectors
from rasd.recommendations.models import ImplementationStatus, NationalAxis, Position, Recommendation
from rasd.states.models import State

PAGE_SIZE = 25


class RecommendationFilterForm(forms.Form):
    """The list's GET filters. An unknown value in one filter drops that filter only, never the page."""

    q = forms.CharField(label=_("Text or code contains"), required=False, max_length=200)
    mechanism = forms.ChoiceField(label=_("Mechanism"), required=False)
    kind = forms.ChoiceField(label=_("Kind of mechanism"), required=False)
    position = forms.ChoiceField(label=_("Position"), required=False)
    status = forms.ChoiceField(label=_("Implementation status"), required=False)
    axis = forms.ChoiceField(label=_("National axis"), required=False)
    state = forms.ChoiceField(label=_("State under review"), required=False)
    lang = forms.ChoiceField(label=_("Text available in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        mechanisms = Mechanism.objects.all()
        self.fields["mechanism"].choices = every + [(m.code, selectors.mechanism_label(m)) for m in mechanisms]
        self.fields["kind"].choices = every + list(Mechanism.Kind.choices)
        not_recorded = (selectors.POSITION_NONE, _("Not recorded"))
        self.fields["position"].choices = every + list(Position.choices) + [not_recorded]
        self.fields["status"].choices = every + list(ImplementationStatus.choices)
        # Sub-axes follow their axis, marked with a dash, so one select shows the two levels.
        axes = list(NationalAxis.objects.order_by("position", "code"))
        axis_choices = list(every)
        for top in (axis for axis in axes if axis.parent_id is None):
            axis_choices.append((top.code, f"{top.code} · {top.name}"))
            axis_choices += [(a.code, f"— {a.code} · {a.name}") for a in axes if a.parent_id == top.id]
        self.fields["axis"].choices = axis_choices
        # Only states that have been reviewed: a select of 200 states would hide the few that matter.
        reviewed = State.objects.filter(pk__in=Recommendation.objects.values("state_id"))
        self.fields["state"].choices = every + [(s.iso3, s.name) for s in reviewed]
        self.fields["lang"].choices = every + list(Language.choices)
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def home(request):
    return render(request, "recommendations/home.html", {"counts": selectors.recommendation_counts()})


@login_required
def recommendation_list(request):
    form = RecommendationFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.recommendation_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recommendations/recommendation_list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "recommendations": page.object_list,
        },
    )


@login_required
def recommendation_detail(request, pk: int):
    recommendation = selectors.recommendation_get(pk=pk)
    if recommendation is None:
        raise Http404
    history = selectors.recommendation_history(recommendation=recommendation)
    return render(
        request,
        "recommendations/recommendation_detail.html",
        {"recommendation": recommendation, "history": history},
    )
