"""UN cooperation's forms: the record's form and the list's filters. Choices are limited to what the writer may use
(a partner records for their own agency, links the actions they see); the services check the same rules again."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.cooperation import policies
from rasd.cooperation.models import Cooperation
from rasd.followup.forms import DateInput, RecommendationChoiceField, StyledForm, StyledModelForm, _chosen_first
from rasd.followup.policies import actions_visible_to, assignments_visible_to
from rasd.institutions.models import Institution
from rasd.recommendations.models import Recommendation


class CooperationForm(StyledModelForm):
    class Meta:
        model = Cooperation
        fields = [
            "agency",
            "axis",
            "title",
            "description",
            "start_date",
            "end_date",
            "amount",
            "currency",
            "framework_outcome",
            "actions",
            "recommendations",
        ]
        field_classes = {"recommendations": RecommendationChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput,
            "end_date": DateInput,
            "actions": forms.CheckboxSelectMultiple,
            "recommendations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = policies.agencies_for(user)
        self.fields["agency"].queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].empty_label = None
        actions = self.instance.actions.all() if self.instance.pk else ()
        self.fields["actions"].queryset = _chosen_first(
            actions_visible_to(user).select_related("institution"), actions, "title", "id"
        )
        chosen = list(self.instance.recommendations.values_list("pk", flat=True)) if self.instance.pk else []
        # The recommendations assigned to an institution, the actions' and those already chosen.
        assigned = Recommendation.objects.filter(assignments__in=assignments_visible_to(user)).values("pk")
        linked = Recommendation.objects.filter(actions__in=actions_visible_to(user)).values("pk")
        self.fields["recommendations"].queryset = _chosen_first(
            Recommendation.objects.filter(Q(pk__in=assigned) | Q(pk__in=linked) | Q(pk__in=chosen)).select_related(
                "mechanism"
            ),
            chosen,
            "mechanism__code",
            "code",
            "paragraph",
            "id",
        )

    def clean_currency(self):
        return (self.cleaned_data["currency"] or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date comes before the start date."))
        return cleaned


class CooperationFilterForm(StyledForm):
    """The list's filters, from the query string; a value the form does not know drops that filter only."""

    agency = forms.ModelChoiceField(
        label=_("UN agency"), queryset=Institution.objects.none(), to_field_name="code", required=False
    )
    axis = forms.ChoiceField(
        label=_("Axis of support"), choices=[("", _("All axes")), *Cooperation.Axis.choices], required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, visible, years):
        super().__init__(data)
        self.fields["agency"].queryset = Institution.objects.filter(pk__in=visible.values("agency")).order_by("code")
        self.fields["agency"].empty_label = _("All agencies")
        self.fields["year"].choices = [("", _("All years")), *[(year, str(year)) for year in years]]

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        agency = cleaned.get("agency")
        return {"agency": agency.code if agency else "", "axis": cleaned.get("axis", ""), "year": cleaned.get("year")}
