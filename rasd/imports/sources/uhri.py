"""The Excel (or CSV) export of the Universal Human Rights Index (uhri.ohchr.org): one row per recommendation.

Columns, spelled as OHCHR spells them: ``Text``, ``Countries Concerned``, ``Reccomending Body``, ``Document Symbol``,
``Themes``, ``Affected Persons``, ``Sdgs``, ``Document Publication Date``, ``UPR Reccomending States``,
``UPR Position``, ``Type``, ``OHCHR Annotation Id``, ``UPR Session``, ``Regions Concerned``, ``Recommending Regions``,
``Date of publication on UHRI``. Every list cell holds newline-separated items each prefixed ``- ``, and single
values carry the prefix too (``- Morocco``). The annotation id is OHCHR's stable key: importing a newer export
updates the records it already holds and keeps each changed field's previous value in the history.

Only what OHCHR publishes is written. Rasd's own fields (implementation status, national code, action category,
and the Arabic and French translations a coordinator adds) are never in a record's ``values``, so a re-import
leaves them as they are; new records take the model defaults.
"""

import datetime
import re
import uuid
from pathlib import Path

from django.utils.translation import gettext as _

from rasd.imports.errors import ErrorCollector
from rasd.imports.records import Batch, DocumentSpec, NamedSpec, RecommendationRecord, ReviewKey, batch_write
from rasd.imports.tabular import read_table
from rasd.mechanisms.models import Mechanism
from rasd.mechanisms.upr import session_cycle
from rasd.recommendations.models import Position, Recommendation, SdgGoal, SdgTarget, Theme
from rasd.states.selectors import state_name_index, state_name_key

TEXT = "Text"
COUNTRIES = "Countries Concerned"
BODY = "Reccomending Body"
SYMBOL = "Document Symbol"
THEMES = "Themes"
AFFECTED_PERSONS = "Affected Persons"
SDGS = "Sdgs"
DATE = "Document Publication Date"
RECOMMENDING_STATES = "UPR Reccomending States"
POSITION = "UPR Position"
TYPE = "Type"
ANNOTATION_ID = "OHCHR Annotation Id"
SESSION = "UPR Session"
PUBLISHED_ON_UHRI = "Date of publication on UHRI"
REQUIRED = [TEXT, COUNTRIES, BODY, SYMBOL, TYPE, ANNOTATION_ID]

KINDS = {
    "recommendations": Recommendation.Kind.RECOMMENDATION,
    "recommendation": Recommendation.Kind.RECOMMENDATION,
    "concerns/observations": Recommendation.Kind.OBSERVATION,
    "observations": Recommendation.Kind.OBSERVATION,
    "concerns": Recommendation.Kind.OBSERVATION,
}
POSITIONS = {
    "supported": Position.SUPPORTED,
    "noted": Position.NOTED,
    "pending": Position.PENDING,
    # A recommendation the state supported in part. Rasd has no such position: "pending" leaves the decision
    # to the coordinator instead of claiming a support or a refusal the state did not give.
    "supported/noted": Position.PENDING,
}
SPECIAL_PROCEDURE = re.compile(r"^(?:SR|WG|IE)\b")
# "49.The Committee…", "49. The Committee…", "144.12 Ratify…", "144.12. Ratify…"
NUMBERED = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3})?)(?:\.\s*|\s+)(?P<text>[^\d\s].*)$", re.DOTALL)
# "Rural women 49.The Committee…": a heading (no digits, no full stop) before the number, then a full stop and a
# sentence. Requiring both keeps a number inside an ordinary sentence from being taken for a paragraph number.
HEADED = re.compile(
    r"^(?P<heading>[^\d.\n]{1,200}?)\s*(?P<number>\d{1,3}(?:\.\d{1,3})?)\.\s*(?P<text>[A-Z“\"'‘(].*)$", re.DOTALL
)
SDG = re.compile(r"^(?P<code>\d{1,2}(?:\.(?:\d{1,2}|[a-z]))?)(?:\s*-.*)?$", re.DOTALL)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Dates outside these years are typing mistakes, not UN documents.
FIRST_YEAR, LAST_YEAR = 1945, 2100
MAX_CODE_CHARS = 200  # Mechanism.code, Theme.code, AffectedPerson.code


