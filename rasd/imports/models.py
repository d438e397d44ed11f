from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportSource(models.TextChoices):
    UHRI = "uhri", _("UHRI export (Excel or CSV)")
    UPR_INFO = "upr_info", _("UPR Info recommendations (CSV)")
    DIDH = "didh", _("DIDH follow-up data (ZIP of CSV files)")


class ImportJob(models.Model):
    """One import of one file, run by the task worker; its progress and its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Rejected")

    source = models.CharField(_("format"), max_length=20, choices=ImportSource.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    progress = models.PositiveIntegerField(_("rows read"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    message = models.TextField(_("message"), blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The uploader's interface language: the worker writes the report in it.
    language = models.CharField(max_length=10, default="en")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.original_name}"

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
