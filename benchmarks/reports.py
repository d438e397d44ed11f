"""How long the recommendation list's exports take, and how much memory they need, for every recommendation; and
how long a draft report to a mechanism takes for a full UPR cycle.

    .venv/bin/python benchmarks/reports.py [--no-record] [--part exports|draft|all]

In a fresh, migrated SQLite database in a temporary folder (nothing else is touched):

1. loads the reference data, imports the DIDH demo data (742) and data/samples/upr_info_2008_2014.csv (33,538)
   through ``import_file``;
2. exports all of them as a coordinator with no filter, in Arabic, to a file as the download view does: XLSX
   (``xlsx_write``, the goal: ≤ 30 s and ≤ 300 MB), CSV (``csv_stream``) and JSON (``json_stream``), each through
   ``recommendation_export_rows``;
3. runs each export in its own fresh Python process (this script with ``--child``), so that its peak memory is its
   own: the peak resident set size of that process (``VmHWM`` of /proc/self/status, read by the process when it is
   done; not ``ru_maxrss``, which Linux carries over from the parent's peak across ``exec``) includes Python and
   Django, whose share is measured by a process that only sets Django up.

The result is printed and appended to benchmarks/RESULTS.md under "## Reports: exports" (unless ``--no-record``).

The draft (``--part draft``), in another fresh database: the DIDH demo's UPR review (166 recommendations) is brought
to a full cycle of 306 recommendations (Morocco's fourth cycle) with copies of its recommendations, each with one
validated progress update of about 35 words (a tenth of them grouped in clusters of three); then the draft UPR
national report is written in Arabic and in French, as DOCX and as PDF, through ``generated_report_run`` (the
worker's path, reading included). Goal: ≤ 10 s each. Appended under "## Reports: draft to a mechanism".
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BASE_DIR, RESULTS, machine, record_result, setup_django

SAMPLE = BASE_DIR / "data" / "samples" / "upr_info_2008_2014.csv"
DEMO = BASE_DIR / "data" / "demo" / "didh_morocco"
SECTION = "## Reports: exports"
DRAFT_SECTION = "## Reports: draft to a mechanism"
DRAFT_GOAL_SECONDS = 10
FULL_CYCLE = 306
# Progress updates as institutions write them, about 35 words each, in Arabic and in French.
UPDATE_TEXTS = (
    "نظمت وزارة العدل خلال سنة 2025 ما مجموعه 36 دورة تكوينية لفائدة 1.250 قاضيا ونائبا لوكيل الملك حول اتفاقية "
    "مناهضة التعذيب والبروتوكول الاختياري الملحق بها، بدعم من برنامج الأمم المتحدة الإنمائي، وتم تقييم أثرها عبر "
    "استمارات وزعت على المشاركين.",
    "Le projet de loi n° 43.22 relatif aux peines alternatives a été adopté par le Parlement et publié au Bulletin "
    "officiel ; sa mise en œuvre est suivie par une commission nationale qui a tenu quatre réunions et publié un "
    "premier rapport d'étape en 2025.",
    "أحدثت 8 خلايا جهوية للتكفل بالنساء ضحايا العنف بالمحاكم الابتدائية، واستفادت منها 4.300 امرأة خلال سنة 2025، "
    "كما تم اعتماد دليل مرجعي موحد لمساطر الاستقبال والتوجيه والمواكبة القانونية والنفسية لفائدة الضحايا.",
)
FORMATS = ("xlsx", "csv", "json")
GOAL_SECONDS, GOAL_MB = 30, 300
USERNAME = "benchmark-coordinator"


def child(extension: str, database: Path, output: Path) -> None:
    """Export every recommendation in ``extension`` to ``output`` and print the time and the rows as JSON;
    ``extension`` "none" sets Django up only."""
    setup_django(database)
    if extension == "none":
        print(json.dumps({"seconds": 0, "rows": 0, "peak_mb": peak_mb()}))
        return
    from django.utils import translation

    from rasd.accounts.models import User
    from rasd.reports import exports

    user = User.objects.get(username=USERNAME)
    started = time.perf_counter()
    with translation.override("ar"):
        rows = exports.recommendation_export_rows(filters={}, visible_to=user, site="https://rasd.example.org")
        counted = []

        def counting(rows):
            for row in rows:
                counted.append(1)
                yield row

        if extension == "xlsx":
            exports.xlsx_write(counting(rows), output)
        else:
            writer = exports.csv_stream if extension == "csv" else exports.json_stream
            with output.open("wb") as file:
                for chunk in writer(counting(rows)):
                    file.write(chunk)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": len(counted), "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's peak resident set size since it started, in MB."""
    with open("/proc/self/status") as status:
        kilobytes = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kilobytes / 1024