def _items(cell) -> list[str]:
    """The items of a list cell: one per line, without the ``- `` each one starts with."""
    if cell is None:
        return []
    items = []
    for line in str(cell).splitlines():
        line = line.strip()
        if line == "-" or line.startswith("- "):
            line = line[1:].strip()
        if line:
            items.append(line)
    return items


def _one(cell) -> str:
    items = _items(cell)
    return items[0] if items else ""


def _date(cell) -> datetime.date | None:
    """A date given as an Excel serial (number or text), an ISO date, or a spreadsheet date; None for an empty cell.

    Raises ValueError for anything else.
    """
    if cell is None or (isinstance(cell, str) and not _one(cell)):
        return None
    if isinstance(cell, datetime.datetime):
        value = cell.date()
    elif isinstance(cell, datetime.date):
        value = cell
    else:
        text = _one(cell) if isinstance(cell, str) else cell
        try:
            serial = float(text)
        except (TypeError, ValueError):
            value = datetime.datetime.fromisoformat(str(text)).date()
        else:
            if not 1 <= serial < 2_958_466:  # NaN, infinite, before the epoch or after 9999-12-31
                raise ValueError(text)
            # The fraction is the time of day; Excel's day 60 (29 February 1900) never existed, so the epoch is
            # 30 December 1899 for every date after it.
            value = EXCEL_EPOCH + datetime.timedelta(days=int(serial))
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(cell)
    return value


def _paragraph(text: str) -> tuple[str, str]:
    """(paragraph number, text) with any heading and the number removed; ("", text) when there is no number."""
    match = NUMBERED.match(text) or HEADED.match(text)
    if match is None:
        return "", text
    return match["number"], match["text"].strip()


