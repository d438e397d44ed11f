"""The recommendation list's filters, one form for the list page, its downloads and the read API: every filter is a
GET parameter (repeated for several values)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rasd.core.models import Language
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Document, Mechanism, Review
from rasd.recommendations import selectors
from rasd.recommendations.models import (
    AffectedPerson,
    ImplementationStatus,
    NationalAxis,
    Position,
    SdgGoal,
    SdgTarget,
    Theme,
)
from rasd.states.models import State
from rasd.strategy.models import PlanAxis

MODE_CHOICES = [
    ("keyword", pgettext_lazy("search mode", "Keyword")),
    ("semantic", pgettext_lazy("search mode", "Semantic")),
    ("hybrid", pgettext_lazy("search mode", "Hybrid")),
]
SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("mechanism", _("By mechanism")),
]


# The largest id the databases store (a 64-bit signed integer): a longer number names no row, and SQLite's driver
# refuses even to send it.
LARGEST_ID = 2**63 - 1


def is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) <= LARGEST_ID


class ReferenceField(forms.MultipleChoiceField):
    """Any number of values of a reference table's key (a mechanism's code, a review's id…).

    That each value exists is checked by the form, for all its reference fields in one query (``known``), made
    only when one of them is used: the list's many filters cost nothing while they are empty. ``also`` names a
    second key the values may be given by (a theme's id or code).
    """

    def __init__(self, *, queryset, key: str, also: str = "", numeric: bool = False, upper: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.queryset, self.key, self.also, self.numeric, self.upper = queryset, key, also, numeric, upper

    def to_python(self, value):
        values = [value.strip() for value in super().to_python(value) if value.strip()]
        return [value.upper() for value in values] if self.upper else values

    def valid_value(self, value) -> bool:
        # Existence is the form's check; here only what the database could not even compare (PostgreSQL's text
        # cannot hold a NUL character).
        return "\x00" not in value and (bool(self.also) or not self.numeric or is_id(value))

    def known(self, name: str, values: list[str]) -> list[QuerySet]:
        """Queries of (name, key as text) for the values that exist, to be joined by UNION with the others'."""
        label = Value(name, output_field=CharField())
        numbers = [v for v in values if is_id(v)]
        keys = [(self.key, numbers if self.numeric else values)] + ([(self.also, values)] if self.also else [])
        return [
            self.queryset.filter(**{f"{key}__in": wanted}).values_list(label, Cast(key, CharField())).order_by()
            for key, wanted in keys
            if wanted
        ]


class RecommendationFilterForm(forms.Form):
    """The list's GET parameters, shared with the API (which documents itself from these fields).

    A filter with a value it does not know is invalid: the page then drops that filter only, never the page; the
    API refuses the request. Filters with several values match any of them; different filters narrow each other.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=500,
        help_text=_("Words in any of the three languages, a “phrase”, OR, NOT, a prefix*, or a code."),
    )
    mode = forms.ChoiceField(
        label=_("Search mode"),
        choices=MODE_CHOICES,
        required=False,
        help_text=_("keyword: the words; semantic: the meaning, across languages; hybrid: both."),
    )
    sort = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)
    mechanism = ReferenceField(
        label=_("Mechanism"), queryset=Mechanism.objects, key="code", required=False, help_text=_("Code, e.g. CAT.")
    )
    kind = forms.MultipleChoiceField(label=_("Kind of mechanism"), choices=Mechanism.Kind.choices, required=False)
    review = ReferenceField(label=_("Review"), queryset=Review.objects, key="id", numeric=True, required=False)
    document = ReferenceField(
        label=_("Document"),
        queryset=Document.objects,
        key="symbol",
        required=False,
        help_text=_("Symbol, e.g. A/HRC/36/6."),
    )
    position = forms.MultipleChoiceField(
        label=_("Position"),
        choices=[*Position.choices, (selectors.POSITION_NONE, _("Not recorded"))],
        required=False,
    )
    status = forms.MultipleChoiceField(
        label=_("Implementation status"), choices=ImplementationStatus.choices, required=False
    )
    progress = forms.MultipleChoiceField(
        label=_("Progress reported"),
        choices=selectors.PROGRESS_CHOICES,
        required=False,
        help_text=_("Whether a validated progress update was reported, on the recommendation or on an action for it."),
    )
    overdue = forms.MultipleChoiceField(
        label=_("Overdue"),
        choices=selectors.OVERDUE_CHOICES,
        required=False,
        help_text=_(
            "An assignment is past its due date and the recommendation is neither implemented nor not applicable; "
            "how late is counted from its oldest overdue assignment."
        ),
    )
    at_risk = forms.MultipleChoiceField(
        label=_("At risk"),
        choices=selectors.AT_RISK_CHOICES,
        required=False,
        help_text=_("Asked again in two reviews or more (near-duplicates) and still not started."),
    )
    plan_axis = ReferenceField(
        label=_("Strategic-plan axis"),
        queryset=PlanAxis.objects,
        key="id",
        numeric=True,
        required=False,
        help_text=_("Id of a strategic plan's axis: the recommendations linked to its objectives, or to its actions."),
    )
    published = forms.MultipleChoiceField(
        label=_("Public portal"),
        choices=selectors.PUBLISHED_CHOICES,
        required=False,
        help_text=_("Whether the recommendation is published on the public portal."),
    )
    axis = ReferenceField(
        label=_("National axis"),
        queryset=NationalAxis.objects,
        key="code",
        required=False,
        help_text=_("Code; an axis includes its sub-axes."),
    )
    institution = ReferenceField(
        label=_("Institution"),
        queryset=Institution.objects,
        key="code",
        required=False,
        help_text=_("Code of an institution assigned, as lead or in support."),
    )
    theme = ReferenceField(
        label=_("Theme"),
        queryset=Theme.objects,
        key="id",
        numeric=True,
        also="code",
        required=False,
        help_text=_("Id or code."),
    )
    affected_person = ReferenceField(
        label=_("Affected persons"), queryset=AffectedPerson.objects, key="code", required=False
    )
    sdg_goal = ReferenceField(
        label=_("Sustainable Development Goal"),
        queryset=SdgGoal.objects,
        key="number",
        numeric=True,
        required=False,
        help_text=_("Number, 1 to 17."),
    )
    sdg_target = ReferenceField(
        label=_("SDG target"), queryset=SdgTarget.objects, key="code", required=False, help_text=_("Code, e.g. 16.3.")
    )
    recommending_state = ReferenceField(
        label=_("Recommending state"),
        queryset=State.objects,
        key="iso3",
        upper=True,
        required=False,
        help_text=_("ISO alpha-3 code, e.g. FRA."),
    )
    state = ReferenceField(
        label=_("State under review"),
        queryset=State.objects,
        key="iso3",
        upper=True,
        required=False,
        help_text=_("ISO alpha-3 code, e.g. MAR."),
    )
    lang = forms.MultipleChoiceField(label=_("Text available in"), choices=Language.choices, required=False)
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=1900, max_value=2100)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1900, max_value=2100)
    similar_to = forms.IntegerField(
        label=_("Similar to"),
        required=False,
        min_value=1,
        help_text=_("Id of a recommendation: the ones most like it, most similar first."),
    )

    def clean(self):
        cleaned = super().clean()
        references = {
            name: (field, cleaned[name])
            for name, field in self.fields.items()
            if isinstance(field, ReferenceField) and cleaned.get(name)
        }
        queries = [query for name, (field, values) in references.items() for query in field.known(name, values)]
        if queries:
            known = set(queries[0].union(*queries[1:], all=True))
            for name, (field, values) in references.items():
                unknown = [value for value in values if (name, value) not in known]
                if unknown:
                    self.add_error(
                        name,
                        ValidationError(
                            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": unknown[0]}
                        ),
                    )
        return cleaned

    def filters(self) -> dict:
        """The valid filters, for ``selectors.recommendation_list`` (lists for the filters with several values)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", [])}
