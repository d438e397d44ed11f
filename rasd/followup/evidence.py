"""What an evidence file may be: a document or an image of an accepted type, no bigger than the limit.

The type is read from the file's content (its signature), not trusted from its name or from the browser; the name's
extension must agree with the content, so "report.pdf" that is really a program is refused.
"""

import unicodedata

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension → (content type, how people call it)
ACCEPTED = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument (ODT)"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument (ODS)"),
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
    "jpeg": ("image/jpeg", "JPEG"),
}


def accepted_types() -> str:
    return ", ".join(dict.fromkeys(label for _type, label in ACCEPTED.values()))


def display_name(name: str) -> str:
    """The uploaded name as shown to people: no path, no control or bidi-override characters, at most 255 chars."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    return name.strip()[:255] or "evidence"


def evidence_check(file) -> str:
    """The content type of an acceptable evidence file; ``ValidationError`` saying what is wrong otherwise."""
    name = display_name(file.name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        raise ValidationError(
            _("“%(name)s” is not an accepted type of evidence file. Accepted types: %(types)s.")
            % {"name": name, "types": accepted_types()},
            code="type",
        )
    limit = settings.RASD_EVIDENCE_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; an evidence file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="size",
        )
    if file.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    content_type = ACCEPTED[extension][0]
    found = filetype.guess(head)
    if found is None or found.mime != content_type:
        raise ValidationError(
            _("“%(name)s” does not contain what its name says (%(type)s): the file is damaged or of another type.")
            % {"name": name, "type": ACCEPTED[extension][1]},
            code="content",
        )
    return content_type
