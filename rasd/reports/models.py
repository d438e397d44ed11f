"""Generated reports: documents the task worker writes from validated data — the follow-up matrix (XLSX), a progress
report on a review or an institution (DOCX or PDF), a draft report to a mechanism (DOCX or PDF).

The model holds what was asked and where its generation stands; ``rasd.reports.services`` requests and runs them,
``rasd.reports.documents`` writes the files. (The follow-up's ``Report`` is something else: the base of progress
updates and indicator values.)
"""

import secrets

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rasd.core.models import Language


class MechanismReport(models.TextChoices):
    """The kind of report a draft is written for. Word limits are those the UN set (see ``WORD_LIMITS``)."""

    UPR_NATIONAL = "upr_national", _("UPR national report")
    UPR_MID_TERM = "upr_mid_term", _("UPR mid-term report")
    TREATY_FOLLOW_UP = "treaty_follow_up", _("Treaty-body follow-up reply")
    TREATY_PERIODIC = "treaty_periodic", _("Treaty-body periodic report")


# Words a document may have. The UPR national report: 10,700 words (Human Rights Council decision 17/119, general
# guidelines for the second and later cycles). A treaty body's periodic report: 21,200 words (General Assembly
# resolution 68/268, as the committees' concluding observations repeat). The voluntary UPR mid-term report and the
# treaty bodies' follow-up replies have no limit we can cite: none is shown for them.
WORD_LIMITS = {
    MechanismReport.UPR_NATIONAL: 10_700,
    MechanismReport.TREATY_PERIODIC: 21_200,
}


def report_file_path(report: "GeneratedReport", filename: str) -> str:
    # A random name: the file is served only through the download view, never by its path.
    return f"reports/{report.created_at:%Y/%m}/{secrets.token_hex(16)}.{report.format}"


class GeneratedReport(models.Model):
    """One document asked for by a user and written by the task worker; its progress, its file or its error."""

    class Kind(models.TextChoices):
        MATRIX = "matrix", _("Follow-up matrix")
        PROGRESS = "progress", _("Progress report")
        DRAFT = "draft", _("Draft report to a mechanism")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")
        DOCX = "docx", _("Word (DOCX)")
        PDF = "pdf", _("PDF")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    # The formats each kind is written in.
    FORMATS = {
        Kind.MATRIX: (Format.XLSX,),
        Kind.PROGRESS: (Format.DOCX, Format.PDF),
        Kind.DRAFT: (Format.DOCX, Format.PDF),
    }

    kind = models.CharField(_("type of report"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    review = models.ForeignKey(
        "mechanisms.Review",
        verbose_name=_("review"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_reports",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_reports",
    )
    mechanism_report = models.CharField(
        _("report to the mechanism"), max_length=20, choices=MechanismReport.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=300, blank=True)
    word_count = models.PositiveIntegerField(_("word count"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="generated_reports",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="generated_report_progress_at_most_100"),
            models.CheckConstraint(
                condition=~models.Q(kind="draft") | (models.Q(review__isnull=False) & ~models.Q(mechanism_report="")),
                name="generated_report_draft_has_review_and_mechanism_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def word_limit(self) -> int | None:
        return WORD_LIMITS.get(self.mechanism_report) if self.kind == self.Kind.DRAFT else None

    @property
    def is_over_word_limit(self) -> bool:
        return self.word_limit is not None and self.word_count is not None and self.word_count > self.word_limit

    @property
    def word_count_text(self) -> str:
        """ "8,412 of 10,700 words", or "8,412 words (no word limit)" where the mechanism sets none; in the active
        language."""
        if self.word_count is None:
            return ""
        count = intcomma(self.word_count)
        if self.word_limit is None:
            return ngettext("%(count)s word (no word limit)", "%(count)s words (no word limit)", self.word_count) % {
                "count": count
            }
        return ngettext("%(count)s of %(limit)s word", "%(count)s of %(limit)s words", self.word_limit) % {
            "count": count,
            "limit": intcomma(self.word_limit),
        }

    @property
    def scope(self):
        """What the report covers: its review, its institution, or None for every recommendation."""
        return self.review or self.institution
