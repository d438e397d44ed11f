"""The query parameters of the API's lists, as Django forms: a value the form does not accept is refused with 400
(``{parameter: [messages]}``) rather than ignored, and the schema documents each parameter from its form field.
"""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from rasd.followup import selectors
from rasd.followup.models import Action, Report
from rasd.institutions.models import Institution
from rasd.recommendations.forms import LARGEST_ID

FORM_FIELD_TYPES = {
    forms.IntegerField: OpenApiTypes.INT,
    forms.DecimalField: OpenApiTypes.NUMBER,
    forms.FloatField: OpenApiTypes.NUMBER,
    forms.DateField: OpenApiTypes.DATE,
    forms.BooleanField: OpenApiTypes.BOOL,
}


def filter_parameter(name: str, field: forms.Field) -> OpenApiParameter:
    kind = next((t for cls, t in FORM_FIELD_TYPES.items() if isinstance(field, cls)), OpenApiTypes.STR)
    many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    # Fixed choices become an enum; a filter by reference data (a mechanism's code…) has none in the form, and a
    # NullBooleanField's choices are its widget's, not values.
    choices = [] if isinstance(field, forms.NullBooleanField) else getattr(field, "choices", ())
    choices = [value for value, _label in choices if value != ""]
    return OpenApiParameter(
        name,
        kind,
        OpenApiParameter.QUERY,
        description=field.help_text or field.label or name,  # lazy: in the reader's language
        enum=choices or None,
        many=many,
    )


def filter_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    return [filter_parameter(name, field) for name, field in form_class.base_fields.items()]


class InstitutionCodeField(forms.CharField):
    """An institution named by its code; a code no institution has is an error, not an empty list."""

    def validate(self, value):
        super().validate(value)
        # A NUL character is refused by the field's own validator, which runs next; PostgreSQL cannot compare it.
        if value and "\x00" not in value and not Institution.objects.filter(code=value).exists():
            raise forms.ValidationError(
                gettext("No institution has the code “%(code)s”.") % {"code": value}, code="unknown"
            )


def institution_filter() -> InstitutionCodeField:
    return InstitutionCodeField(required=False, help_text=_("The institution's code, e.g. justice."))


def id_filter(help_text) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=LARGEST_ID, help_text=help_text)


class ListFilter(forms.Form):
    """A list's parameters; ``narrow`` applies those given to a queryset the reader may see."""

    def narrow(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    @classmethod
    def apply(cls, queryset: QuerySet, params) -> QuerySet:
        form = cls(params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return form.narrow(queryset)


def _recommendation_q(prefix: str, recommendation_id: int) -> Q:
    """Linked to the recommendation directly or through one of its clusters."""
    return Q(**{f"{prefix}recommendations": recommendation_id}) | Q(
        **{f"{prefix}clusters__recommendations": recommendation_id}
    )


class AssignmentFilter(ListFilter):
    institution = institution_filter()
    recommendation = id_filter(_("The recommendation's id."))
    late = forms.NullBooleanField(
        required=False,
        help_text=_("true: only the assignments past their due date whose recommendation is not yet implemented."),
    )

    def narrow(self, queryset):
        data = self.cleaned_data
        if data["institution"]:
            queryset = queryset.filter(institution__code=data["institution"])
        if data["recommendation"]:
            queryset = queryset.filter(recommendation_id=data["recommendation"])
        if data["late"] is not None:
            late = selectors.open_assignments().filter(due_date__lt=selectors.today())
            queryset = (
                queryset.filter(pk__in=late.values("pk"))
                if data["late"]
                else queryset.exclude(pk__in=late.values("pk"))
            )
        return queryset


class ActionFilter(ListFilter):
    institution = institution_filter()
    recommendation = id_filter(_("The recommendation's id: its actions, directly or through one of its clusters."))
    status = forms.ChoiceField(required=False, choices=Action.Status.choices)

    def narrow(self, queryset):
        data = self.cleaned_data
        if data["institution"]:
            queryset = queryset.filter(institution__code=data["institution"])
        if data["recommendation"]:
            queryset = queryset.filter(_recommendation_q("", data["recommendation"])).distinct()
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return queryset


class IndicatorFilter(ListFilter):
    institution = institution_filter()
    recommendation = id_filter(_("The recommendation's id: its indicators, directly or through one of its clusters."))
    action = id_filter(_("The action's id."))

    def narrow(self, queryset):
        data = self.cleaned_data
        if data["institution"]:
            queryset = queryset.filter(institution__code=data["institution"])
        if data["recommendation"]:
            queryset = queryset.filter(_recommendation_q("", data["recommendation"])).distinct()
        if data["action"]:
            queryset = queryset.filter(actions=data["action"]).distinct()
        return queryset


class ReportFilter(ListFilter):
    institution = institution_filter()
    status = forms.ChoiceField(required=False, choices=Report.Status.choices)

    def narrow(self, queryset):
        data = self.cleaned_data
        if data["institution"]:
            queryset = queryset.filter(institution__code=data["institution"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return queryset


class ProgressUpdateFilter(ReportFilter):
    action = id_filter(_("The action's id."))
    recommendation = id_filter(
        _("The recommendation's id: the updates on it and on the actions linked to it (directly or by a cluster).")
    )

    def narrow(self, queryset):
        queryset = super().narrow(queryset)
        data = self.cleaned_data
        if data["action"]:
            queryset = queryset.filter(action_id=data["action"])
        if data["recommendation"]:
            queryset = queryset.filter(
                Q(recommendation_id=data["recommendation"]) | _recommendation_q("action__", data["recommendation"])
            ).distinct()
        return queryset


class IndicatorValueFilter(ReportFilter):
    indicator = id_filter(_("The indicator's id."))

    def narrow(self, queryset):
        queryset = super().narrow(queryset)
        if self.cleaned_data["indicator"]:
            queryset = queryset.filter(indicator_id=self.cleaned_data["indicator"])
        return queryset
