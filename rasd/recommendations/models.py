from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.core.models import (
    Language,
    TrilingualName,
    TrilingualShortName,
    TrilingualTitle,
    active_language,
    in_language,
)


class Theme(TrilingualName):
    """A subject heading from one vocabulary (UHRI themes, UPR Info issues, or a national list)."""

    class Vocabulary(models.TextChoices):
        UHRI = "uhri", _("UHRI themes")
        UPR_INFO = "upr_info", _("UPR Info issues")
        NATIONAL = "national", _("National themes")

    vocabulary = models.CharField(_("vocabulary"), max_length=20, choices=Vocabulary.choices)
    code = models.CharField(_("code"), max_length=200)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["vocabulary", "name_en"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="theme_code_unique")]


class AffectedPerson(TrilingualName):
    """A group of persons a recommendation concerns (women, children, persons with disabilities…)."""

    code = models.CharField(_("code"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("affected persons")
        verbose_name_plural = _("affected persons")
        ordering = ["name_en"]


class SdgGoal(TrilingualTitle):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_ar = models.CharField(_("short title (Arabic)"), max_length=200)
    short_fr = models.CharField(_("short title (French)"), max_length=200)
    short_en = models.CharField(_("short title (English)"), max_length=200)

    class Meta:
        verbose_name = _("SDG goal")
        verbose_name_plural = _("SDG goals")
        ordering = ["number"]

    @property
    def short(self) -> str:
        return in_language(self, "short")

    def __str__(self) -> str:
        return f"{self.number}. {self.short}"


class SdgTarget(TrilingualTitle):
    goal = models.ForeignKey(SdgGoal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="targets")
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("e.g. 16.3 or 5.a"))
    position = models.PositiveSmallIntegerField(default=0, help_text="sort order within the goal")

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["goal__number", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class NationalAxis(TrilingualShortName, TrilingualName):
    """An axis of the national classification, or a sub-axis when it has a parent (Morocco: 9 axes, 36 sub-axes)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("axis"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("national axis")
        verbose_name_plural = _("national axes")
        ordering = ["position", "code"]


class Position(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    NOTED = "noted", _("Noted")
    PENDING = "pending", _("Pending")


class ActionCategory(models.IntegerChoices):
    """UPR Info's scale of how much action a recommendation asks of the state."""

    MINIMAL = 1, _("1 – minimal action (e.g. share experience)")
    CONTINUING = 2, _("2 – continuing action")
    CONSIDERING = 3, _("3 – considering action")
    GENERAL = 4, _("4 – general action")
    SPECIFIC = 5, _("5 – specific action")


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_APPLICABLE = "not_applicable", _("Not applicable / noted")


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation")
        OBSERVATION = "observation", _("Concern / observation")
        VOLUNTARY_PLEDGE = "voluntary_pledge", _("Voluntary pledge")

    class Source(models.TextChoices):
        DIDH = "didh", _("DIDH follow-up data")
        UPR_INFO = "upr_info", _("UPR Info")
        UHRI = "uhri", _("UHRI (OHCHR)")
        MANUAL = "manual", _("Entered by hand")

    state = models.ForeignKey(
        "states.State", verbose_name=_("state under review"), on_delete=models.PROTECT, related_name="recommendations"
    )
    mechanism = models.ForeignKey(
        "mechanisms.Mechanism", verbose_name=_("mechanism"), on_delete=models.PROTECT, related_name="recommendations"
    )
    review = models.ForeignKey(
        "mechanisms.Review",
        verbose_name=_("review"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    document = models.ForeignKey(
        "mechanisms.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.RECOMMENDATION)
    text_ar = models.TextField(_("text (Arabic)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    original_language = models.CharField(_("original language"), max_length=2, choices=Language.choices)
    paragraph = models.CharField(_("paragraph"), max_length=50, blank=True)
    code = models.CharField(_("national code"), max_length=50, blank=True, help_text=_("e.g. R144.12"))
    position = models.CharField(_("position"), max_length=10, choices=Position.choices, blank=True)
    recommending_states = models.ManyToManyField(
        "states.State", verbose_name=_("recommending states"), blank=True, related_name="recommendations_made"
    )
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    action_category = models.PositiveSmallIntegerField(
        _("action category"), choices=ActionCategory.choices, null=True, blank=True
    )
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=25,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="recommendations")
    affected_persons = models.ManyToManyField(
        AffectedPerson, verbose_name=_("affected persons"), blank=True, related_name="recommendations"
    )
    sdg_targets = models.ManyToManyField(
        SdgTarget, verbose_name=_("SDG targets"), blank=True, related_name="recommendations"
    )
    national_axes = models.ManyToManyField(
        NationalAxis, verbose_name=_("national axes"), blank=True, related_name="recommendations"
    )
    # Where the record came from, and its key there: re-importing the same source updates, never duplicates.
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_key = models.CharField(_("source identifier"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Raised by every edit through the services: see rasd.core.versioning.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-year", "mechanism__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~models.Q(source_key=""),
                name="recommendation_source_key_unique",
            )
        ]
        indexes = [models.Index(fields=["position"]), models.Index(fields=["implementation_status"])]

    def __str__(self) -> str:
        label = self.code or self.paragraph or f"#{self.pk}"
        return f"{self.mechanism.code} {label}"

    @property
    def text(self) -> str:
        """The text in the active language, else in the original language."""
        return getattr(self, f"text_{active_language()}") or getattr(self, f"text_{self.original_language}", "")

    @property
    def text_language(self) -> str:
        lang = active_language()
        return lang if getattr(self, f"text_{lang}") else self.original_language

    @property
    def versions(self) -> list[tuple[str, str, str]]:
        """(language code, language name, text) for every language the text exists in, original first."""
        order = [self.original_language] + [c for c in ("ar", "fr", "en") if c != self.original_language]
        return [(c, Language(c).label, getattr(self, f"text_{c}")) for c in order if getattr(self, f"text_{c}")]


class Cluster(models.Model):
    """Recommendations that ask for the same thing, across mechanisms and cycles, followed up together."""

    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations"), blank=True, related_name="clusters"
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
