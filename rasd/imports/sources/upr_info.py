"""UPR Info's database of UPR recommendations and voluntary pledges, as one CSV (or XLSX) file.

Columns: ``source_file, row_in_file, kind, group_id, To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org,
Response, Action, Issue, Session``; ``To, Text, From, Response, Action, Issue, Session`` are required. One row is
one recommendation from one recommending State (From) to one State under review (To), or a voluntary pledge of To.

Each row is matched on its key: ``<source_file>:<row_in_file>`` (its place in UPR Info's own export) when the file
has both columns filled, else ``row:<spreadsheet row number>``. The second form only stays stable while rows are
not inserted or removed above a row, so keep ``source_file`` and ``row_in_file`` when editing the file.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from rasd.imports.errors import ErrorCollector
from rasd.imports.records import Batch, NamedSpec, RecommendationRecord, ReviewKey, batch_write
from rasd.imports.tabular import read_table
from rasd.mechanisms.models import Mechanism
from rasd.mechanisms.upr import SESSION_YEARS, session_cycle
from rasd.recommendations.models import ImplementationStatus, Position, Recommendation, Theme
from rasd.states.selectors import state_name_index, state_name_key

MECHANISM = "UPR"
REQUIRED = ["To", "Text", "From", "Response", "Action", "Issue", "Session"]
KINDS = {Recommendation.Kind.RECOMMENDATION.value, Recommendation.Kind.VOLUNTARY_PLEDGE.value}
VOLUNTARY_PLEDGE = "Voluntary Pledge"
RESPONSES = {"Accepted": Position.SUPPORTED.value, "Noted": Position.NOTED.value, VOLUNTARY_PLEDGE: ""}
# UPR Info writes an unattributed recommendation's From as "(Unknown)", sometimes HTML-escaped.
UNKNOWN_STATE = {"(Unknown)", "&#40;Unknown&#41;"}

PROGRESS_EVERY = 1000


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _integer(value) -> int | None:
    """A whole number from a CSV string or an XLSX number; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if text.isdecimal() else None  # isdigit() would let "²" through to int()


