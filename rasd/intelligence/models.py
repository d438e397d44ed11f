from django.db import models
from django.utils.translation import gettext_lazy as _


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
