from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from rasd.imports.models import ImportSource

EXTENSIONS = {
    ImportSource.DIDH: {".zip"},
    ImportSource.UPR_INFO: {".csv"},
    ImportSource.UHRI: {".xlsx", ".csv"},
}


class ImportForm(forms.Form):
    source = forms.ChoiceField(label=_("Format"), choices=ImportSource.choices)
    file = forms.FileField(label=_("File"))

    def clean(self):
        cleaned = super().clean()
        upload, source = cleaned.get("file"), cleaned.get("source")
        if upload and source:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in EXTENSIONS[source]:
                self.add_error(
                    "file",
                    _("This format takes %(allowed)s files, not “%(suffix)s”.")
                    % {"allowed": ", ".join(sorted(EXTENSIONS[source])), "suffix": suffix or "—"},
                )
            if upload.size > settings.RASD_IMPORT_MAX_BYTES:
                self.add_error(
                    "file",
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.RASD_IMPORT_MAX_BYTES)},
                )
            if upload.size == 0:
                self.add_error("file", _("The file is empty."))
        return cleaned
