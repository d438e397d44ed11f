"""A progress report or a draft to a mechanism as a Word document (python-docx).

Right to left in Arabic: each Arabic paragraph carries ``w:bidi`` (a right-to-left paragraph, aligned on the right);
the runs of Arabic letters carry ``w:rtl``, and the runs of Latin letters and digits do not, so that a symbol
(A/HRC/36/6) or a number keeps its order inside an Arabic sentence. Fonts are named for both scripts (``w:rFonts``
ascii/hAnsi for Latin, cs for Arabic): Noto Sans and Noto Naskh Arabic, shipped in ``rasd/reports/fonts``. A text
written by a user in another direction than the document's (French in an Arabic report) gets a paragraph of its own
direction.

Paragraphs that are notes for the drafters (not part of the report, not counted as words) have the style
``NOTE_STYLE``.
"""

import re
from collections.abc import Callable
from typing import IO

from django.utils.translation import gettext as _
from docx import Document as new_document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from rasd.reports.documents.parts import Document, direction

LATIN_FONT, ARABIC_FONT = "Noto Sans", "Noto Naskh Arabic"
NOTE_STYLE = "Rasd note"
# Arabic letters (and the Arabic comma, semicolon, question mark and tatweel) with the spaces between them: one run
# marked right to left. Everything else (Latin, digits, punctuation) goes in runs of its own.
_ARABIC_RUN = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
    r"(?:[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff\s]*"
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff])?"
)


def _fonts(element, *, size: float | None = None) -> None:
    """Name both scripts' fonts (and the size of Arabic text, ``w:szCs``) on a style's or a run's properties."""
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute, name in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:cs", ARABIC_FONT)):
        fonts.set(qn(attribute), name)
    # The template's styles name theme fonts (Calibri, Times New Roman for Arabic), which win over named ones.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            element_size = properties.find(qn(tag))
            if element_size is None:
                element_size = OxmlElement(tag)
                properties.append(element_size)
            element_size.set(qn("w:val"), str(int(size * 2)))


class _Writer:
    def __init__(self, language: str):
        self.language = language
        self.document = new_document()
        styles = self.document.styles
        normal = styles["Normal"]
        _fonts(normal.element, size=11)
        language_tag = OxmlElement("w:lang")
        normal.element.get_or_add_rPr().append(language_tag)
        language_tag.set(qn("w:val"), {"ar": "ar-MA", "fr": "fr-FR"}.get(language, "en-GB"))
        language_tag.set(qn("w:bidi"), "ar-MA")
        for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
            _fonts(styles[name].element)
        # The template's title is letter-spaced, which pulls joined Arabic letters apart; Arabic has no italics.
        spacing = styles["Title"].element.get_or_add_rPr().find(qn("w:spacing"))
        if spacing is not None:
            spacing.getparent().remove(spacing)
        if language == "ar":
            styles["Subtitle"].font.italic = False
            slanted = styles["Subtitle"].element.get_or_add_rPr().find(qn("w:iCs"))  # italics of Arabic text
            if slanted is not None:
                slanted.getparent().remove(slanted)
        note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        note.font.size = Pt(9)
        note.font.italic = language != "ar"
        note.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    def paragraph(
        self, text: str, *, style: str | None = None, user_text: bool = False, bold: bool = False, container=None
    ):
        """A paragraph in the document's direction, or in the text's own when it is a user's text; added to the
        document, or to ``container`` (a table cell)."""
        paragraph = (container or self.document).add_paragraph(style=style)
        document_direction = "rtl" if self.language == "ar" else "ltr"
        text_direction = direction(text, document_direction) if user_text else document_direction
        if text_direction == "rtl":
            # A right-to-left paragraph, aligned at its start: on the right. (Not w:jc="right": in a w:bidi paragraph
            # Word and LibreOffice read left and right from the paragraph's start, and "right" would align it left.)
            paragraph._p.get_or_add_pPr().insert(0, OxmlElement("w:bidi"))
        position = 0
        for match in _ARABIC_RUN.finditer(text):
            if match.start() > position:
                self._run(paragraph, text[position : match.start()], rtl=False, bold=bold)
            self._run(paragraph, match.group(), rtl=True, bold=bold)
            position = match.end()
        if position < len(text):
            self._run(paragraph, text[position:], rtl=False, bold=bold)
        return paragraph

    def _run(self, paragraph, text: str, *, rtl: bool, bold: bool):
        run = paragraph.add_run(text)
        _fonts(run._r)
        if rtl:
            run.font.rtl = True
            if bold:
                run._r.get_or_add_rPr().append(OxmlElement("w:bCs"))
        if bold:
            run.bold = True

    def table(self, rows: list[tuple[str, str]], headers: tuple[str, str]):
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        if self.language == "ar":
            # The table itself right to left: its first column on the right.
            table._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
        for index, cells in enumerate([headers, *rows]):
            row = table.add_row().cells
            for cell, value in zip(row, cells, strict=True):
                # A new cell has one empty paragraph: replaced by one in the right direction.
                cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
                self.paragraph(str(value), bold=index == 0, container=cell)
        return table


def document_write(document: Document, file: str | IO[bytes], *, each: Callable[[float], None]) -> None:
    """Write ``document`` as DOCX into ``file``; ``each(fraction)`` follows the sections written."""
    writer = _Writer(document.language)
    writer.paragraph(document.title, style="Title")
    writer.paragraph(document.subtitle, style="Subtitle")
    for note in document.notes:
        writer.paragraph(note, style=NOTE_STYLE)
    if document.is_draft:
        if document.word_count_note:
            writer.paragraph(document.word_count_note, style=NOTE_STYLE, bold=True)
        total = max(len(document.groups), 1)
        for index, group in enumerate(document.groups, start=1):
            writer.paragraph(group.title, style="Heading 1", user_text=True)
            writer.paragraph(group.citation, style="Heading 3")
            for text in group.paragraphs:
                writer.paragraph(text, user_text=True)
            each(index / total)
        writer.document.save(file)
        return
    writer.paragraph(document.counts_title, style="Heading 1")
    writer.table(document.counts, headers=(_("Implementation status"), _("Recommendations")))
    total = max(len(document.recommendations), 1)
    for index, entry in enumerate(document.recommendations, start=1):
        writer.paragraph(f"{entry.label} ({entry.source})", style="Heading 2")
        writer.paragraph(entry.text, user_text=True)
        writer.paragraph(_("Implementation status: %(status)s") % {"status": entry.status}, bold=True)
        for line in entry.lines:
            writer.paragraph(line)
        if entry.updates:
            writer.paragraph(_("Validated progress"), style="Heading 3")
            for update in entry.updates:
                writer.paragraph(update.heading, bold=True)
                writer.paragraph(update.text, user_text=True)
        else:
            writer.paragraph(_("No validated progress yet."), style=NOTE_STYLE)
        if index % 20 == 0:
            each(index / total)
    writer.document.save(file)