def measured(extension: str, database: Path, output: Path) -> dict:
    """Run ``child`` in a new process: its result, with its peak resident memory in MB."""
    process = subprocess.run(
        [sys.executable, __file__, "--child", extension, str(database), str(output)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result = json.loads(process.stdout.strip().splitlines()[-1])
    result["size_mib"] = output.stat().st_size / 2**20 if output.exists() else 0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-record", action="store_true", help="print the result without adding it to RESULTS.md")
    parser.add_argument("--part", choices=("exports", "draft", "all"), default="all", help="what to measure")
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "DATABASE", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        extension, database, output = args.child
        child(extension, Path(database), Path(output))
        return
    if args.part in ("exports", "all"):
        exports_measure(record=not args.no_record)
    if args.part in ("draft", "all"):
        if args.part == "all":
            # The draft needs a database of its own; a second process starts from a clean Django.
            subprocess.run([sys.executable, __file__, "--part", "draft", *(["--no-record"] if args.no_record else [])])
        else:
            draft_measure(record=not args.no_record)


def exports_measure(*, record: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="rasd-bench-") as tmp:
        database = Path(tmp) / "reports.sqlite3"
        setup_django(database)
        from django.core.management import call_command
        from django.db import connection

        from rasd.accounts.models import Role, User
        from rasd.core.reference import reference_data_load
        from rasd.imports.services import import_file
        from rasd.recommendations.models import Recommendation

        call_command("migrate", verbosity=0)
        reference_data_load()
        import_file(source="didh", data=DEMO)
        import_file(source="upr_info", data=SAMPLE)
        User.objects.create(username=USERNAME, role=Role.COORDINATOR)
        total = Recommendation.objects.count()
        connection.close()

        load_before = os.getloadavg()[0]
        baseline = measured("none", database, Path(tmp) / "none")
        results = {extension: measured(extension, database, Path(tmp) / f"export.{extension}") for extension in FORMATS}
        for extension, result in results.items():
            assert result["rows"] == total, (extension, result["rows"], total)

    xlsx = results["xlsx"]
    met = xlsx["seconds"] <= GOAL_SECONDS and xlsx["peak_mb"] <= GOAL_MB
    lines = "\n".join(
        f"| {extension.upper()} | {result['rows']:,} | {result['seconds']:.1f} | "
        f"{result['rows'] / result['seconds']:,.0f} | {result['peak_mb']:.0f} | "
        f"{result['peak_mb'] - baseline['peak_mb']:.0f} | {result['size_mib']:.1f} |"
        for extension, result in results.items()
    )
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    entry = f"""### {when}

- Machine: {machine()}
- Corpus: {total:,} recommendations (DIDH demo 742 + UPR Info {SAMPLE.name}), SQLite; every one exported, no
  filter, as a coordinator, in Arabic (right-to-left sheet); load average {load_before:.1f} before,
  {os.getloadavg()[0]:.1f} after
- Each export runs in its own Python process, to a file; peak memory is that process's peak resident set size
  (`VmHWM` of /proc/self/status), Python and Django included: a process that only sets Django up peaks at
  {baseline["peak_mb"]:.0f} MB

| format | rows | seconds | rows/s | peak MB | peak MB above Django's | file MiB |
|---|---:|---:|---:|---:|---:|---:|
{lines}

XLSX goal ≤ {GOAL_SECONDS} s and ≤ {GOAL_MB} MB: {"met" if met else "missed"} ({xlsx["seconds"]:.1f} s, \
{xlsx["peak_mb"]:.0f} MB).
"""
    print(entry)
    if record:
        record_result(section=SECTION, script="reports.py", entry=entry)
        print(f"Added to {RESULTS.relative_to(BASE_DIR)}.")


def draft_full_cycle() -> tuple:
    """The demo UPR review brought to ``FULL_CYCLE`` recommendations, each with one validated progress update; the
    review and the coordinator who asks for the draft."""
    from django.utils import timezone

    from rasd.accounts.models import Role, User
    from rasd.followup.models import ProgressUpdate, Report
    from rasd.institutions.models import Institution
    from rasd.mechanisms.models import Review
    from rasd.recommendations.models import Cluster, Recommendation

    review = Review.objects.get(mechanism__code="UPR")
    existing = list(Recommendation.objects.filter(review=review).order_by("id"))
    axes = Recommendation.national_axes.through
    axes_of = {}
    for recommendation_id, axis_id in axes.objects.filter(recommendation__review=review).values_list(
        "recommendation_id", "nationalaxis_id"
    ):
        axes_of.setdefault(recommendation_id, []).append(axis_id)
    copies, originals = [], []
    for number in range(len(existing), FULL_CYCLE):
        original = Recommendation.objects.get(pk=existing[number % len(existing)].pk)
        originals.append(original.pk)
        original.pk, original.id = None, None
        original.source_key, original.paragraph, original.code = "", f"144.{number + 1}", f"R144.{number + 1}"
        copies.append(original)
    Recommendation.objects.bulk_create(copies)
    # The copies in the same national axes as their originals: the draft groups by them.
    axes.objects.bulk_create(
        axes(recommendation_id=copy.pk, nationalaxis_id=axis_id)
        for copy, original in zip(copies, originals, strict=True)
        for axis_id in axes_of.get(original, [])
    )
    recommendations = list(Recommendation.objects.filter(review=review).order_by("id"))
    justice = Institution.objects.get(code="justice")
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            recommendation=recommendation,
            institution=justice,
            date=datetime.date(2025, 1 + index % 12, 1 + index % 28),
            text=UPDATE_TEXTS[index % len(UPDATE_TEXTS)],
            status=Report.Status.VALIDATED,
            validated_at=now,
        )
        for index, recommendation in enumerate(recommendations)
    )
    for start in range(0, FULL_CYCLE // 10, 3):
        cluster = Cluster.objects.create(title=f"Cluster {start // 3 + 1}")
        cluster.recommendations.add(*recommendations[start : start + 3])
    coordinator = User.objects.create(username=USERNAME, role=Role.COORDINATOR)
    return review, coordinator, len(recommendations)


def draft_measure(*, record: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="rasd-bench-") as tmp:
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        setup_django(Path(tmp) / "draft.sqlite3")
        from django.core.management import call_command

        from rasd.core.reference import reference_data_load
        from rasd.imports.services import import_file
        from rasd.reports.services import generated_report_request, generated_report_run

        call_command("migrate", verbosity=0)
        reference_data_load()
        import_file(source="didh", data=DEMO)
        review, coordinator, total = draft_full_cycle()
        load_before = os.getloadavg()[0]
        results = []
        for language in ("ar", "fr"):
            for extension in ("docx", "pdf"):
                report = generated_report_request(
                    by=coordinator,
                    kind="draft",
                    format=extension,
                    language=language,
                    review=review,
                    mechanism_report="upr_national",
                )
                started = time.perf_counter()
                report = generated_report_run(report_id=report.pk)
                seconds = time.perf_counter() - started
                assert report.status == "done", report.message
                results.append((language, extension, seconds, report.word_count, report.file.size / 2**10))

    worst = max(seconds for _language, _extension, seconds, _words, _size in results)
    lines = "\n".join(
        f"| {language} | {extension.upper()} | {seconds:.1f} | {words:,} | {size:,.0f} |"
        for language, extension, seconds, words, size in results
    )
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    entry = f"""### {when}

- Machine: {machine()}
- A full UPR cycle: {total} recommendations of one review (the demo's 166 and copies), each with one validated
  progress update (Arabic and French texts of about 35 words), a tenth of them in clusters; SQLite; load average
  {load_before:.1f} before, {os.getloadavg()[0]:.1f} after
- The draft UPR national report, written as the worker writes it (reading, grouping, counting words, writing the
  file), one after the other

| language | format | seconds | words | file KiB |
|---|---|---:|---:|---:|
{lines}

Goal ≤ {DRAFT_GOAL_SECONDS} s: {"met" if worst <= DRAFT_GOAL_SECONDS else "missed"} (slowest {worst:.1f} s).
"""
    print(entry)
    if record:
        record_result(section=DRAFT_SECTION, script="reports.py", entry=entry)
        print(f"Added to {RESULTS.relative_to(BASE_DIR)}.")


if __name__ == "__main__":
    main()
