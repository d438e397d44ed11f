"""Many focal points at once: Rasd on gunicorn and PostgreSQL under a day's work, nothing lost or duplicated.

The load generator, locust, lives in a virtualenv of its own beside the project's (it brings gevent, which patches
the standard library, and a pytest plugin), so install it once:

    python3.11 -m venv benchmarks/.venv
    benchmarks/.venv/bin/pip install -r benchmarks/requirements.txt

then, with a PostgreSQL server whose user may create databases:

    .venv/bin/python benchmarks/load.py [--users 50] [--duration 60] [--ramp 30] [--think 1,3] [--workers N]
        [--server postgres://postgres@127.0.0.1:5432/postgres] [--no-record]

On the loopback only, and bounded in time:

1. creates a fresh database (``rasd_load``, dropped first if a previous run left it), migrates it and loads the
   demo data (``setup_demo``: 742 recommendations, most of them assigned to institutions), then creates ``--users``
   focal points spread over the institutions with assignments;
2. starts gunicorn with deploy/gunicorn.conf.py (production settings: ``DEBUG=0``, a generated ``SECRET_KEY``,
   ``DB_CONN_MAX_AGE=60``) on a free port of 127.0.0.1, with 2 × cores + 1 sync workers unless ``--workers``;
3. runs locust headless (benchmarks/load_users.py) for ``--duration`` seconds, the people arriving over the first
   ``--ramp`` seconds: each simulated focal point logs in, then goes round its work list, the list of
   recommendations, a keyword search, and a progress update on one of its institution's recommendations written
   through the web form (form read, posted with its CSRF token, the saved update's page followed), waiting
   ``--think`` seconds (a range) between pages, as people do; each update carries a marker of its own in its text;
4. stops gunicorn, whatever happened, then checks in the database that every update the clients saw saved is
   there exactly once, and that no other update was saved;
5. drops the database.

It prints requests per second, the median and 95th percentile of the response times overall and for each kind
of request, for the whole run and for its steady state (once everyone has logged in: each login is a deliberately
slow password hash), the time each kind of request spent inside gunicorn (its access log: the rest was queueing),
the CPU used by gunicorn, PostgreSQL and locust, the errors, and the check of the updates, and appends them to
benchmarks/RESULTS.md under "## Load: focal points on gunicorn and PostgreSQL" (unless ``--no-record``). The goal: no error, nothing lost or duplicated, and a 95th percentile of the
work requests within 300 ms.
"""

import argparse
import collections
import datetime
import json
import os
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import BASE_DIR, machine, record_result

SECTION = "## Load: focal points on gunicorn and PostgreSQL"
LOCUSTFILE = BASE_DIR / "benchmarks" / "load_users.py"
GUNICORN_CONF = BASE_DIR / "deploy" / "gunicorn.conf.py"
PASSWORD = "load-test-password-not-for-production"
GOAL_P95_MS = 300
# The requests that are a person's work; logging in happens once per person and is timed apart (its password
# hash is deliberately slow).
ACCESS_LINE = re.compile(r'"(?P<method>GET|POST) (?P<path>\S+) HTTP/[\d.]+" .* (?P<ms>\d+)ms$')
SERVER_ERRORS = ("[ERROR]", "Traceback", "Internal Server Error")
WORK = ["work list", "recommendation list", "recommendation search", "update form", "update post", "update page"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="focal points working at the same time")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--think", default="1,3", help="seconds a person waits between pages: MIN,MAX")
    parser.add_argument("--ramp", type=int, default=30, help="seconds over which the people arrive and log in")
    parser.add_argument("--workers", type=int, default=2 * len(os.sched_getaffinity(0)) + 1, help="gunicorn workers")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres", help="PostgreSQL server")
    parser.add_argument("--database", default="rasd_load", help="the scratch database (created, then dropped)")
    parser.add_argument("--locust", default=str(BASE_DIR / "benchmarks" / ".venv" / "bin" / "locust"))
    parser.add_argument("--no-record", action="store_true", help="print the result without adding it to RESULTS.md")
    args = parser.parse_args()
    if not Path(args.locust).exists():
        sys.exit(f"locust not found at {args.locust}: install it as this script's docstring says.")

    load_before = os.getloadavg()
    database_url = database_create(args.server, args.database)
    try:
        setup_django(database_url)
        people = demo_and_people(args.users)
        with tempfile.TemporaryDirectory(prefix="rasd-load-") as tmp:
            tmp = Path(tmp)
            outcome = run_under_gunicorn(args, database_url, people, tmp)
        check = updates_check(outcome)
        server_version = postgres_version()
    finally:
        database_drop(args.server, args.database)
    load_after = os.getloadavg()

    report = summary(args, outcome, check)
    print(report)
    if not args.no_record:
        entry = (
            f"### {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
            f"- Machine: {machine()}; PostgreSQL {server_version}\n"
            f"- Load average (1, 5, 15 min) before: {loadavg(load_before)}; after: {loadavg(load_after)} "
            "(other work on the machine shares its CPUs with the server and the load generator)\n"
            f"- {args.users} focal points for {args.duration} s (arriving over the first {args.ramp} s), thinking "
            f"{args.think.replace(',', '–')} s between pages; gunicorn {args.workers} sync workers "
            f"(deploy/gunicorn.conf.py), locust on the same machine, loopback\n\n{report}"
        )
        record_result(section=SECTION, script="load.py", entry=entry)


