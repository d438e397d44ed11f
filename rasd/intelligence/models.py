from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DuplicateGroup(models.Model):
    """Recommendations found to ask for the same thing (``rasd.intelligence.duplicates``), across languages,
    mechanisms and cycles: computed, never edited; ``duplicate_groups_refresh`` replaces them all. A coordinator
    turns one into a Cluster to follow it up."""

    anchor = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("anchor"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text="the member every other one was compared with",
    )
    similarity = models.FloatField(_("similarity"), help_text="the lowest similarity of a member to the anchor")
    size = models.PositiveIntegerField(_("size"))
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate group")
        verbose_name_plural = _("duplicate groups")
        ordering = ["-size", "id"]

    def __str__(self) -> str:
        return f"{self.anchor_id} (+{self.size - 1})"


class DuplicateMembership(models.Model):
    """A recommendation's place in its group (a recommendation is in one group at most)."""

    group = models.ForeignKey(
        DuplicateGroup, verbose_name=_("duplicate group"), on_delete=models.CASCADE, related_name="memberships"
    )
    recommendation = models.OneToOneField(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="duplicate_membership",
    )
    similarity = models.FloatField(_("similarity"), help_text="to the group's anchor (1.0: the anchor, same text)")

    class Meta:
        verbose_name = _("duplicate group member")
        verbose_name_plural = _("duplicate group members")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.recommendation_id}"


class Suggestion(models.Model):
    """A label a shipped classifier proposes for a recommendation, waiting for a coordinator's decision.

    Never applied by itself: ``suggestion_accept`` applies the label to the recommendation and records who accepted
    it and when; a rejected label stays here, so that it is never suggested again for that recommendation.
    """

    class Task(models.TextChoices):
        # The same codes as rasd.intelligence.engine.TASKS (a test keeps them equal).
        UPR_ISSUES = "upr-issues", pgettext_lazy("suggestion task", "UPR Info issue")
        ACTION_CATEGORY = "action-category", pgettext_lazy("suggestion task", "Action category")
        SDG_GOALS = "sdg-goals", pgettext_lazy("suggestion task", "SDG goal")
        SDG_TARGETS = "sdg-targets", pgettext_lazy("suggestion task", "SDG target")
        NATIONAL_AXES = "national-axes", pgettext_lazy("suggestion task", "National axis")
        INSTITUTIONS = "institutions", pgettext_lazy("suggestion task", "Responsible institution")
        AFFECTED_PERSONS = "affected-persons", pgettext_lazy("suggestion task", "Affected persons")
        UHRI_THEMES = "uhri-themes", pgettext_lazy("suggestion task", "UHRI theme")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("suggestion status", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("suggestion status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("suggestion status", "Rejected")

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    task = models.CharField(_("task"), max_length=20, choices=Task.choices)
    label = models.CharField(
        _("label"), max_length=200, help_text="the label's code in its vocabulary (theme code, SDG target code…)"
    )
    confidence = models.FloatField(_("confidence"), help_text="0 to 1, as the model gave it")
    model_trained_at = models.CharField(
        _("model version"), max_length=40, blank=True, help_text="when the model that suggested it was trained (ISO)"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-confidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "task", "label"], name="suggestion_unique"),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0) & models.Q(confidence__lte=1), name="suggestion_confidence_range"
            ),
        ]
        # The review queue: pending suggestions of one task (and label), most confident first.
        indexes = [
            models.Index(fields=["status", "task", "label", "confidence"], name="suggestion_queue"),
            models.Index(fields=["status", "confidence"], name="suggestion_confidence"),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id} {self.task}:{self.label} ({self.confidence:.2f})"
