"""What every benchmark script shares: a Django set up on a scratch database, the machine's description, and
the place of its results in benchmarks/RESULTS.md."""

import os
import platform
import sqlite3
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "benchmarks" / "RESULTS.md"


def setup_django(database: Path) -> None:
    """Django on a scratch SQLite database, with production's DEBUG (off: DEBUG keeps every query in memory)."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def machine() -> str:
    """CPU, cores available, memory, load, and the versions that matter, in one line."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or platform.machine(),
    )
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    import django

    return (
        f"{cpu}, {cpus} CPU(s) available (nproc), {memory:.1f} GiB RAM, load average {load}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, Django {django.get_version()}"
    )


def record_result(*, section: str, script: str, entry: str) -> None:
    """Add ``entry`` at the end of ``section`` of RESULTS.md (created if missing): newest last."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if f"\n{section}\n" not in text:
        text = text.rstrip("\n") + f"\n\n{section}\n\nMeasured by `benchmarks/{script}`; newest last.\n"
    start = text.index(f"\n{section}\n") + len(section) + 2
    end = text.find("\n## ", start)
    end = len(text) if end == -1 else end + 1
    text = text[:end].rstrip("\n") + "\n\n" + entry.rstrip("\n") + "\n" + ("\n" + text[end:] if end < len(text) else "")
    RESULTS.write_text(text, encoding="utf-8")