# The scratch database ------------------------------------------------------------------------------------------------


def _admin(server: str):
    import psycopg

    return psycopg.connect(server, autocommit=True)


def database_create(server: str, name: str) -> str:
    from psycopg import sql

    with _admin(server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.rsplit("/", 1)[0] + "/" + name


def database_drop(server: str, name: str) -> None:
    from psycopg import sql

    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django was never set up: nothing to close
        pass
    with _admin(server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def demo_and_people(count: int) -> list[dict]:
    """The demo data, and ``count`` focal points spread over the institutions that lead recommendations, each
    with the recommendations its institution is assigned."""
    import io

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from rasd.accounts.models import Role, User
    from rasd.followup.models import Assignment

    call_command("migrate", verbosity=0)
    call_command("setup_demo", stdout=io.StringIO())
    assigned = collections.defaultdict(list)
    for institution_id, recommendation_id in Assignment.objects.order_by("recommendation_id").values_list(
        "institution_id", "recommendation_id"
    ):
        assigned[institution_id].append(recommendation_id)
    # The institutions with the most assignments first: each has several focal points, as ministries do.
    institutions = sorted(assigned, key=lambda i: -len(assigned[i]))[: max(1, count // 3)]
    password = make_password(PASSWORD)  # hashed once: the hasher is deliberately slow
    people = []
    for n in range(count):
        institution_id = institutions[n % len(institutions)]
        user = User.objects.create(
            username=f"load-focal-{n:03d}", password=password, role=Role.FOCAL_POINT, institution_id=institution_id
        )
        people.append(
            {"username": user.username, "password": PASSWORD, "recommendations": assigned[institution_id][:50]}
        )
    return people


# The server and the load --------------------------------------------------------------------------------------------


def children_cpu() -> float:
    """CPU seconds used so far by the processes this one started and waited for, with those they waited for:
    gunicorn's workers are counted once gunicorn has stopped. Unlike response times, this does not depend on
    what else the machine is doing."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class PostgresBackendsCpu(threading.Thread):
    """CPU seconds used by the PostgreSQL backends of the load database, read from /proc every second while the
    load runs (each worker reconnects every DB_CONN_MAX_AGE seconds: a backend's last second may be missed)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.seen: dict[int, float] = {}
        self.done = threading.Event()

    def run(self):
        from django.db import connection

        try:
            while not self.done.wait(1):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pid FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    pids = [pid for (pid,) in cursor.fetchall()]
                for pid in pids:
                    self.seen[pid] = max(self.seen.get(pid, 0.0), process_cpu(pid))
        finally:
            connection.close()

    def seconds(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # PostgreSQL on another machine, or the backend just ended
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_under_gunicorn(args, database_url: str, people: list[dict], tmp: Path) -> dict:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DB_CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "WARNING",
    }
    log = open(tmp / "gunicorn.log", "w+", encoding="utf-8")
    gunicorn = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)),
            "config.wsgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its workers are stopped with it
    )
    cpu_before = children_cpu()
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", gunicorn, log)
        postgres = PostgresBackendsCpu()
        postgres.start()
        outcome = run_locust(args, port, people, tmp)
        outcome["postgres_cpu"] = postgres.seconds()
    finally:
        stop(gunicorn)
        log.seek(0)
        lines = log.read().splitlines()
        log.close()
    outcome["gunicorn_cpu"] = children_cpu() - cpu_before - outcome["locust_cpu"]
    outcome["server"] = server_times(lines)
    outcome["server_errors"] = [line for line in lines if any(m in line for m in SERVER_ERRORS)]
    return outcome


def request_kind(method: str, path: str) -> str:
    """The name load_users.py gives a request, from its method and path in gunicorn's access log."""
    if path.startswith("/accounts/login/"):
        return "login" if method == "POST" else "login form"
    if path.startswith("/updates/new/"):
        return "update post" if method == "POST" else "update form"
    if path.startswith("/updates/"):
        return "update page"
    if path.startswith("/recommendations/"):
        return "recommendation search" if "q=" in path else "recommendation list"
    return "work list" if path.startswith("/work/") else path


def server_times(lines: list[str]) -> list:
    """(name, ms) of each request the load generator made, as long as gunicorn took to answer it (its access log,
    deploy/gunicorn.conf.py's format): the rest of what the client waited was spent queued for a free worker."""
    times = []
    for line in lines:
        found = ACCESS_LINE.search(line)
        if found and "Python-urllib" not in line:  # not the probe that waited for gunicorn to start
            times.append([request_kind(found["method"], found["path"]), int(found["ms"])])
    return times


def wait_until_up(url: str, process: subprocess.Popen, log, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            sys.exit(f"gunicorn stopped at start:\n{log.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    log.seek(0)
    sys.exit(f"gunicorn did not answer {url} within {seconds} s:\n{log.read()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to gunicorn's process group (a graceful stop), SIGKILL if it is still there after 30 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_locust(args, port: int, people: list[dict], tmp: Path) -> dict:
    people_file, out_file = tmp / "people.json", tmp / "outcome.json"
    people_file.write_text(json.dumps(people), encoding="utf-8")
    env = {**os.environ, "RASD_LOAD_PEOPLE": str(people_file), "RASD_LOAD_OUT": str(out_file)}
    env["RASD_LOAD_THINK"] = args.think
    # People arrive over --ramp seconds, as on a Monday morning.
    spawn_rate = args.users / max(1, args.ramp)
    command = [
        *(args.locust, "-f", str(LOCUSTFILE), "--headless", "--only-summary", "--loglevel", "WARNING"),
        *("--users", str(args.users), "--spawn-rate", str(spawn_rate), "--run-time", f"{args.duration}s"),
        # When the time is up, each person finishes the page (or the update) in progress: nothing half-sent.
        *("--stop-timeout", "30", "--host", f"http://127.0.0.1:{port}"),
    ]
    started, cpu_before = time.monotonic(), children_cpu()
    subprocess.run(command, env=env, cwd=BASE_DIR, timeout=args.duration + 120, check=False)
    outcome = json.loads(out_file.read_text(encoding="utf-8"))
    outcome["locust_cpu"] = children_cpu() - cpu_before
    outcome["seconds"] = time.monotonic() - started
    outcome["seconds_of_load"] = args.duration
    return outcome


# The results ------------------------------------------------------------------------------------------------------


def updates_check(outcome: dict) -> dict:
    """The updates in the database against what the clients saw: every saved marker exactly once, at the page the
    server redirected to, and no update that no client saw saved."""
    from rasd.followup.models import ProgressUpdate

    saved = outcome["saved"]
    found = collections.defaultdict(list)
    for pk, text in ProgressUpdate.objects.filter(text__contains="(load-").values_list("pk", "text"):
        marker = text.split("(", 1)[1].split(")", 1)[0]
        found[marker].append(pk)
    return {
        "saved": len(saved),
        "not_saved": len(outcome["not_saved"]),
        "lost": sorted(m for m in saved if m not in found),
        "duplicated": sorted(m for m, pks in found.items() if len(pks) > 1),
        "misplaced": sorted(m for m, pk in saved.items() if m in found and found[m] != [pk]),
        "extra": sorted(m for m in found if m not in saved),
    }


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile, nearest rank (no interpolation between measured times)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def loadavg(values) -> str:
    return ", ".join(f"{x:.2f}" for x in values)


PROBLEMS = ("lost", "duplicated", "misplaced", "extra")


def table(requests: list, seconds: float) -> list[str]:
    """Count, rate, median, 95th percentile, maximum and errors of each kind of request, and of all together."""
    by_name = collections.defaultdict(list)
    for _started, name, ms, error in requests:
        by_name[name].append((ms, error))

    def row(label, rows):
        times = [ms for ms, _e in rows]
        failed = sum(1 for _ms, e in rows if e)
        return (
            f"| {label} | {len(rows):,} | {len(rows) / seconds:.1f} | {statistics.median(times):.0f} | "
            f"{percentile(times, 95):.0f} | {max(times):.0f} | {failed} |"
        )

    lines = [
        "| request | count | per second | p50 ms | p95 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [row(name, by_name[name]) for name in [*WORK, "login form", "login"] if by_name.get(name)]
    work = [(ms, e) for _s, n, ms, e in requests if n in WORK]
    if work:
        lines.append(row("**all work requests** (not the logins)", work))
    lines.append(row("**all requests**", [(ms, e) for _s, _n, ms, e in requests]))
    return lines


def server_table(times: list) -> list[str]:
    by_name = collections.defaultdict(list)
    for name, ms in times:
        by_name[name].append(ms)
    lines = ["| request | count | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for name in [*WORK, "login form", "login", *sorted(set(by_name) - {*WORK, "login form", "login"})]:
        if by_name.get(name):
            ms = by_name[name]
            lines.append(f"| {name} | {len(ms):,} | {statistics.median(ms):.0f} | {percentile(ms, 95):.0f} |")
    return lines


def summary(args, outcome: dict, check: dict) -> str:
    """The whole run, then the steady state: the requests made once everyone had logged in (the logins, each a
    deliberately slow password hash, crowd the CPUs while people arrive)."""
    requests = sorted(outcome["requests"])
    logins = [started + ms / 1000 for started, name, ms, _e in requests if name == "login"]
    end = max(started + ms / 1000 for started, _n, ms, _e in requests)
    everyone_in = max(logins) if logins else requests[0][0]
    steady = [r for r in requests if r[0] >= everyone_in]
    steady_work = [ms for _s, name, ms, _e in steady if name in WORK]
    errors = [(name, error) for _s, name, _ms, error in requests if error]
    kinds = collections.Counter(f"{name}: {error}" for name, error in errors)
    p95 = percentile(steady_work, 95) if steady_work else float("inf")
    server_errors = outcome.get("server_errors", [])
    checked = check["saved"] > 0
    met = checked and not errors and not server_errors and p95 <= GOAL_P95_MS and not any(check[k] for k in PROBLEMS)
    lines = [
        f"Whole run ({args.users} logins spread over the first {args.ramp} s):",
        "",
        *table(requests, outcome["seconds_of_load"]),
        "",
        "Time inside gunicorn (its access log), whole run: what the client waited beyond this, it spent queued for "
        "a free worker.",
        "",
        *server_table(outcome.get("server", [])),
        "",
        f"Steady state: from the moment the last person had logged in "
        f"({everyone_in - requests[0][0]:.0f} s after the first request) to the end ({end - everyone_in:.0f} s):",
        "",
        *(table(steady, end - everyone_in) if steady else ["(none: the run ended before everyone had logged in)"]),
        "",
        f"Requests: {len(requests):,} in {outcome['seconds_of_load']} s of load, "
        f"{len(requests) / outcome['seconds_of_load']:.1f}/s; errors: {len(errors)}"
        + ("" if not kinds else " (" + "; ".join(f"{k} ×{n}" for k, n in kinds.most_common(5)) + ")")
        + f"; error lines in gunicorn's log: {len(server_errors)}"
        + (f" (the first: {server_errors[0][:200]})" if server_errors else ""),
        "",
        f"CPU: gunicorn (master and workers, from its start to its stop) {outcome['gunicorn_cpu']:.1f} s, "
        f"{outcome['gunicorn_cpu'] / len(requests) * 1000:.0f} ms per request on average, logins included "
        f"(without PostgreSQL's); PostgreSQL's backends serving it {outcome['postgres_cpu']:.1f} s; "
        f"locust {outcome['locust_cpu']:.1f} s.",
        "",
        f"Progress updates the clients saw saved: {check['saved']:,}; refused: {check['not_saved']}; in the database: "
        f"lost {len(check['lost'])}, duplicated {len(check['duplicated'])}, at another page than announced "
        f"{len(check['misplaced'])}, saved without a client seeing it {len(check['extra'])}"
        + (" (no update was sent: nothing to check)." if not check["saved"] + check["not_saved"] else "."),
        "",
        f"Goal (no error, nothing lost or duplicated, p95 of the steady state's work requests ≤ {GOAL_P95_MS} ms): "
        + ("met." if met else "**not met**."),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
