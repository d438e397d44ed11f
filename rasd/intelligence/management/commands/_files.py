"""What ``train``, ``suggest`` and ``evaluate`` share: the task option, reading a CSV file of texts (and labels)."""

import csv
from pathlib import Path

from django.core.management.base import CommandError

from rasd.intelligence.engine import TASKS
from rasd.intelligence.engine.labels import SEPARATORS, UnknownLabel, vocabulary
from rasd.semantic.engine import LANGUAGES, language_guess


def add_task_argument(parser) -> None:
    parser.add_argument("--task", required=True, choices=TASKS, help="what to classify")


def add_input_arguments(parser, *, labels: bool, required: bool = True) -> None:
    parser.add_argument("--input", required=required, type=Path, help="a CSV file (UTF-8) with a header row")
    parser.add_argument("--text-column", required=required, help="the column holding the texts")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        help="the language of every text (default: each text's own, from its script and common words)",
    )
    if labels:
        parser.add_argument("--label-column", required=required, help="the column holding each text's labels")
        parser.add_argument(
            "--label-separator",
            help="what joins several labels in a cell (default: as in the task's usual data: ',' for UPR Info, "
            "';' for the Moroccan set, ' | ' for SDGs, affected persons and UHRI themes)",
        )


def add_context_argument(parser) -> None:
    parser.add_argument(
        "--mechanism-column",
        help="a column holding each text's mechanism code as Rasd stores it (UPR, CEDAW, CRC, SR on torture…): the "
        "national-axes and institutions models read it beside the text",
    )


def contexts_of(rows: list[dict], column: str | None) -> list[dict] | None:
    """Each row's context for the classifiers (its mechanism), or None without a mechanism column."""
    if not column:
        return None
    return [{"mechanism": (row.get(column) or "").strip()} for row in rows]


def rows_read(path: Path, columns: list[str]) -> tuple[list[str], list[dict]]:
    """The header and rows of a CSV file; ``CommandError`` naming what is missing."""
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            missing = [c for c in columns if c not in header]
            if missing:
                raise CommandError(
                    f"{path}: no column {', '.join(repr(c) for c in missing)}; "
                    f"the columns are {', '.join(repr(c) for c in header) or 'none'}"
                )
            return header, list(reader)
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text: {exc}") from None
    except csv.Error as exc:
        raise CommandError(f"{path} is not a readable CSV file: {exc}") from None


def text_of(row: dict, column: str) -> str:
    """A row's text; the literal "null" some exports write for a missing text (the DIDH set) is no text."""
    text = (row.get(column) or "").strip()
    return "" if text.lower() == "null" else text


def languages_of(texts: list[str], language: str | None) -> list[str]:
    return [language or language_guess(t) for t in texts]


def gold_labels(task: str, rows: list[dict], column: str, separator: str | None) -> list[set[str]]:
    """Each row's labels as codes. A spelling that is not a label of the task stops the command with the row
    number (line of the file) and the spelling: a misspelt label would otherwise be silently counted as a miss."""
    vocab = vocabulary(task)
    separator = separator or SEPARATORS[task]
    # Moroccan sub-axis ids ("28") are numbered apart from axis ids ("3"): a sous_axe/sub-axis column means them.
    sub_axis_ids = task == "national-axes" and any(word in column.lower() for word in ("sous", "sub"))
    out = []
    for line, row in enumerate(rows, start=2):
        items = [i.strip() for i in (row.get(column) or "").split(separator) if i.strip()]
        try:
            out.append({vocab.code_of(f"sub:{i}" if sub_axis_ids and i.isdigit() else i) for i in items})
        except UnknownLabel as exc:
            raise CommandError(
                f"line {line}, column {column!r}: {exc.spelling!r} is not a label of {task} "
                f"(codes, ids or names as in the task's data; --label-separator is {separator!r})"
            ) from None
    return out
