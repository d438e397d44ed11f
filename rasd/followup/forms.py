"""The follow-up's web forms. They parse and check what a person typed; the services then decide and write.

Choices are limited to what the writer may see and use (a focal point plans for their own institution); the
services check the same rules again, so a crafted request is refused there as well.
"""

from django import forms
from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from rasd.followup import evidence as evidence_files
from rasd.followup import policies
from rasd.followup.models import Action, Assignment, Indicator, IndicatorValue, ProgressUpdate
from rasd.institutions.models import Institution
from rasd.recommendations.models import Cluster, ImplementationStatus, Recommendation
from rasd.strategy.selectors import objective_choices, objective_groups


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker sends and expects ISO dates, whatever the page's language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of evidence files (``<input type=file multiple>``), each checked as the services check it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        errors = []
        for file in files:
            super().clean(file, initial)
            try:
                evidence_files.evidence_check(file)
            except forms.ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return files


def evidence_help_text() -> str:
    return _("Accepted types: %(types)s. At most %(limit)s per file.") % {
        "types": evidence_files.accepted_types(),
        "limit": filesizeformat(settings.RASD_EVIDENCE_MAX_BYTES),
    }


class RecommendationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, recommendation):
        return f"{recommendation} — {Truncator(recommendation.text).chars(140)}"


class StyledForm(forms.Form):
    """Gives each widget its Bootstrap class and marks the fields with errors, so templates render ``{{ field }}``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                widget.attrs["class"] = "form-check-input"
                continue
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    def add_service_error(self, error: forms.ValidationError, default_field: str | None = None) -> None:
        """Show a service's ``ValidationError`` on the fields it names (or on ``default_field``, else the form)."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(default_field if default_field in self.fields else None, error)


