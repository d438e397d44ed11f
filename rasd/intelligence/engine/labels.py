"""Label spellings: from the shared data files' spellings to the product's codes, and back to names.

The product stores labels as codes (``Theme.code`` for UPR Info issues, "1".."5" for the action category, the SDG
goal number "16", the SDG target code "16.3", ``NationalAxis.code`` — "3" for an axis, "3.2" for its second
sub-axis — ``Institution.code``, ``AffectedPerson.code``, the UHRI name of the group, and ``Theme.code`` of the
``uhri`` vocabulary, the UHRI name of the theme). Labelled files spell them as their sources do: UPR Info issue names
comma-joined, Moroccan ids or French labels ``;``-joined, OHCHR SDG cells such as "16.3 - Promote the rule of law"
or "16 - PEACE, JUSTICE AND STRONG INSTITUTIONS", UHRI affected persons (older spellings included: "Migrants &
domestic workers", now "Migrants") and UHRI themes (older spellings included: "B31 Equality & non-discrimination",
now "Equality & non-discrimination") joined with `` | ``.
``Vocabulary.code_of`` reads all of them.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]
DATA_DIR = BASE_DIR / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DIDH_DIR = DATA_DIR / "demo" / "didh_morocco"

# The separator of multi-label cells in each task's usual file (evaluate's default for --label-separator).
SEPARATORS = {
    "upr-issues": ",",
    "action-category": ",",
    "sdg-goals": " | ",
    "sdg-targets": " | ",
    "national-axes": ";",
    "institutions": ";",
    "affected-persons": " | ",
    "uhri-themes": " | ",
}
# The reference file of each UHRI vocabulary: code (UHRI's name today), names in three languages, older spellings.
UHRI_REFERENCE = {"affected-persons": "uhri_affected_persons.csv", "uhri-themes": "uhri_themes.csv"}
SDG_CELL = re.compile(r"^\s*(?:-\s*)?(?:(?:SDG|Goal|Target)\s*)?(\d{1,2})(?:\.(\w{1,2}))?\b", re.IGNORECASE)


class UnknownLabel(ValueError):
    """A label spelling that no code of the task's vocabulary answers to."""

    def __init__(self, task: str, spelling: str):
        super().__init__(f"{spelling!r} is not a label of {task}")
        self.task, self.spelling = task, spelling


def slug(value: str) -> str:
    """Institution codes are made from the entity's French label as Django's ``slugify`` makes them: ASCII, lower
    case, words joined by hyphens (the DIDH import, ``rasd/imports/sources/didh.py``), cut at 60 characters."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")[:60]


def _key(spelling: str) -> str:
    """How spellings are compared: case, accents, harakat, punctuation and spacing do not matter (any script)."""
    decomposed = unicodedata.normalize("NFKD", spelling.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Vocabulary:
    """The codes of one task with their names, and every spelling that stands for each code."""

    task: str
    names: dict[str, str] = field(default_factory=dict)  # code → a readable name (English or French)
    spellings: dict[str, str] = field(default_factory=dict)  # _key(spelling) → code
    ids: dict[str, str] = field(default_factory=dict)  # a source's numeric id → code

    def add(self, code: str, name: str, *others: str) -> None:
        self.names.setdefault(code, name)
        for spelling in (code, name, *others):
            if spelling and spelling.strip():
                self.spellings.setdefault(_key(spelling), code)

    def code_of(self, spelling: str) -> str:
        """The code a file's spelling stands for (code, id, name in any of its languages); ``UnknownLabel`` if none."""
        spelling = spelling.strip()
        if spelling in self.ids:
            return self.ids[spelling]
        if spelling in self.names:
            return spelling
        if self.task in ("sdg-goals", "sdg-targets") and (m := SDG_CELL.match(spelling)):
            goal, target = m.group(1), m.group(2)
            if self.task == "sdg-goals" and str(int(goal)) in self.names:
                return str(int(goal))
            if target and f"{int(goal)}.{target.lower()}" in self.names:
                return f"{int(goal)}.{target.lower()}"
        code = self.spellings.get(_key(spelling))
        if code is None:
            raise UnknownLabel(self.task, spelling)
        return code

    def code_or_own(self, spelling: str) -> str:
        """The code ``spelling`` stands for, or the spelling itself where the vocabulary knows none: a record an
        import brought that the reference file does not list is a label of its own."""
        try:
            return self.code_of(spelling)
        except UnknownLabel:
            return spelling.strip()

    def codes_of(self, cell: str, separator: str) -> list[str]:
        """The codes of a multi-label cell (empty items skipped, order kept, each code once)."""
        return list(dict.fromkeys(self.code_of(item) for item in cell.split(separator) if item.strip()))


