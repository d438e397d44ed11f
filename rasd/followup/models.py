"""Follow-up: who implements a recommendation (assignments), what they do (actions), how it is measured
(indicators and their values), and what they report (progress updates with evidence).

Progress updates and indicator values go through one validation workflow (``Report``): the focal point writes a
draft and submits it, the institution's validator approves it, the coordinator validates it or returns it with a
reason. Only validated reports count in statistics and reach observers. The state changes themselves live in
``rasd.followup.services``; the models hold single-row rules only.
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.recommendations.models import ImplementationStatus


class Assignment(models.Model):
    """A recommendation given to an institution to implement, as lead or in support."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORTING = "supporting", _("Supporting")

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["recommendation", "institution"], name="assignment_unique")]
        indexes = [models.Index(fields=["institution", "due_date"])]

    def __str__(self) -> str:
        # No arrow: it would point the wrong way in Arabic.
        return f"{self.recommendation} · {self.institution} ({self.get_role_display()})"


class Edited(models.Model):
    """A record people write and edit: who created it, when it last changed, and its version (``rasd.core.versioning``)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class Action(Edited):
    """A follow-up measure: what an institution will do to implement recommendations."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    # An action in one of these is finished: it is never late.
    CLOSED = (Status.COMPLETED, Status.CANCELLED)

    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("responsible institution"),
        on_delete=models.PROTECT,
        related_name="actions",
    )
    supporting_institutions = models.ManyToManyField(
        "institutions.Institution",
        verbose_name=_("supporting institutions"),
        blank=True,
        related_name="supported_actions",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget_amount = models.DecimalField(_("budget"), max_digits=16, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. MAD"))
    budget_source = models.CharField(_("source of funding"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", verbose_name=_("recommendations"), blank=True, related_name="actions"
    )
    clusters = models.ManyToManyField(
        "recommendations.Cluster", verbose_name=_("clusters"), blank=True, related_name="actions"
    )
    objective = models.ForeignKey(
        "strategy.Objective",
        verbose_name=_("strategic-plan objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="action_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_amount__isnull=True) | models.Q(budget_amount__gte=0),
                name="action_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(Edited):
    """A measure of progress, in OHCHR's structural / process / outcome framework."""

    class Kind(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        PROCESS = "process", _("Process")
        OUTCOME = "outcome", _("Outcome")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Every six months")
        YEARLY = "yearly", _("Yearly")

    FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=500)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=100, help_text=_("e.g. %, number of cases, yes/no"))
    baseline_value = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    disaggregation = models.CharField(
        _("disaggregation"), max_length=300, blank=True, help_text=_("e.g. by sex, age, region")
    )
    reporting_frequency = models.CharField(
        _("reporting frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("responsible institution"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", verbose_name=_("recommendations"), blank=True, related_name="indicators"
    )
    clusters = models.ManyToManyField(
        "recommendations.Cluster", verbose_name=_("clusters"), blank=True, related_name="indicators"
    )
    actions = models.ManyToManyField(Action, verbose_name=_("actions"), blank=True, related_name="indicators")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def next_report_due(self, last_reported):
        """The date the next value is due: one reporting period after the last value (or after creation)."""
        return months_after(last_reported or self.created_at.date(), self.FREQUENCY_MONTHS[self.reporting_frequency])


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 January + 1 → 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class Report(Edited):
    """What an institution reports and the coordinator validates: a progress update or an indicator value."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved by the institution")
        VALIDATED = "validated", _("Validated")
        RETURNED = "returned", _("Returned")

    # The author may change a report only in these states.
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    institution = models.ForeignKey(
        "institutions.Institution", verbose_name=_("reporting institution"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(_("reason for return"), blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    created_by = models.ForeignKey(  # a report's author, named as such
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class ProgressUpdate(Report):
    """A dated report of what was done on an action or on a recommendation, with evidence."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), null=True, blank=True, on_delete=models.CASCADE, related_name="updates"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    text = models.TextField(_("what was done"))
    proposed_status = models.CharField(
        _("proposed implementation status"),
        max_length=25,
        choices=ImplementationStatus.choices,
        blank=True,
        help_text=_("The coordinator decides the status; this is the institution's proposal."),
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__isnull=False, recommendation__isnull=True)
                | models.Q(action__isnull=True, recommendation__isnull=False),
                name="progress_update_on_action_or_recommendation",
            )
        ]
        indexes = [models.Index(fields=["institution", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        # The date isolated (U+2068 … U+2069): after Arabic text it would otherwise read backwards.
        return f"{self.subject} — \u2068{self.date}\u2069"

    @property
    def subject(self):
        """The action or the recommendation the update reports on."""
        return self.action if self.action_id else self.recommendation


class IndicatorValue(Report):
    """A value of an indicator at a date, with its evidence."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return f"{self.indicator}: \u2068{self.value}\u2069 (\u2068{self.date}\u2069)"

    @property
    def subject(self):
        return self.indicator


def evidence_path(evidence: "Evidence", filename: str) -> str:
    # The stored name is not the uploaded one: a user-supplied name never becomes a path.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{evidence.uploaded_at:%Y/%m}/{evidence.token}.{extension}"


class Evidence(models.Model):
    """A file that supports a progress update or an indicator value; served only to those who may see the report."""

    progress_update = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    indicator_value = models.ForeignKey(
        IndicatorValue, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    token = models.CharField(max_length=32, unique=True, editable=False)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_update__isnull=False, indicator_value__isnull=True)
                | models.Q(progress_update__isnull=True, indicator_value__isnull=False),
                name="evidence_of_one_report",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def report(self) -> Report:
        return self.progress_update if self.progress_update_id else self.indicator_value


class ReminderRun(models.Model):
    """One day's reminders, written once: a second run on the same day (a restarted worker) sends nothing."""

    day = models.DateField(unique=True)
    messages_sent = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)