def parse(path: Path | str | bytes, *, name: str = "", progress=None) -> Batch:
    """Read and check the whole file into a ``Batch``; the database is only read (states, issues).

    Raises ``ImportRejected`` naming every wrong row (up to the report's limit) if any row is wrong.
    """
    table = read_table(path, name=name, required=REQUIRED, keys=("source_file", "row_in_file"))
    has_kind = "kind" in table.columns

    known_names = state_name_index()
    # A file names the same ~200 states thousands of times: normalise each spelling once.
    iso3_of: dict[str, str | None] = {}

    def state_of(spelling: str) -> str | None:
        if spelling not in iso3_of:
            iso3_of[spelling] = known_names.get(state_name_key(spelling))
        return iso3_of[spelling]

    issues = set(Theme.objects.filter(vocabulary=Theme.Vocabulary.UPR_INFO).values_list("code", flat=True))
    allowed_responses = ", ".join(RESPONSES)
    allowed_kinds = ", ".join(sorted(KINDS))

    batch = Batch(source=Recommendation.Source.UPR_INFO)
    batch.mechanisms[MECHANISM] = NamedSpec(
        code=MECHANISM, kind=Mechanism.Kind.UPR, name_en="Universal Periodic Review"
    )
    errors = ErrorCollector()
    first_row_of_key: dict[str, int] = {}
    reviews: dict[tuple[str, int], ReviewKey] = {}  # (state, session) → the key its records share
    total = len(table.rows)

    for done, (row, values) in enumerate(table.rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
        source_file, row_in_file = (_text(values.get("source_file")), _text(values.get("row_in_file")))
        source_key = f"{source_file}:{row_in_file}" if source_file and row_in_file else f"row:{row}"
        if len(source_key) > 200:
            errors.add(
                row,
                "source_file",
                source_file,
                _("The file name is too long to identify the row (200 characters at most)."),
            )
        elif source_key in first_row_of_key:
            errors.add(
                row,
                "row_in_file",
                source_key,
                _("This row has the same source file and row number as row %(row)s.")
                % {"row": first_row_of_key[source_key]},
            )
        else:
            first_row_of_key[source_key] = row

        to_name = _text(values["To"])
        state = state_of(to_name)
        if state is None:
            errors.add(row, "To", to_name, _("Unknown state.") if to_name else _("The state under review is empty."))

        response = _text(values["Response"])
        if response not in RESPONSES:
            errors.add(row, "Response", response, _("Expected one of: %(values)s.") % {"values": allowed_responses})
        kind = _text(values.get("kind")) if has_kind else ""
        if not kind:
            kind = Recommendation.Kind.RECOMMENDATION
            if response == VOLUNTARY_PLEDGE:
                kind = Recommendation.Kind.VOLUNTARY_PLEDGE
        elif kind not in KINDS:
            errors.add(row, "kind", kind, _("Expected one of: %(values)s.") % {"values": allowed_kinds})
        elif (kind == Recommendation.Kind.VOLUNTARY_PLEDGE) != (response == VOLUNTARY_PLEDGE) and response in RESPONSES:
            errors.add(
                row,
                "Response",
                response,
                _("A voluntary pledge has the response “Voluntary Pledge”, and only a voluntary pledge has it."),
            )
        is_pledge = kind == Recommendation.Kind.VOLUNTARY_PLEDGE

        text = _text(values["Text"])
        if not text:
            errors.add(row, "Text", "", _("The recommendation has no text."))

        action = _integer(values["Action"])
        if action is None and _text(values["Action"]) == "" and is_pledge:
            pass  # UPR Info does not always rate the action a pledge announces
        elif action is None or not 1 <= action <= 5:
            errors.add(row, "Action", values["Action"], _("Expected a whole number from 1 to 5."))

        session = _integer(values["Session"])
        if session is None or session < 1:
            errors.add(
                row, "Session", values["Session"], _("Expected the number of a UPR Working Group session (1, 2, …).")
            )
            session = None
        year = SESSION_YEARS.get(session) if session else None

        recommending_states = set()
        from_name = _text(values["From"])
        if from_name not in UNKNOWN_STATE:
            from_state = state_of(from_name)
            if from_state is None:
                errors.add(
                    row,
                    "From",
                    from_name,
                    _("Unknown state.")
                    if from_name
                    else _("The recommending state is empty; write “(Unknown)” if it is not known."),
                )
            elif not (is_pledge and from_state == state):
                # A pledge is the reviewed state's own promise: it is not a recommendation the state made.
                recommending_states.add(from_state)

        themes = set()
        for issue in _text(values["Issue"]).split(","):
            issue = issue.strip()
            if not issue:
                continue
            if issue not in issues:
                errors.add(row, "Issue", issue, _("Unknown UPR Info issue."))
            else:
                themes.add((Theme.Vocabulary.UPR_INFO, issue))

        if errors.full:
            break
        if errors.errors:
            continue  # once the file is refused, records are not needed: only keep checking
        review = reviews.get((state, session))
        if review is None:
            review = reviews[state, session] = ReviewKey(
                mechanism=MECHANISM, state=state, cycle=session_cycle(session), session=session, year=year
            )
        batch.records.append(
            RecommendationRecord(
                row=row,
                source_key=source_key,
                state=state,
                mechanism=MECHANISM,
                review=review,
                values=dict(
                    kind=kind,
                    text_ar="",
                    text_fr="",
                    text_en=text,
                    original_language="en",
                    paragraph="",
                    code="",
                    position=RESPONSES[response],
                    date=None,
                    year=year,
                    action_category=action,
                    implementation_status=ImplementationStatus.NOT_STARTED,
                ),
                recommending_states=recommending_states,
                themes=themes,
            )
        )
    errors.raise_if_any()
    if progress:
        progress(total, total)
    return batch


def write(parsed: Batch, *, actor=None, label: str = "", progress=None):
    """Store a parsed file; runs inside the caller's transaction (see ``services.import_file``)."""
    return batch_write(parsed, actor=actor, label=label, progress=progress)
