"""The DIDH follow-up data set (Morocco): reference tables and recommendations, as CSV files in one folder or ZIP.

Files (UTF-8 CSV, the DIDH application's table exports): ``recommendations.csv`` (one row per distinct
recommendation: French and Arabic text, codes, mechanism, treaty body or special-procedure mandate, recommending
states, axes, sub-axes, responsible entities, status), ``axes.csv``, ``sous_axes.csv``,
``organismes_gov_entities.csv``, ``organes_treaty_bodies.csv``, ``visites_special_procedures.csv``,
``pays_countries_fr_ar.csv``; and the English names Rasd adds: ``special_procedures_en.csv`` (codes and names
of the mandates), ``organismes_en.csv`` and ``axes_en.csv``.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rasd.imports.errors import ErrorCollector, ImportRejected, RowError
from rasd.imports.records import Batch, DocumentSpec, NamedSpec, RecommendationRecord, ReviewKey, batch_write
from rasd.imports.tabular import Table, read_table
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Mechanism
from rasd.recommendations.models import ImplementationStatus, NationalAxis, Recommendation
from rasd.states.selectors import state_name_index, state_name_key

STATE = "MAR"
# Morocco's third UPR cycle: 27th session of the Working Group (May 2017), report A/HRC/36/6.
UPR_REVIEW = ReviewKey(mechanism="UPR", state=STATE, cycle=3, session=27, year=2017)
UPR_DOCUMENT = "A/HRC/36/6"

COLUMNS = {
    "recommendations.csv": [
        "group_id",
        "text_fr",
        "text_ar",
        "mechanisms",
        "codes",
        "treaty_bodies",
        "sp_mandates",
        "recommending_states_fr",
        "axe_ids",
        "sous_axe_ids",
        "organisme_ids",
        "etat",
        "annee",
    ],
    "axes.csv": ["Id", "Label", "LabelAr", "Abv", "AbvAr"],
    "sous_axes.csv": ["Id", "Label", "LabelAr", "IdAxe"],
    "organismes_gov_entities.csv": ["Id", "Label", "LabelAr", "Type"],
    "organes_treaty_bodies.csv": ["Id", "Label", "LabelAr", "Abv"],
    "visites_special_procedures.csv": ["Id", "Mandat", "MandatAr"],
    "special_procedures_en.csv": ["Id", "code", "name_en"],
    "organismes_en.csv": ["Id", "short_name_en", "name_en"],
    "axes_en.csv": ["Id", "kind", "name_en", "short_name_en"],
}
ENTITY_TYPES = {"PE": Institution.Type.GOVERNMENT, "PJ": Institution.Type.JUDICIAL, "IN": Institution.Type.INDEPENDENT}
ENTITY_TYPES_BY_NAME = {
    "cndh": Institution.Type.NHRI,
    "parlement": Institution.Type.PARLIAMENT,
    "ongs": Institution.Type.CSO,
}
STATUSES = {  # the DIDH's three states; a recommendation filed twice with two states takes the less advanced one
    "Non réalisé": ImplementationStatus.NOT_STARTED,
    "En cours": ImplementationStatus.IN_PROGRESS,
    "Réalisé": ImplementationStatus.IMPLEMENTED,
}
STATUS_ORDER = list(STATUSES.values())
MECHANISM_KINDS = {"UPR", "TB", "SP"}
# The columns that identify a row or point at one, in the files that have them.
KEYS = ("group_id", "Id", "IdAxe")
BULLET = re.compile(r"^[\s\-–•·\u00a0]+")


@dataclass
class DidhBatch:
    batch: Batch
    axes: list[dict] = field(default_factory=list)  # NationalAxis fields, parents first
    institutions: list[dict] = field(default_factory=list)


def files_from(path: Path | str | bytes, name: str = "") -> dict[str, bytes]:
    """The data set's files from a folder, a ZIP file on disk, or ZIP bytes (an upload)."""
    if isinstance(path, (str, Path)) and Path(path).is_dir():
        return {f.name: f.read_bytes() for f in Path(path).iterdir() if f.suffix == ".csv"}
    data = Path(path).read_bytes() if isinstance(path, (str, Path)) else path
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _members_read(archive)
    except zipfile.BadZipFile:
        raise ImportRejected(
            [
                RowError(
                    None, "", "", _("The DIDH data set is a ZIP file (or folder) of CSV files; this is not a ZIP file.")
                )
            ]
        ) from None


