"""The PANDDH demo plan: Morocco's national action plan for democracy and human rights, its 4 axes and 26
sub-axes (as objectives), from ``data/demo/panddh_morocco`` (source in data/SOURCES.md).

Loading is idempotent: it creates what is missing, records each creation in the history, and leaves a plan the
coordinator has since edited as it is. Its measures and any link to recommendations are not in the source data,
so none is made up: the coordinator adds them.
"""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from rasd.core.history import history_record
from rasd.core.models import HistoryEntry
from rasd.strategy.models import Objective, PlanAxis, StrategicPlan

PANDDH_DIR = Path(settings.BASE_DIR) / "data" / "demo" / "panddh_morocco"
SOURCE = "PANDDH demo data"
PANDDH = {
    "code": "panddh",
    "name_ar": "خطة العمل الوطنية في مجال الديمقراطية وحقوق الإنسان",
    "name_fr": "Plan d'action national en matière de démocratie et de droits de l'Homme (PANDDH)",
    "name_en": "National Action Plan for Democracy and Human Rights (PANDDH)",
    "start_year": 2018,
    "end_year": 2021,
}


def _rows(name: str) -> list[dict]:
    with open(PANDDH_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _created(model, **values):
    """The record with ``values``' keys, created (and its creation recorded) only when missing."""
    keys = {k: v for k, v in values.items() if k in ("code", "plan", "axis")}
    record = model.objects.filter(**keys).first()
    if record is not None:
        return record, False
    record = model.objects.create(**values)
    changes = {k: (None, getattr(v, "pk", v)) for k, v in values.items() if v not in ("", None)}
    history_record(instance=record, action=HistoryEntry.Action.CREATED, changes=changes, source=SOURCE)
    return record, True


@transaction.atomic
def panddh_load() -> int:
    """Create the PANDDH plan, its axes and objectives where missing; returns how many records were created."""
    created = 0
    plan, new = _created(StrategicPlan, **PANDDH)
    created += new
    axes = {}
    for position, row in enumerate(_rows("axes.csv"), start=1):
        axes[row["code"]], new = _created(
            PlanAxis,
            plan=plan,
            code=row["code"],
            position=position,
            name_ar=row["name_ar"],
            name_fr=row["name_fr"],
            name_en=row["name_en"],
        )
        created += new
    positions: dict[str, int] = {}
    for row in _rows("objectives.csv"):
        positions[row["axis"]] = positions.get(row["axis"], 0) + 1
        _objective, new = _created(
            Objective,
            axis=axes[row["axis"]],
            code=row["code"],
            position=positions[row["axis"]],
            name_ar=row["name_ar"],
            name_fr=row["name_fr"],
            name_en=row["name_en"],
        )
        created += new
    return created
