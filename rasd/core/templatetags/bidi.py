"""User text is isolated wherever it is shown, so that a direction control typed into it (U+202E RIGHT-TO-LEFT
OVERRIDE, an unclosed isolate) ends with it and cannot reorder the text around it. In HTML, the element showing it
carries ``dir="auto"`` or is a ``<bdi>``; where no element can go (a page's ``<title>``), this filter does the same
with Unicode's own isolate characters."""

from django import template

register = template.Library()

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


@register.filter
def isolated(value) -> str:
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"
