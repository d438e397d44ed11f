"""UN cooperation: the support a UN agency gives to the follow-up — expertise, capacity building, integrating the
human-rights-based approach into public policies, logistical support — over a period, with an amount, linked to the
actions and recommendations it serves. Writes go through ``rasd.cooperation.services``; who sees what is in
``rasd.cooperation.policies``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.followup.models import Edited
from rasd.institutions.models import Institution


class Cooperation(Edited):
    """One agency's support, on one axis of cooperation."""

    class Axis(models.TextChoices):
        EXPERTISE = "expertise", _("Expertise")
        CAPACITY_BUILDING = "capacity_building", _("Capacity building")
        HRBA_INTEGRATION = "hrba_integration", _("Integrating the human-rights-based approach")
        LOGISTICS = "logistics", _("Logistical support")

    agency = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("UN agency"),
        on_delete=models.PROTECT,
        related_name="cooperations",
        limit_choices_to={"type": Institution.Type.UN_AGENCY},
    )
    axis = models.CharField(_("axis of support"), max_length=20, choices=Axis.choices)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="MAD", help_text=_("ISO 4217 code, e.g. MAD"))
    framework_outcome = models.CharField(
        _("cooperation framework outcome"),
        max_length=500,
        blank=True,
        help_text=_("The outcome of the UN sustainable development cooperation framework this support serves."),
    )
    actions = models.ManyToManyField(
        "followup.Action", verbose_name=_("actions"), blank=True, related_name="cooperations"
    )
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", verbose_name=_("recommendations"), blank=True, related_name="cooperations"
    )

    class Meta:
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperation records")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="cooperation_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="cooperation_amount_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["agency", "axis"])]

    def __str__(self) -> str:
        return self.title
