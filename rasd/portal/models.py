"""What the public portal shows: the recommendations a coordinator has published.

Publication is a record of its own rather than a flag on the recommendation: who published it and when belong to
the publication, and a recommendation that is not published simply has none.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """A recommendation shown on the public portal and in its open data, since ``published_at``."""

    recommendation = models.OneToOneField(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), db_index=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return str(self.recommendation)
