from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.core.models import Language


class RecommendationEmbedding(models.Model):
    """The vector of one language version of a recommendation, as one model computed it.

    ``vector`` holds the model's L2-normalised output as little-endian float32 bytes; centring happens when the
    vectors are searched (``rasd.semantic.engine.centre``), so the stored ones never go stale with it.
    A vector is replaced by deleting its row and writing a new one, so that the largest id changes with it.
    """

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="embeddings",
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    model = models.CharField(_("model"), max_length=50)
    vector = models.BinaryField(_("vector"))
    text_hash = models.CharField(_("text hash"), max_length=64, help_text="SHA-256 of the prepared text")
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation embedding")
        verbose_name_plural = _("recommendation embeddings")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "language", "model"], name="recommendation_embedding_unique"
            )
        ]
        # What the search checks before each query (count, largest id, latest computed_at of one model's vectors)
        # is read from this index alone, never from the 2 KB rows.
        indexes = [models.Index(fields=["model", "computed_at"], name="embedding_model_computed")]

    def __str__(self) -> str:
        return f"{self.recommendation_id}/{self.language} ({self.model})"
