"""The labelled examples each task learns from, read from the project's files (``data/``).

An ``Example`` is one text in one language with its label codes, and the group it belongs to: the texts of one group
(the French and Arabic versions of one DIDH recommendation, the same UPR text sent by several states) always fall
on the same side of a train/held-out split, so that no held-out text has a copy in training.
"""

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rasd.semantic.engine import text_prepare

from . import labels as labelling
from .features import context_tokens

UPR_INFO = labelling.DATA_DIR / "samples" / "upr_info_2008_2014.csv"
DIDH = labelling.DIDH_DIR / "recommendations.csv"
SLOVENIA = labelling.DATA_DIR / "training" / "upr_thematic_list_slovenia.csv"
AXIS_NAMES = "DIDH axes and sub-axes (names)"


@dataclass(frozen=True)
class Example:
    text: str
    language: str  # "ar", "fr" or "en"
    labels: tuple[str, ...]  # codes
    group: str
    source: str  # a short name of the data set, for the model card
    context: tuple[str, ...] = ()  # who made the recommendation: ``features.context_tokens``


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _clean(text: str) -> str:
    text = (text or "").strip()
    return "" if text == "null" else text


def text_group(text: str) -> str:
    """A group key for texts with no group of their own: identical texts (case, spacing, list markers and harakat
    aside, as ``rasd.semantic.engine.text_prepare`` reads them) are one group."""
    return hashlib.sha1(text_prepare(text).casefold().encode("utf-8")).hexdigest()[:12]


def upr_info(task: str, path: Path = UPR_INFO) -> list[Example]:
    """UPR Info rows (English): issues or action category. A text sent by several states is one example, its
    labels those of its first row (they agree on all but a handful of texts)."""
    vocab = labelling.vocabulary(task)
    seen, out = set(), []
    for row in _rows(path):
        text = _clean(row["Text"])
        group = text_group(text)
        if not text or group in seen:
            continue
        cell = row["Issue"] if task == "upr-issues" else row["Action"]
        codes = vocab.codes_of(cell, ",") if task == "upr-issues" else [vocab.code_of(cell)] if cell.strip() else []
        if codes:
            seen.add(group)
            out.append(Example(text, "en", tuple(codes), group, "UPR Info 2008–2014"))
    return out


def didh_mechanism_codes() -> dict[str, str]:
    """The special-procedure mandates of the DIDH files (their French names) → the mechanism codes the demo import
    gives them (``rasd/imports/sources/didh.py``)."""
    codes = {r["Id"]: r["code"] for r in _rows(labelling.DIDH_DIR / "special_procedures_en.csv")}
    return {
        r["Mandat"].strip(): codes[r["Id"]]
        for r in _rows(labelling.DIDH_DIR / "visites_special_procedures.csv")
        if r["Id"] in codes
    }


def didh_context(row: dict, mandates: dict[str, str]) -> tuple[str, ...]:
    """A DIDH row's mechanism as the product knows it once imported: "UPR", the treaty body, or the mandate's code."""
    kind = row["mechanisms"].strip()
    mechanism = (
        "UPR"
        if kind == "UPR"
        else row["treaty_bodies"].strip()
        if kind == "TB"
        else mandates.get(row["sp_mandates"].strip())
    )
    return context_tokens({"mechanism": mechanism})


def didh(task: str, path: Path = DIDH) -> list[Example]:
    """DIDH recommendations to Morocco: the French and the Arabic text of each, with its mechanism, and its national
    axes (axes and sub-axes) or responsible institutions."""
    vocab = labelling.vocabulary(task)
    mandates = didh_mechanism_codes()
    out = []
    for row in _rows(path):
        if task == "national-axes":
            codes = [vocab.code_of(i) for i in row["axe_ids"].split(";") if i.strip()]
            codes += [vocab.code_of(f"sub:{i.strip()}") for i in row["sous_axe_ids"].split(";") if i.strip()]
        else:
            codes = [vocab.code_of(i) for i in row["organisme_ids"].split(";") if i.strip()]
        codes = list(dict.fromkeys(codes))
        if not codes:
            continue
        for language in ("fr", "ar"):
            if text := _clean(row[f"text_{language}"]):
                context = didh_context(row, mandates)
                out.append(Example(text, language, tuple(codes), row["group_id"], "DIDH Morocco", context))
    return out