def _members_read(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """The CSV files of the archive, refusing one that unpacks to more than the upload limit (a "ZIP bomb": a few
    kilobytes that would fill the memory). Each file is read up to the limit whatever its header claims."""
    limit, files, total = settings.RASD_IMPORT_MAX_BYTES, {}, 0
    for name in archive.namelist():
        if not name.endswith(".csv"):
            continue
        with archive.open(name) as member:
            content = member.read(limit - total + 1)
        total += len(content)
        if total > limit:
            raise ImportRejected(
                [
                    RowError(
                        None,
                        Path(name).name,
                        "",
                        _("Unpacked, the ZIP file holds more than %(limit)s: it is not a DIDH data set.")
                        % {"limit": filesizeformat(limit)},
                    )
                ]
            )
        files[Path(name).name] = content
    return files


def _ids(cell) -> list[str]:
    return [part.strip() for part in str(cell or "").split(";") if part.strip()]


def _clean(text) -> str:
    text = str(text or "").strip()
    return "" if text == "null" else BULLET.sub("", text).strip()


def parse(path: Path | str | bytes, *, name: str = "", progress=None) -> DidhBatch:
    files = files_from(path, name)
    missing = [f for f in COLUMNS if f not in files]
    if missing:
        raise ImportRejected([RowError(None, "", "", _("Missing files: %(files)s") % {"files": ", ".join(missing)})])
    tables: dict[str, Table] = {}
    for filename, required in COLUMNS.items():
        try:
            tables[filename] = read_table(files[filename], name=filename, required=required, keys=KEYS)
        except ImportRejected as exc:
            raise ImportRejected(
                [
                    RowError(e.row, f"{filename}: {e.column}" if e.column else filename, e.value, e.message)
                    for e in exc.errors
                ]
            ) from None

    errors = ErrorCollector()
    result = DidhBatch(batch=Batch(source=Recommendation.Source.DIDH))

    english_axes = {(v["kind"], v["Id"]): v for _, v in tables["axes_en.csv"].rows}
    axis_codes = {}
    for position, (_row, values) in enumerate(tables["axes.csv"].rows, start=1):
        axis_codes[values["Id"]] = values["Id"]
        english = english_axes.get(("axis", values["Id"]), {})
        result.axes.append(
            dict(
                code=values["Id"],
                parent=None,
                position=position,
                name_fr=values["Label"],
                name_ar=values["LabelAr"],
                short_name_fr=values["Abv"],
                short_name_ar=values["AbvAr"],
                name_en=english.get("name_en", ""),
                short_name_en=english.get("short_name_en", ""),
            )
        )
    sub_axis_codes = {}
    per_axis: dict[str, int] = {}
    for row, values in tables["sous_axes.csv"].rows:
        if values["IdAxe"] not in axis_codes:
            errors.add(row, "sous_axes.csv: IdAxe", values["IdAxe"], _("No axis has this Id."))
            continue
        per_axis[values["IdAxe"]] = per_axis.get(values["IdAxe"], 0) + 1
        code = f"{values['IdAxe']}.{per_axis[values['IdAxe']]}"
        sub_axis_codes[values["Id"]] = code
        english = english_axes.get(("sub_axis", values["Id"]), {})
        result.axes.append(
            dict(
                code=code,
                parent=values["IdAxe"],
                position=int(values["Id"]),
                name_fr=values["Label"],
                name_ar=values["LabelAr"],
                name_en=english.get("name_en", ""),
            )
        )

    english_entities = {v["Id"]: v for _, v in tables["organismes_en.csv"].rows}
    entity_codes = {}
    for _row, values in tables["organismes_gov_entities.csv"].rows:
        code = slugify(values["Label"])[:60] or f"entity-{values['Id']}"
        entity_codes[values["Id"]] = code
        kind = ENTITY_TYPES_BY_NAME.get(code) or ENTITY_TYPES.get(values["Type"], Institution.Type.OTHER)
        english = english_entities.get(values["Id"], {})
        result.institutions.append(
            dict(
                code=code,
                type=kind,
                name_fr=values["Label"],
                name_ar=values["LabelAr"],
                name_en=english.get("name_en", ""),
                short_name_en=english.get("short_name_en", ""),
            )
        )

    batch = result.batch
    for _row, values in tables["organes_treaty_bodies.csv"].rows:
        batch.mechanisms[values["Abv"]] = NamedSpec(
            code=values["Abv"], kind=Mechanism.Kind.TREATY_BODY, name_fr=values["Label"], name_ar=values["LabelAr"]
        )
    english = {values["Id"]: values for _, values in tables["special_procedures_en.csv"].rows}
    mandate_codes = {}
    for row, values in tables["visites_special_procedures.csv"].rows:
        if values["Id"] not in english:
            errors.add(row, "special_procedures_en.csv: Id", values["Id"], _("This mandate has no code."))
            continue
        code = english[values["Id"]]["code"]
        mandate_codes[values["Mandat"].strip()] = code
        batch.mechanisms[code] = NamedSpec(
            code=code,
            kind=Mechanism.Kind.SPECIAL_PROCEDURE,
            name_fr=values["Mandat"],
            name_ar=values["MandatAr"],
            name_en=english[values["Id"]]["name_en"],
        )
    batch.documents[UPR_DOCUMENT] = DocumentSpec(symbol=UPR_DOCUMENT, review=UPR_REVIEW)

    states = state_name_index()
    table = tables["recommendations.csv"]
    for done, (row, values) in enumerate(table.rows, start=1):
        kind = values["mechanisms"].strip()
        if kind not in MECHANISM_KINDS:
            errors.add(row, "mechanisms", kind, _("Expected one of UPR, TB, SP."))
            continue
        text_fr, text_ar = _clean(values["text_fr"]), _clean(values["text_ar"])
        if not text_fr and not text_ar:
            errors.add(row, "text_fr", "", _("The recommendation has no text."))
        statuses = []
        for status in _ids(values["etat"]):
            if status not in STATUSES:
                errors.add(row, "etat", status, _("Expected one of: %(values)s.") % {"values": ", ".join(STATUSES)})
            else:
                statuses.append(STATUSES[status])
        codes = [re.sub(r"\s+", "", c) for c in _ids(values["codes"])]
        record = RecommendationRecord(
            row=row,
            source_key=values["group_id"].strip(),
            state=STATE,
            mechanism="",
            values=dict(
                kind=Recommendation.Kind.RECOMMENDATION,
                text_fr=text_fr,
                text_ar=text_ar,
                text_en="",
                original_language="fr",
                paragraph="",
                code="; ".join(codes),
                position="",
                date=None,
                year=int(values["annee"]) if values["annee"].strip().isdigit() else None,
                action_category=None,
                implementation_status=min(statuses, key=STATUS_ORDER.index)
                if statuses
                else ImplementationStatus.NOT_STARTED,
            ),
        )
        if not record.source_key:
            errors.add(row, "group_id", "", _("The identifier is empty."))
        if kind == "UPR":
            record.mechanism, record.review, record.document = "UPR", UPR_REVIEW, UPR_DOCUMENT
            paragraphs = sorted({m.group(1) for c in codes if (m := re.match(r"R(\d+\.\d+)", c))})
            record.values["paragraph"] = ", ".join(paragraphs)
            for state_name in _ids(values["recommending_states_fr"]):
                iso3 = states.get(state_name_key(state_name))
                if iso3 is None:
                    errors.add(row, "recommending_states_fr", state_name, _("Unknown state."))
                else:
                    record.recommending_states.add(iso3)
        elif kind == "TB":
            body = values["treaty_bodies"].strip()
            if body not in batch.mechanisms:
                errors.add(row, "treaty_bodies", body, _("Unknown treaty body."))
            record.mechanism = body
        else:
            mandate = values["sp_mandates"].strip()
            if mandate not in mandate_codes:
                errors.add(row, "sp_mandates", mandate, _("Unknown special-procedure mandate."))
            record.mechanism = mandate_codes.get(mandate, "")
        for axis in _ids(values["axe_ids"]):
            if axis not in axis_codes:
                errors.add(row, "axe_ids", axis, _("No axis has this Id."))
            else:
                record.national_axes.add(axis_codes[axis])
        for sub_axis in _ids(values["sous_axe_ids"]):
            if sub_axis not in sub_axis_codes:
                errors.add(row, "sous_axe_ids", sub_axis, _("No sub-axis has this Id."))
            else:
                record.national_axes.add(sub_axis_codes[sub_axis])
        for entity in _ids(values["organisme_ids"]):
            if entity not in entity_codes:
                errors.add(row, "organisme_ids", entity, _("No responsible entity has this Id."))
            else:
                # The DIDH names each responsible entity without ranking them: each one leads its part.
                record.assignments[entity_codes[entity]] = "lead"
        batch.records.append(record)
        if errors.full:
            break
        if progress and done % 100 == 0:
            progress(done, len(table.rows))
    keys = [r.source_key for r in batch.records]
    if len(keys) != len(set(keys)):
        seen = set()
        for record in batch.records:
            if record.source_key in seen:
                errors.add(record.row, "group_id", record.source_key, _("This identifier appears twice in the file."))
            seen.add(record.source_key)
    errors.raise_if_any()
    if progress:
        progress(len(table.rows), len(table.rows))
    return result


def write(parsed: DidhBatch, *, actor=None, label: str = "", progress=None):
    for values in parsed.institutions:
        values = dict(values)
        code = values.pop("code")
        Institution.objects.update_or_create(code=code, defaults=values)
    axes = {}
    for values in parsed.axes:
        values = dict(values)
        parent = values.pop("parent")
        code = values.pop("code")
        axes[code], _created = NationalAxis.objects.update_or_create(
            code=code, defaults={**values, "parent": axes.get(parent) if parent else None}
        )
    return batch_write(parsed.batch, actor=actor, label=label, progress=progress)
