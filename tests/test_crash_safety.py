"""An import killed half-way (SIGKILL) leaves the database exactly as it was, runs again to completion, and the
worker's recovery step settles what a killed worker left running.

The imports run in real subprocesses (``manage.py``) against this test database, so these tests commit for real.
"""

import csv
import io
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasd.core.history import history_verify
from rasd.core.tasks_recovery import MAX_ATTEMPTS, ORPHAN_AFTER, TaskInterrupted, tasks_recover
from rasd.imports.models import ImportJob
from rasd.imports.services import import_file, import_job_create
from rasd.imports.tasks import import_job_task
from rasd.recommendations.models import Recommendation
from tests.conftest import UPR_INFO_FILE, table_counts

ROWS = 12_000  # six chunks of 2,000 rows to write: seconds of work left after the first one is in
DEADLINE = 240  # seconds a subprocess may take before the test gives up on it
INTERRUPTED = "Interrupted: the worker stopped before the import finished, so nothing was imported. Run it again."


def real_file_slice(path: Path, rows: int = ROWS) -> Path:
    """The header and the first ``rows`` rows of UPR Info's real file."""
    with (
        open(UPR_INFO_FILE, encoding="utf-8", newline="") as source,
        open(path, "w", encoding="utf-8", newline="") as f,
    ):
        reader, writer = csv.reader(source), csv.writer(f)
        for _number, row in zip(range(rows + 1), reader):
            writer.writerow(row)
    return path


def database_url() -> str:
    """This test database, as the ``DATABASE_URL`` a ``manage.py`` subprocess reads."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def manage(*args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, found) -> str:
    """Read the process's stderr until a line satisfies ``found``; returns it (fails if the process ends first)."""
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + DEADLINE
    seen = []
    while time.monotonic() < deadline:
        if selector.select(timeout=1):
            line = process.stderr.readline()
            if not line:
                break
            seen.append(line)
            if found(line):
                return line
    process.kill()
    pytest.fail("the import ended (or hung) before the awaited progress line:\n" + "".join(seen[-20:]))


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"never happened: {what}")


def kill(process: subprocess.Popen) -> None:
    assert process.poll() is None, "the import finished before it could be killed half-way"
    process.kill()  # SIGKILL: no handler, no cleanup, no rollback from the process itself
    process.wait(timeout=DEADLINE)
    assert process.returncode == -9


def saving_after_a_chunk(line: str) -> bool:
    """``saving: 2000/12000 rows (16%)``: at least one chunk of rows is written in the open transaction."""
    if not line.startswith("saving: "):
        return False
    done = int(line.split()[1].split("/")[0])
    return 0 < done < ROWS


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_while_it_writes_leaves_the_database_as_it_was_and_runs_again(demo_data, tmp_path):
    path = real_file_slice(tmp_path / "upr_info.csv")
    before, chain_before = table_counts(), history_verify()
    assert chain_before.broken_at is None

    process = manage("import_recommendations", "upr_info", str(path))
    line = wait_for_line(process, saving_after_a_chunk)
    kill(process)

    assert line.startswith("saving: ")
    assert table_counts() == before
    assert history_verify() == chain_before
    assert not Recommendation.objects.filter(source="upr_info").exists()

    result = import_file(source="upr_info", data=path)

    assert (result.created, result.updated, result.unchanged) == (ROWS, 0, 0)
    assert Recommendation.objects.filter(source="upr_info").count() == ROWS
    chain = history_verify()
    assert chain.broken_at is None and chain.entries == chain_before.entries + ROWS


def worker(*args: str) -> subprocess.Popen:
    return manage("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1", *args)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_an_import_is_recovered_and_the_import_runs_again_whole(demo_data, tmp_path):
    upload = SimpleUploadedFile("upr_info.csv", real_file_slice(tmp_path / "upr_info.csv").read_bytes())
    job = import_job_create(source="upr_info", upload=upload, actor=None, language="en")
    task = DBTaskResult.objects.get(task_path="rasd.imports.tasks.import_job_task")
    before, chain_before = table_counts(), history_verify()

    process = worker()

    def job_under_way() -> bool:
        job.refresh_from_db()
        assert not job.is_finished, "the import finished before the worker could be killed"
        return job.status == ImportJob.Status.RUNNING and job.progress > 0

    wait_until(job_under_way, "the worker reads the file")
    kill(process)

    assert table_counts() == before
    assert history_verify() == chain_before
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING and len(task.worker_ids) == 1  # what the killed worker left

    recovery = tasks_recover()

    assert recovery.requeued == [str(task.pk)] and recovery.failed == []
    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert (job.status, job.stage, job.progress) == (ImportJob.Status.QUEUED, "", 0)

    process = worker("--batch", "--max-tasks", "1")  # the import only, not the vectors it queues
    assert process.wait(timeout=DEADLINE) == 0, process.stderr.read()

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (ROWS, 0, 0)
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    assert Recommendation.objects.filter(source="upr_info").count() == ROWS
    chain = history_verify()
    assert chain.broken_at is None and chain.entries == chain_before.entries + ROWS


# The recovery step, case by case --------------------------------------------------------------------------------


