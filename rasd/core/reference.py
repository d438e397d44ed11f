"""Reference data every installation starts with: states, SDG goals and targets, the UN mechanisms,
UPR Info issues, the coordinating body and the UN agencies. Sources are noted in data/SOURCES.md.

Loading is idempotent: it creates what is missing and refreshes names, so it can run on every start.
"""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from rasd.institutions.models import Institution
from rasd.mechanisms.models import Mechanism
from rasd.recommendations.models import SdgGoal, SdgTarget, Theme
from rasd.states.models import State

REFERENCE_DIR = Path(settings.BASE_DIR) / "data" / "reference"


def _rows(name: str) -> list[dict]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _target_sort_key(code: str) -> int:
    suffix = code.split(".", 1)[1]
    return int(suffix) if suffix.isdigit() else 100 + ord(suffix[0])  # 1.1 … 1.7, then 1.a, 1.b


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Create or refresh the reference tables; returns the number of rows of each."""
    aliases: dict[str, list[str]] = {}
    for row in _rows("state_aliases.csv"):
        aliases.setdefault(row["iso3"], []).append(row["alias"])
    for row in _rows("states.csv"):
        iso3 = row["ISO3166-1-Alpha-3"]
        if not iso3:
            continue
        other = [
            row["UNTERM English Short"],
            row["UNTERM French Short"],
            row["UNTERM English Formal"],
            row["UNTERM French Formal"],
            row["UNTERM Arabic Short"],
            *aliases.get(iso3, []),
        ]
        State.objects.update_or_create(
            iso3=iso3,
            defaults=dict(
                iso2=row["ISO3166-1-Alpha-2"],
                m49=int(row["M49"]) if row["M49"].isdigit() else None,
                name_en=row["official_name_en"] or row["UNTERM English Short"],
                name_fr=row["official_name_fr"] or row["UNTERM French Short"],
                name_ar=row["official_name_ar"] or row["UNTERM Arabic Short"],
                region=row["Region Name"],
                aliases="\n".join(dict.fromkeys(a.strip() for a in other if a.strip())),
            ),
        )
    goals = {}
    for row in _rows("sdg_goals.csv"):
        goals[row["id"]], _ = SdgGoal.objects.update_or_create(
            number=int(row["id"]),
            defaults={
                f"{kind}_{lang}": row[f"{kind}_{lang}"] for kind in ("short", "title") for lang in ("ar", "fr", "en")
            },
        )
    for row in _rows("sdg_targets.csv"):
        SdgTarget.objects.update_or_create(
            code=row["id"],
            defaults=dict(
                goal=goals[row["id"].split(".")[0]],
                position=_target_sort_key(row["id"]),
                title_ar=row["title_ar"],
                title_fr=row["title_fr"],
                title_en=row["title_en"],
            ),
        )
    for row in _rows("mechanisms.csv"):
        Mechanism.objects.update_or_create(
            code=row["code"],
            defaults=dict(kind=row["kind"], name_en=row["name_en"], name_fr=row["name_fr"], name_ar=row["name_ar"]),
        )
    for row in _rows("upr_info_issues.csv"):
        # The issue is both the code and the English name; only the names are refreshed, so an install made before
        # the French and Arabic names existed gets them on its next load, and its links to recommendations stay.
        Theme.objects.update_or_create(
            vocabulary=Theme.Vocabulary.UPR_INFO,
            code=row["issue"],
            defaults={"name_en": row["issue"], "name_fr": row["name_fr"], "name_ar": row["name_ar"]},
        )
    for row in _rows("institutions.csv"):
        Institution.objects.update_or_create(
            code=row["code"],
            defaults=dict(
                type=row["type"],
                short_name_en=row["short_name_en"],
                short_name_fr=row["short_name_en"],
                name_en=row["name_en"],
                name_fr=row["name_fr"],
                name_ar=row["name_ar"],
            ),
        )
    return {
        "states": State.objects.count(),
        "sdg_goals": SdgGoal.objects.count(),
        "sdg_targets": SdgTarget.objects.count(),
        "mechanisms": Mechanism.objects.count(),
        "institutions": Institution.objects.count(),
    }
