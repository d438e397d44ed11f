"""A progress report or a draft to a mechanism as PDF: HTML (``reports/pdf/document.html``) laid out by WeasyPrint.

Arabic is shaped and ordered by Pango (HarfBuzz and FriBidi) under WeasyPrint: the page is ``dir="rtl" lang="ar"``,
each user text takes its own direction, and symbols and numbers inside Arabic sentences are isolated
(``parts.isolated``). The fonts are the project's (``rasd/reports/fonts``, through ``pdf.css``), and WeasyPrint may
read nothing but them: no URL of a document can make the server fetch anything.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.template.loader import render_to_string

from rasd.reports.documents.parts import Document

HERE = Path(__file__).resolve().parent
STYLESHEET = HERE / "pdf.css"
FONTS = HERE.parent / "fonts"


def _fetch_fonts_only(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    allowed = FONTS.as_uri() + "/"
    if not url.startswith(allowed) or ".." in url[len(allowed) :]:
        raise ValueError(f"not fetched: {url}")
    return default_url_fetcher(url, *args, **kwargs)


# A slash inside a UN symbol (A/HRC/36/6, CAT/C/MAR/CO/4): the line may not break after it.
_SYMBOL_SLASH = re.compile(r"(?<=[A-Z])/(?=[A-Z0-9])")
WORD_JOINER = "\u2060"


def html_render(document: Document) -> str:
    html = render_to_string(
        "reports/pdf/document.html", {"document": document, "dir": "rtl" if document.language == "ar" else "ltr"}
    )
    return _SYMBOL_SLASH.sub("/" + WORD_JOINER, html)


def document_render(document: Document):
    """``document`` laid out in pages (a WeasyPrint document)."""
    # Imported here: WeasyPrint loads Pango when imported, which only the worker needs.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=_fetch_fonts_only)
    html = HTML(string=html_render(document), base_url=FONTS.as_uri() + "/", url_fetcher=_fetch_fonts_only)
    return html.render(stylesheets=[stylesheet], font_config=fonts)


def document_write(document: Document, file: str | IO[bytes], *, each: Callable[[float], None]) -> int:
    """Write ``document`` as PDF into ``file``; return its number of pages."""
    rendered = document_render(document)
    each(0.7)
    rendered.write_pdf(file)
    return len(rendered.pages)
