"""The strategic plans' forms: they parse what the coordinator typed; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rasd.followup.forms import StyledForm, StyledModelForm
from rasd.strategy.models import Measure, Objective, PlanAxis, StrategicPlan
from rasd.strategy.selectors import objective_choices

NAME_WIDGETS = {
    "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
    "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
}


class PlanForm(StyledModelForm):
    class Meta:
        model = StrategicPlan
        fields = ["code", "name_ar", "name_fr", "name_en", "start_year", "end_year", "description"]
        widgets = {**NAME_WIDGETS, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code is in the plan's address and in links to it: it stays as it was created.
            del self.fields["code"]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year comes before the start year."))
        return cleaned


class PartForm(StyledModelForm):
    """An axis, an objective or a measure: a code, its names, its place among its siblings."""

    class Meta:
        fields = ["code", "name_ar", "name_fr", "name_en", "position"]
        widgets = NAME_WIDGETS


class AxisForm(PartForm):
    class Meta(PartForm.Meta):
        model = PlanAxis


class ObjectiveForm(PartForm):
    class Meta(PartForm.Meta):
        model = Objective


class MeasureForm(PartForm):
    class Meta(PartForm.Meta):
        model = Measure


class RecommendationObjectivesForm(StyledForm):
    objectives = forms.ModelMultipleChoiceField(
        label=_("Objectives"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = objective_choices()