def didh_axis_names() -> list[Example]:
    """The names of the DIDH's axes and sub-axes in French and Arabic, each labelled with itself (and a sub-axis
    with its axis): what each label is about, in both languages (measured: +1.5 points of axis top-1)."""
    vocab = labelling.vocabulary("national-axes")
    out = []
    for row in _rows(labelling.DIDH_DIR / "axes.csv"):
        for language, column in (("fr", "Label"), ("ar", "LabelAr")):
            out.append(Example(row[column], language, (row["Id"],), f"reference:axis-{row['Id']}", AXIS_NAMES))
    for row in _rows(labelling.DIDH_DIR / "sous_axes.csv"):
        code = vocab.code_of(f"sub:{row['Id']}")
        for language, column in (("fr", "Label"), ("ar", "LabelAr")):
            example = Example(
                row[column], language, (labelling.parent(code), code), f"reference:sub-axis-{row['Id']}", AXIS_NAMES
            )
            out.append(example)
    return out


# The column of the Slovenia file that holds each task's labels.
SLOVENIA_COLUMNS = {"sdg-goals": "sdgs", "affected-persons": "affected_persons", "uhri-themes": "themes"}


def slovenia(task: str, path: Path = SLOVENIA) -> list[Example]:
    """OHCHR thematic lists for Slovenia (English) whose rows carry SDG goals, affected persons or UHRI themes
    (cycle 2 spells a theme with its older UHRI code, "B31 Equality & non-discrimination"). A row whose
    only group is "general" (cycle 2's word for a recommendation about everyone) is an example of the UHRI label
    "General"; cycles 3 and 4 leave such rows empty, and an empty row teaches nothing."""
    vocab = labelling.vocabulary(task)
    out = []
    for row in _rows(path):
        codes = vocab.codes_of(row[SLOVENIA_COLUMNS[task]], " | ")
        if codes and (text := _clean(row["text"])):
            out.append(Example(text, "en", tuple(codes), row["group_id"], "OHCHR UPR thematic lists, Slovenia"))
    return out


def sdg_texts(task: str) -> list[Example]:
    """The titles of the SDG goals and targets in Arabic, French and English, each labelled with its goal (or its
    target): examples of what each label is about in all three languages."""
    out = []
    for row in _rows(labelling.REFERENCE_DIR / "sdg_targets.csv"):
        code = row["id"] if task == "sdg-targets" else row["id"].split(".")[0]
        for language in ("ar", "fr", "en"):
            out.append(
                Example(row[f"title_{language}"], language, (code,), f"reference:target-{row['id']}", "SDG targets")
            )
    if task == "sdg-goals":
        for row in _rows(labelling.REFERENCE_DIR / "sdg_goals.csv"):
            for language in ("ar", "fr", "en"):
                text = f"{row[f'short_{language}']}: {row[f'title_{language}']}"
                out.append(Example(text, language, (row["id"],), f"reference:goal-{row['id']}", "SDG goals"))
    return out


def project_examples(task: str) -> list[Example]:
    """Everything the project's files teach about ``task``."""
    if task in ("upr-issues", "action-category"):
        return upr_info(task)
    if task == "national-axes":
        return didh(task) + didh_axis_names()
    if task == "institutions":
        return didh(task)
    if task == "sdg-goals":
        return slovenia(task) + sdg_texts(task)
    if task in ("affected-persons", "uhri-themes"):
        return slovenia(task)
    if task == "sdg-targets":
        return sdg_texts(task)
    raise ValueError(f"unknown task {task!r}")


def sources(examples: Iterable[Example]) -> list[dict]:
    """The model card's "training_data": each data set with its row count and languages."""
    by_source: dict[str, dict] = {}
    for e in examples:
        entry = by_source.setdefault(e.source, {"name": e.source, "rows": 0, "languages": []})
        entry["rows"] += 1
        if e.language not in entry["languages"]:
            entry["languages"].append(e.language)
    return list(by_source.values())
