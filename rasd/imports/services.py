"""Running an import: read and check the whole file first, then write it in one transaction.

The same ``import_file`` serves the management command (with a progress bar) and the upload page (through
the task worker, with progress kept on the ``ImportJob``). A refused file leaves the database exactly as it was.
"""

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rasd.imports.errors import ImportRejected, RowError
from rasd.imports.models import ImportJob, ImportSource
from rasd.imports.records import ImportResult
from rasd.imports.sources import didh, uhri, upr_info
from rasd.recommendations.services import recommendations_changed

SOURCES: dict[str, ModuleType] = {
    ImportSource.DIDH: didh,
    ImportSource.UPR_INFO: upr_info,
    ImportSource.UHRI: uhri,
}

# progress(stage, done, total): stage is "reading" while the file is checked, "saving" while it is written.
Progress = Callable[[str, int, int], None]


def import_file(
    *,
    source: str,
    data: Path | str | bytes,
    name: str = "",
    actor=None,
    label: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file of the given source format, all or nothing.

    Raises ``ImportRejected`` (with every problem found, row by row) and writes nothing if any row is wrong.
    """
    module = SOURCES[source]
    name = name or (Path(data).name if isinstance(data, (str, Path)) else "")
    report = (lambda stage: lambda done, total: progress(stage, done, total)) if progress else (lambda stage: None)
    parsed = module.parse(data, name=name, progress=report("reading"))
    with transaction.atomic():
        result = module.write(parsed, actor=actor, label=label or name, progress=report("saving"))
        recommendations_changed(recommendation_ids=result.changed_ids)
        return result


def import_job_create(*, source: str, upload, actor, language: str = "en") -> ImportJob:
    """Store an uploaded file and queue its import in the task worker."""
    from rasd.imports.tasks import import_job_task

    job = ImportJob.objects.create(
        source=source, file=upload, original_name=upload.name[:255], created_by=actor, language=language
    )
    transaction.on_commit(lambda: import_job_task.enqueue(job_id=job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import (called by the worker); records progress, the result or the rejection report."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    with translation.override(job.language):
        return _import_job_run(job)


def _import_job_run(job: ImportJob) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, stage="reading", progress=0)

    def progress(stage: str, done: int, total: int) -> None:
        # While the file is read (outside the write transaction) each update is committed at once, and the page
        # that polls the job follows it; while it is saved, the updates are part of the import's one transaction,
        # shown when it commits and rolled back with it if the import is interrupted.
        ImportJob.objects.filter(pk=job.pk).update(stage=stage, progress=done, total=total)

    try:
        with job.file.open("rb") as f:
            data = f.read()
        result = import_file(
            source=job.source,
            data=data,
            name=job.original_name,
            actor=job.created_by,
            label=_("import #%(id)s (%(name)s)") % {"id": job.pk, "name": job.original_name},
            progress=progress,
        )
    except ImportRejected as exc:
        job.status, job.errors = ImportJob.Status.FAILED, [e.as_dict() for e in exc.errors]
        job.message = _("The file was refused; nothing was imported.")
    except Exception as exc:  # the job must end with a reason, whatever went wrong
        job.status, job.errors = ImportJob.Status.FAILED, [RowError(None, "", "", repr(exc)).as_dict()]
        job.message = _("The import failed unexpectedly; nothing was imported.")
    else:
        job.status = ImportJob.Status.SUCCEEDED
        job.created_count, job.updated_count, job.unchanged_count = result.created, result.updated, result.unchanged
        job.message = ""
    job.refresh_from_db(fields=["progress", "total"])
    job.stage, job.finished_at = "", timezone.now()
    job.save()
    return job