def running_import(*, workers: int, status=ImportJob.Status.RUNNING, language="en") -> tuple[ImportJob, DBTaskResult]:
    """An import job whose task ``workers`` workers took, the last of which was killed."""
    job = ImportJob.objects.create(source="upr_info", file="imports/x.csv", original_name="x.csv", language=language)
    job.status = status
    job.save()
    result = import_job_task.enqueue(job_id=job.pk)
    task = DBTaskResult.objects.get(pk=result.id)
    for number in range(workers):
        task.claim(f"worker-{number}")
    return job, task


@pytest.mark.django_db
def test_an_interrupted_import_is_queued_again_once():
    job, task = running_import(workers=1)

    recovery = tasks_recover()

    task.refresh_from_db()
    job.refresh_from_db()
    assert recovery.requeued == [str(task.pk)]
    assert task.status == TaskResultStatus.READY and task.started_at is None
    assert task.worker_ids == ["worker-0"]  # kept: it counts the attempts
    assert job.status == ImportJob.Status.QUEUED and not job.is_finished
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()  # the worker will take it


@pytest.mark.django_db
def test_an_import_interrupted_a_second_time_is_marked_failed_with_the_reason_in_its_language():
    job, task = running_import(workers=MAX_ATTEMPTS, language="fr")

    with translation.override("fr"):
        expected = translation.gettext(INTERRUPTED)
    recovery = tasks_recover()

    task.refresh_from_db()
    job.refresh_from_db()
    assert recovery.failed == [str(task.pk)] and recovery.requeued == []
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == f"{TaskInterrupted.__module__}.TaskInterrupted"
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert job.message == expected


@pytest.mark.django_db
def test_a_running_import_whose_task_is_gone_is_marked_failed_and_a_queued_one_without_a_task_is_queued():
    running = ImportJob.objects.create(
        source="upr_info", file="imports/a.csv", original_name="a.csv", status=ImportJob.Status.RUNNING
    )
    queued = ImportJob.objects.create(source="upr_info", file="imports/b.csv", original_name="b.csv")
    ImportJob.objects.update(created_at=timezone.now() - ORPHAN_AFTER)
    just_uploaded = ImportJob.objects.create(source="upr_info", file="imports/c.csv", original_name="c.csv")

    recovery = tasks_recover()

    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.status == ImportJob.Status.FAILED and running.message == INTERRUPTED
    assert queued.status == ImportJob.Status.QUEUED
    task = DBTaskResult.objects.ready().get(task_path="rasd.imports.tasks.import_job_task")
    assert task.args_kwargs["kwargs"] == {"job_id": queued.pk}
    assert sorted(recovery.other) == [f"import #{running.pk}: failed", f"import #{queued.pk}: queued"]
    just_uploaded.refresh_from_db()
    assert just_uploaded.status == ImportJob.Status.QUEUED  # its task is on the way: not queued twice
    assert tasks_recover().count == 0  # a second run finds nothing left to settle


@pytest.mark.django_db
def test_a_task_killed_after_its_import_finished_runs_again_without_importing_twice():
    job, task = running_import(workers=1, status=ImportJob.Status.SUCCEEDED)

    tasks_recover()

    job.refresh_from_db()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert job.status == ImportJob.Status.SUCCEEDED  # import_job_run returns a finished job as it is


@pytest.mark.django_db
def test_other_interrupted_tasks_are_queued_again_and_finished_ones_are_left_alone():
    from rasd.semantic.tasks import embeddings_compute_task

    running = DBTaskResult.objects.get(pk=embeddings_compute_task.enqueue(recommendation_ids=[1]).id)
    running.claim("worker-0")
    done = DBTaskResult.objects.get(pk=embeddings_compute_task.enqueue(recommendation_ids=[2]).id)
    done.claim("worker-0")
    done.set_successful(1)
    waiting = DBTaskResult.objects.get(pk=embeddings_compute_task.enqueue(recommendation_ids=[3]).id)

    recovery = tasks_recover()

    assert recovery.requeued == [str(running.pk)]
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[running.pk] == TaskResultStatus.READY
    assert statuses[done.pk] == TaskResultStatus.SUCCESSFUL
    assert statuses[waiting.pk] == TaskResultStatus.READY


@pytest.mark.django_db
def test_with_a_worker_id_only_that_workers_tasks_are_recovered():
    """Beside other workers, each worker's own recovery leaves the tasks the others are running alone."""
    mine, my_task = running_import(workers=1)
    theirs, their_task = running_import(workers=1)
    DBTaskResult.objects.filter(pk=their_task.pk).update(worker_ids=["worker-0", "another-worker"])

    recovery = tasks_recover(worker_id="worker-0")

    assert recovery.requeued == [str(my_task.pk)]
    their_task.refresh_from_db()
    theirs.refresh_from_db()
    assert their_task.status == TaskResultStatus.RUNNING and theirs.status == ImportJob.Status.RUNNING


@pytest.mark.django_db
def test_the_command_says_what_it_settled():
    running_import(workers=1)
    running_import(workers=MAX_ATTEMPTS)
    out = io.StringIO()

    call_command("recover_tasks", stdout=out)
    assert "1 queued again, 1 marked failed" in out.getvalue()

    out = io.StringIO()
    call_command("recover_tasks", stdout=out)
    assert "No interrupted task." in out.getvalue()
