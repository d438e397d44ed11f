"""The review queue's filters, read from the query string (the queue page) or from the bulk form's hidden fields
(the same filter, posted back), so that "accept all shown" decides exactly what the coordinator saw."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from rasd.followup.forms import StyledForm
from rasd.intelligence.models import Suggestion
from rasd.intelligence.selectors import CONFIDENCE_STEPS, label_names, suggestion_labels_pending
from rasd.mechanisms.models import Mechanism

# A label is chosen as "<task>:<code>": the same code can mean two things ("1": an action category, an SDG goal).
LABEL_SEPARATOR = ":"


def percent(value: float) -> str:
    """``value`` (0..1) as a whole percentage, written as the active language writes one (90%, 90 %, ٩٠٪)."""
    return pgettext("percentage", "%(number)s%%") % {"number": round(value * 100)}


class SuggestionFilterForm(StyledForm):
    """Which pending suggestions the review queue shows. A value the form does not know drops that filter, never
    the page."""

    task = forms.ChoiceField(label=_("Task"), required=False)
    # Not a ChoiceField: a label whose last suggestion was just decided still filters (to nothing), rather than
    # dropping the filter and widening the list.
    label = forms.CharField(label=_("Label"), required=False, widget=forms.Select)
    min_confidence = forms.ChoiceField(label=_("Confidence"), required=False)
    mechanism = forms.ModelChoiceField(
        label=_("Mechanism"), queryset=Mechanism.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, data):
        super().__init__(data)
        task = data.get("task", "") if data else ""
        task = task if task in Suggestion.Task.values else ""
        self.fields["task"].choices = [("", _("All tasks")), *Suggestion.Task.choices]
        labels = suggestion_labels_pending(task=task)
        names = label_names((t, code) for t, code, _count in labels)
        groups: dict[str, list[tuple[str, str]]] = {}
        for t, code, count in labels:
            groups.setdefault(t, []).append((f"{t}{LABEL_SEPARATOR}{code}", f"{names[t, code]} ({count})"))
        task_names = dict(Suggestion.Task.choices)
        chosen = data.get("label", "") if data else ""
        chosen_task, _sep, chosen_code = chosen.partition(LABEL_SEPARATOR)
        if chosen_task in task_names and chosen_code and (chosen_task, chosen_code) not in names:
            name = label_names([(chosen_task, chosen_code)])[chosen_task, chosen_code]
            groups.setdefault(chosen_task, []).append((chosen, f"{name} (0)"))
        self.fields["label"].widget.choices = [
            ("", _("All labels")),
            *((task_names[t], sorted(options, key=lambda o: o[1])) for t, options in groups.items()),
        ]
        self.fields["min_confidence"].choices = [
            ("", _("Any confidence")),
            *((str(step), _("At least %(percent)s") % {"percent": percent(step)}) for step in CONFIDENCE_STEPS),
        ]
        self.fields["mechanism"].queryset = Mechanism.objects.filter(recommendations__isnull=False).distinct()
        self.fields["mechanism"].empty_label = _("All mechanisms")

    def clean_label(self) -> str:
        value = self.cleaned_data["label"]
        task, _sep, code = value.partition(LABEL_SEPARATOR)
        if value and (task not in Suggestion.Task.values or not code):
            raise forms.ValidationError(_("Choose a label from the list."))
        return value

    def filters(self) -> dict:
        """The keyword arguments of ``suggestions_pending`` for what was chosen (a value not understood is left
        out: check ``is_valid()`` first where that matters)."""
        self.is_valid()
        data = self.cleaned_data
        task = data.get("task") or ""
        label = ""
        if data.get("label"):
            label_task, label = data["label"].split(LABEL_SEPARATOR, 1)
            task = task or label_task
            if label_task != task:
                label = "\0"  # a label of another task than the one chosen: nothing matches both
        mechanism = data.get("mechanism")
        return {
            "task": task,
            "label": label,
            "min_confidence": float(data["min_confidence"]) if data.get("min_confidence") else None,
            "mechanism": mechanism.code if mechanism else "",
        }

    def chosen(self) -> list[tuple[str, str]]:
        """(field label, what was chosen) for each filter in use, as the lists name them."""
        self.is_valid()
        shown = []
        for name, field in self.fields.items():
            value = self.data.get(name)
            if not value or name in self.errors:
                continue
            if name == "mechanism":
                shown.append((field.label, str(self.cleaned_data[name])))
                continue
            if name == "label":  # the name alone: the count beside it in the list is of every confidence
                task, code = value.split(LABEL_SEPARATOR, 1)
                shown.append((field.label, str(label_names([(task, code)])[task, code])))
                continue
            options = {}
            for key, option in field.widget.choices:
                if isinstance(option, (list, tuple)):
                    options.update(option)
                else:
                    options[key] = option
            shown.append((field.label, str(options.get(value, value))))
        return shown
