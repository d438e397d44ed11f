from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code, as typed: spaces are ignored."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "dir": "ltr"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()
