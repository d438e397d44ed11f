from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.core.models import TrilingualName


class Mechanism(TrilingualName):
    """A body that makes recommendations: the UPR, a treaty body, a special-procedure mandate, or another body."""

    class Kind(models.TextChoices):
        UPR = "upr", _("Universal Periodic Review")
        TREATY_BODY = "treaty_body", _("Treaty body")
        SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")
        OTHER = "other", _("Other body")

    code = models.CharField(_("code"), max_length=200, unique=True, help_text=_("e.g. UPR, CAT, SR on torture"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.code if self.kind != self.Kind.SPECIAL_PROCEDURE else self.name or self.code


class Review(models.Model):
    """One cycle or session of a mechanism for one state (UPR cycle 3, 27th session; CERD 2023; a country visit)."""

    mechanism = models.ForeignKey(
        Mechanism, verbose_name=_("mechanism"), on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.ForeignKey("states.State", verbose_name=_("state under review"), on_delete=models.PROTECT)
    cycle = models.PositiveSmallIntegerField(_("cycle"), null=True, blank=True)
    session = models.PositiveSmallIntegerField(_("session"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["mechanism__code", "-year", "-cycle"]

    def __str__(self) -> str:
        parts = [str(self.mechanism)]
        if self.cycle:
            parts.append(_("cycle %(cycle)s") % {"cycle": self.cycle})
        if self.session:
            parts.append(_("session %(session)s") % {"session": self.session})
        if self.year:
            parts.append(f"({self.year})")
        return " ".join(str(p) for p in parts)


class Document(models.Model):
    """A UN document that carries recommendations, named by its symbol (A/HRC/36/6, CERD/C/MAR/CO/19-21)."""

    symbol = models.CharField(_("symbol"), max_length=100, unique=True)
    review = models.ForeignKey(
        Review, verbose_name=_("review"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    date = models.DateField(_("publication date"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["symbol"]

    def __str__(self) -> str:
        return self.symbol


class Deadline(models.Model):
    """A reporting deadline of a review: the UPR mid-term report, a treaty body's follow-up reply, the next report."""

    class Kind(models.TextChoices):
        MID_TERM_REPORT = "mid_term_report", _("Mid-term report")
        FOLLOW_UP_REPLY = "follow_up_reply", _("Follow-up reply")
        PERIODIC_REPORT = "periodic_report", _("Next periodic report")
        OTHER = "other", _("Other")

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    due_date = models.DateField(_("due date"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    met_on = models.DateField(_("submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.review} — {self.get_kind_display()} ({self.due_date})"
