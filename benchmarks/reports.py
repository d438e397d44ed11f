"""How long the recommendation list's exports take, and how much memory they need, for every recommendation.

    .venv/bin/python benchmarks/reports.py [--no-record]

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
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "DATABASE", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        extension, database, output = args.child
        child(extension, Path(database), Path(output))
        return

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
    if not args.no_record:
        record_result(section=SECTION, script="reports.py", entry=entry)
        print(f"Added to {RESULTS.relative_to(BASE_DIR)}.")


if __name__ == "__main__":
    main()