def version_field() -> forms.IntegerField:
    """The version of the record the writer read (see ``rasd.core.versioning``), sent back with the change."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StyledModelForm(StyledForm, forms.ModelForm):
    """A form on a model's fields; editing a record adds the hidden ``version`` it was read at.

    The services write, not the form: pass a copy of the record as ``instance`` (validating sets its fields).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"] = version_field()
            self.initial.setdefault("version", self.instance.version)

    def values(self) -> dict:
        """The cleaned values of the model's fields, as the services take them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class VersionForm(StyledForm):
    version = version_field()


# Assignments --------------------------------------------------------------------------------------------------------


class AssignmentCreateForm(StyledForm):
    recommendation = forms.ModelMultipleChoiceField(
        label=_("Recommendations"),
        queryset=Recommendation.objects.select_related("mechanism"),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    cluster = forms.ModelMultipleChoiceField(
        label=_("Clusters"),
        queryset=Cluster.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every recommendation of a cluster is assigned."),
    )
    lead = forms.ModelChoiceField(
        label=_("Lead institution"),
        queryset=Institution.objects.filter(is_active=True),
        error_messages={"required": _("Choose the lead institution.")},
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting institutions"),
        queryset=Institution.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("recommendation") and not cleaned.get("cluster") and not self.has_error("recommendation"):
            raise forms.ValidationError(_("Choose at least one recommendation or cluster."))
        return cleaned


class AssignmentUpdateForm(StyledModelForm):
    class Meta:
        model = Assignment
        fields = ["role", "due_date"]
        widgets = {"due_date": DateInput}


class RecommendationStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("New implementation status"), choices=ImplementationStatus.choices)
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the status changes, and the evidence it rests on (a validated report, a law, a decision)."),
        error_messages={"required": _("Explain why the status changes: the justification is required.")},
    )
    version = version_field()


# Actions and indicators --------------------------------------------------------------------------------------------


def _chosen_first(queryset, chosen, *order):
    """The choices with those already chosen at the top, so that a long list opens on what matters."""
    ids = [getattr(c, "pk", c) for c in chosen or ()]
    return queryset.annotate(
        _chosen=Case(When(pk__in=ids, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("_chosen", *order)


class PlanningForm(StyledModelForm):
    """What actions and indicators share: the responsible institution and the recommendations they serve."""

    class Meta:
        field_classes = {"recommendations": RecommendationChoiceField}
        widgets = {"recommendations": forms.CheckboxSelectMultiple, "clusters": forms.CheckboxSelectMultiple}

    # (earlier, later, message): ``later`` may not come before ``earlier``; the message goes on ``later``.
    in_order: tuple[tuple[str, str, str], ...] = ()

    def __init__(self, *args, user, preselected=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        institutions = Institution.objects.filter(is_active=True)
        if not user.is_coordinator:
            # A focal point plans for their own institution only (``policies.can_plan_for``).
            institutions = institutions.filter(pk=user.institution_id)
            self.fields["institution"].initial = user.institution_id
        self.fields["institution"].queryset = institutions
        self.fields["institution"].empty_label = None if not user.is_coordinator else "—"

        chosen = list(preselected)
        if self.instance.pk:
            chosen += list(self.instance.recommendations.values_list("pk", flat=True))
        elif chosen:
            self.fields["recommendations"].initial = chosen
        # The recommendations the writer's institution (or, for a coordinator, any institution) is assigned, and
        # those already chosen.
        assigned = Recommendation.objects.filter(assignments__in=policies.assignments_visible_to(user))
        self.fields["recommendations"].queryset = _chosen_first(
            Recommendation.objects.filter(Q(pk__in=assigned.values("pk")) | Q(pk__in=chosen)).select_related(
                "mechanism"
            ),
            chosen,
            "mechanism__code",
            "code",
            "paragraph",
            "id",
        )
        if "supporting_institutions" in self.fields:
            supporting = self.instance.supporting_institutions.all() if self.instance.pk else ()
            self.fields["supporting_institutions"].queryset = _chosen_first(
                Institution.objects.filter(is_active=True), supporting, "code"
            )

    def clean(self):
        cleaned = super().clean()
        for earlier, later, message in self.in_order:
            first, last = cleaned.get(earlier), cleaned.get(later)
            if first and last and last < first:
                self.add_error(later, message)
        return cleaned


class ActionForm(PlanningForm):
    in_order = (("start_date", "end_date", _("The end date comes before the start date.")),)

    class Meta(PlanningForm.Meta):
        model = Action
        fields = [
            "title",
            "description",
            "institution",
            "supporting_institutions",
            "status",
            "start_date",
            "end_date",
            "budget_amount",
            "budget_currency",
            "budget_source",
            "recommendations",
            "clusters",
            "objective",
        ]
        widgets = {
            **PlanningForm.Meta.widgets,
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput,
            "end_date": DateInput,
            "supporting_institutions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every plan's objectives, grouped by plan axis: an objective's code alone repeats across plans.
        self.fields["objective"].queryset = objective_choices()
        self.fields["objective"].choices = [("", "—"), *objective_groups()]

    def clean_budget_currency(self):
        return self.cleaned_data["budget_currency"].strip().upper()


class IndicatorForm(PlanningForm):
    in_order = (("baseline_year", "target_year", _("The target year comes before the baseline year.")),)

    class Meta(PlanningForm.Meta):
        model = Indicator
        fields = [
            "kind",
            "title",
            "definition",
            "unit",
            "institution",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "data_source",
            "disaggregation",
            "reporting_frequency",
            "recommendations",
            "clusters",
            "actions",
        ]
        widgets = {
            **PlanningForm.Meta.widgets,
            "definition": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, preselected=(), preselected_actions=(), **kwargs):
        super().__init__(*args, user=user, preselected=preselected, **kwargs)
        self.fields["actions"].queryset = policies.actions_visible_to(user)
        if preselected_actions and not self.instance.pk:
            self.fields["actions"].initial = list(preselected_actions)


# Reports ------------------------------------------------------------------------------------------------------------


class ReportForm(StyledModelForm):
    """A progress update's or an indicator value's own fields; ``files`` when the report is being written."""

    def __init__(self, *args, with_files: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_files:
            self.fields["files"] = EvidenceFilesField(label=_("Evidence files"), help_text=evidence_help_text())


class ProgressUpdateForm(ReportForm):
    class Meta:
        model = ProgressUpdate
        fields = ["text", "date", "proposed_status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6}), "date": DateInput}


class IndicatorValueForm(ReportForm):
    class Meta:
        model = IndicatorValue
        fields = ["value", "date", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "date": DateInput}


class EvidenceAddForm(VersionForm):
    file = forms.FileField(label=_("Add an evidence file"), error_messages={"required": _("Choose a file.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = evidence_help_text()

    def clean_file(self):
        file = self.cleaned_data["file"]
        evidence_files.evidence_check(file)
        return file


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for return"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the focal point must correct or add."),
        error_messages={"required": _("Say why the report is returned: the reason is required.")},
    )


# List filters -------------------------------------------------------------------------------------------------------


class ListFilterForm(StyledForm):
    """A list's filters, from the query string. A value the form does not know drops that filter, never the page."""

    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, data, *, visible):
        super().__init__(data)
        # Only the institutions that have something in the list the user sees.
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=visible.values("institution")).order_by(
            "code"
        )
        self.fields["institution"].empty_label = _("All institutions")

    def filter(self, queryset):
        self.is_valid()
        wanted = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return queryset.filter(**wanted)


class ActionFilterForm(ListFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Action.Status.choices], required=False
    )


class IndicatorFilterForm(ListFilterForm):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *Indicator.Kind.choices], required=False)