def vocabulary(task: str) -> Vocabulary:
    """The label vocabulary of ``task``, read from the project's reference files."""
    v = Vocabulary(task)
    if task == "upr-issues":
        for row in _rows(REFERENCE_DIR / "upr_info_issues.csv"):
            v.add(row["issue"], row["issue"])
    elif task == "action-category":
        names = {
            "1": "Minimal action (sharing information, seeking help)",
            "2": "Continuing action",
            "3": "Considering action",
            "4": "General action",
            "5": "Specific action",
        }
        for code, name in names.items():
            v.add(code, name)
    elif task == "sdg-goals":
        for row in _rows(REFERENCE_DIR / "sdg_goals.csv"):
            v.add(
                row["id"],
                row["short_en"],
                *(row[f"{k}_{lang}"] for k in ("short", "title") for lang in "en fr ar".split()),
            )
    elif task == "sdg-targets":
        for row in _rows(REFERENCE_DIR / "sdg_targets.csv"):
            v.add(row["id"], row["title_en"], row["title_fr"], row["title_ar"])
    elif task == "national-axes":
        for row in _rows(DIDH_DIR / "axes.csv"):
            v.add(row["Id"], row["Label"], row["LabelAr"], row["Abv"], row["AbvAr"])
            v.ids[row["Id"]] = row["Id"]
        per_axis: dict[str, int] = {}
        for row in _rows(DIDH_DIR / "sous_axes.csv"):
            per_axis[row["IdAxe"]] = per_axis.get(row["IdAxe"], 0) + 1
            code = f"{row['IdAxe']}.{per_axis[row['IdAxe']]}"
            v.add(code, row["Label"], row["LabelAr"])
            # Sub-axis ids of the files are numbered over all axes ("28"); "sub:" keeps them apart from axis ids.
            v.ids[f"sub:{row['Id']}"] = code
    elif task == "institutions":
        for row in _rows(DIDH_DIR / "organismes_gov_entities.csv"):
            code = slug(row["Label"]) or f"entity-{row['Id']}"
            v.add(code, row["Label"], row["LabelAr"])
            v.ids[row["Id"]] = code
    elif task in UHRI_REFERENCE:
        for row in _rows(REFERENCE_DIR / UHRI_REFERENCE[task]):
            others = [s for s in row["spellings"].split(" | ") if s.strip()]
            v.add(row["code"], row["name_en"], row["name_fr"], row["name_ar"], *others)
    else:
        raise ValueError(f"unknown task {task!r}")
    return v


def uhri_names(task: str) -> dict[str, dict[str, str]]:
    """Each code of a UHRI vocabulary (``UHRI_REFERENCE``: affected persons, themes) with its names, as the fields of
    its record (``AffectedPerson``, a ``Theme`` of the ``uhri`` vocabulary): ``name_en`` (UHRI's), ``name_fr`` and
    ``name_ar``."""
    return {
        row["code"]: {f"name_{lang}": row[f"name_{lang}"] for lang in ("en", "fr", "ar")}
        for row in _rows(REFERENCE_DIR / UHRI_REFERENCE[task])
    }


def parent(code: str) -> str:
    """The axis of a sub-axis code ("3.2" → "3"); an axis is its own."""
    return code.split(".", 1)[0]