def parse(path_or_bytes: Path | str | bytes, *, name: str = "", progress=None) -> Batch:
    """Read and check a UHRI export without writing anything.

    Raises ``ImportRejected`` naming every wrong row, column and value; otherwise returns the batch to write.
    """
    table = read_table(path_or_bytes, name=name, required=REQUIRED, keys=(ANNOTATION_ID,))
    errors = ErrorCollector()
    batch = Batch(source=Recommendation.Source.UHRI)
    states = state_name_index()
    mechanisms = {code.casefold(): code for code in Mechanism.objects.values_list("code", flat=True)}
    sdg_targets = set(SdgTarget.objects.values_list("code", flat=True))
    sdg_goals = {str(n) for n in SdgGoal.objects.values_list("number", flat=True)}
    seen_keys: set[str] = set()

    def state(row: int, column: str, state_name: str) -> str | None:
        iso3 = states.get(state_name_key(state_name))
        if iso3 is None:
            errors.add(row, column, state_name, _("Unknown state."))
        return iso3

    def code(row: int, column: str, item: str) -> bool:
        if len(item) > MAX_CODE_CHARS:
            errors.add(
                row, column, item, _("The name is longer than %(limit)s characters.") % {"limit": MAX_CODE_CHARS}
            )
            return False
        return True

    for done, (row, values) in enumerate(table.rows, start=1):
        raw_key = _one(values.get(ANNOTATION_ID))
        try:
            source_key = str(uuid.UUID(raw_key))
        except ValueError:
            errors.add(row, ANNOTATION_ID, raw_key, _("Not a valid annotation identifier (a UUID)."))
            source_key = ""
        if source_key in seen_keys:
            errors.add(row, ANNOTATION_ID, source_key, _("This identifier appears twice in the file."))
        elif source_key:
            seen_keys.add(source_key)

        countries = _items(values.get(COUNTRIES))
        iso3 = state(row, COUNTRIES, countries[0]) if countries else None
        if not countries:
            errors.add(row, COUNTRIES, "", _("No country is named."))

        # A recommendation addressed by several bodies at once is rare; it is filed under the first one.
        body = _one(values.get(BODY))
        if not body:
            errors.add(row, BODY, "", _("No recommending body is named."))
        elif body.casefold() in mechanisms:
            body = mechanisms[body.casefold()]
            if SPECIAL_PROCEDURE.match(body):
                batch.mechanisms[body] = NamedSpec(code=body, kind=Mechanism.Kind.SPECIAL_PROCEDURE, name_en=body)
        elif code(row, BODY, body):
            if body == "UPR":
                mechanism_kind = Mechanism.Kind.UPR
            elif SPECIAL_PROCEDURE.match(body):
                mechanism_kind = Mechanism.Kind.SPECIAL_PROCEDURE
            else:
                mechanism_kind = Mechanism.Kind.OTHER
            batch.mechanisms[body] = NamedSpec(code=body, kind=mechanism_kind, name_en=body)
            mechanisms[body.casefold()] = body

        paragraph, text = _paragraph(str(values.get(TEXT) or "").strip())
        if not text:
            errors.add(row, TEXT, "", _("The recommendation has no text."))

        type_ = _one(values.get(TYPE))
        kind = KINDS.get(type_.casefold())
        if kind is None:
            errors.add(row, TYPE, type_, _("Expected “Recommendations” or “Concerns/Observations”."))

        date = None
        for column in (DATE, PUBLISHED_ON_UHRI):
            try:
                parsed = _date(values.get(column))
            except ValueError:
                errors.add(
                    row,
                    column,
                    _one(values.get(column)),
                    _("Not a date: expected an Excel date number or a date such as 2023-03-15."),
                )
                continue
            if column == DATE:
                date = parsed
        year = date.year if date else None

        session = None
        raw_session = _one(values.get(SESSION))
        if raw_session:
            try:
                number = float(raw_session)
                if not number.is_integer() or number < 1:
                    raise ValueError(raw_session)
                session = int(number)
            except ValueError:
                errors.add(row, SESSION, raw_session, _("Expected a session number."))

        raw_position = _one(values.get(POSITION))
        if raw_position:
            position = POSITIONS.get(raw_position.casefold())
            if position is None:
                errors.add(row, POSITION, raw_position, _("Expected Supported, Noted or Pending."))
        elif body == "UPR" and kind == Recommendation.Kind.RECOMMENDATION:
            position = Position.PENDING  # not yet answered by the state
        else:
            position = ""

        if body == "UPR":
            review = ReviewKey(
                mechanism=body,
                state=iso3 or "",
                cycle=session_cycle(session) if session else None,
                session=session,
                year=year,
            )
        else:
            review = ReviewKey(mechanism=body, state=iso3 or "", year=year)
        symbol = _one(values.get(SYMBOL))
        if symbol:
            batch.documents.setdefault(symbol, DocumentSpec(symbol=symbol, review=review, date=date))

        record = RecommendationRecord(
            row=row,
            source_key=source_key,
            state=iso3 or "",
            mechanism=body,
            review=review,
            document=symbol,
            values=dict(
                kind=kind,
                text_en=text,
                original_language="en",
                paragraph=paragraph,
                position=position,
                date=date,
                year=year,
            ),
        )
        for state_name in _items(values.get(RECOMMENDING_STATES)):
            if recommending := state(row, RECOMMENDING_STATES, state_name):
                record.recommending_states.add(recommending)
        for theme in _items(values.get(THEMES)):
            if code(row, THEMES, theme):
                key = (Theme.Vocabulary.UHRI.value, theme)
                batch.themes.setdefault(key, NamedSpec(code=theme, kind=key[0], name_en=theme))
                record.themes.add(key)
        for group in _items(values.get(AFFECTED_PERSONS)):
            if code(row, AFFECTED_PERSONS, group):
                batch.affected_persons.setdefault(group, NamedSpec(code=group, name_en=group))
                record.affected_persons.add(group)
        for item in _items(values.get(SDGS)):
            match = SDG.match(item)
            target = match["code"] if match else None
            if target in sdg_targets:
                record.sdg_targets.add(target)
            elif target not in sdg_goals:  # a goal without a target says nothing a target would not: skipped
                errors.add(row, SDGS, item, _("Unknown SDG target."))
        batch.records.append(record)
        if errors.full:
            break
        if progress and done % 100 == 0:
            progress(done, len(table.rows))
    errors.raise_if_any()
    if progress:
        progress(len(table.rows), len(table.rows))
    return batch


def write(parsed: Batch, *, actor=None, label: str = "", progress=None):
    """Store a parsed export; runs inside the caller's transaction."""
    return batch_write(parsed, actor=actor, label=label, progress=progress)
