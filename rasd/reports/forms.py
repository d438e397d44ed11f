import json

from django import forms
from django.utils.translation import gettext_lazy as _

from rasd.core.models import Language, active_language
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Review
from rasd.reports import policies
from rasd.reports.models import GeneratedReport, MechanismReport


class GeneratedReportForm(forms.Form):
    """What a user asks for; the service checks the combination (``generated_report_request``)."""

    kind = forms.ChoiceField(label=_("Type of report"))
    format = forms.ChoiceField(label=_("Format"), choices=GeneratedReport.Format.choices)
    language = forms.ChoiceField(label=_("Language of the report"), choices=Language.choices)
    review = forms.ModelChoiceField(
        label=_("Review"), queryset=Review.objects.select_related("mechanism"), required=False
    )
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    mechanism_report = forms.ChoiceField(
        label=_("Report to the mechanism (drafts)"),
        choices=[("", "—"), *MechanismReport.choices],
        required=False,
        help_text=_("The UPR national report is limited to 10,700 words."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = policies.kinds_allowed(user)
        self.fields["kind"].choices = [(k, label) for k, label in GeneratedReport.Kind.choices if k in allowed]
        self.fields["language"].initial = active_language()
        if user.is_coordinator:
            self.fields["institution"].queryset = Institution.objects.filter(is_active=True)
        else:
            # A focal point or a validator asks for their own institution's progress report, nothing else.
            self.fields["institution"].queryset = Institution.objects.filter(pk=user.institution_id)
            self.fields["institution"].initial = user.institution_id
            self.fields["institution"].required = True
            self.fields["institution"].empty_label = None
            self.fields["format"].choices = [
                (f, label) for f, label in GeneratedReport.Format.choices if f != GeneratedReport.Format.XLSX
            ]
            del self.fields["review"], self.fields["mechanism_report"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        # For the page's script (reports/report-form.js): the formats each type of report is written in.
        self.fields["kind"].widget.attrs["data-formats"] = json.dumps(
            {kind: list(formats) for kind, formats in GeneratedReport.FORMATS.items()}
        )
