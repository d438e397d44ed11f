"""Strategic plans: a plan (the DIDH's 2025–2030 plan, the PANDDH national action plan) has axes, an axis has
objectives, an objective has measures. Recommendations link to objectives directly (the coordinator's decision)
and actions say which objective they serve (``Action.objective``); an axis's progress is read from those links
(``rasd.strategy.selectors``). Writes go through ``rasd.strategy.services``.

Plans name their levels differently (the PANDDH calls its second level "sub-axes"); Rasd calls the three levels
axis, objective and measure whatever a plan calls them, so that every plan is read and linked the same way.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.core.models import TrilingualName
from rasd.followup.models import Edited


class Named(TrilingualName, Edited):
    """A record of a plan: named in at least one of the three languages, edited with versions."""

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if not (self.name_ar.strip() or self.name_fr.strip() or self.name_en.strip()):
            raise ValidationError({"name_ar": _("Give a name in at least one language.")})


class StrategicPlan(Named):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        ordering = ["-start_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="strategic_plan_years_in_order",
            )
        ]


class PlanAxis(Named):
    plan = models.ForeignKey(StrategicPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="axes")
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("plan axis")
        verbose_name_plural = _("plan axes")
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_axis_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Objective(Named):
    axis = models.ForeignKey(PlanAxis, verbose_name=_("axis"), on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), default=0)
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", verbose_name=_("recommendations"), blank=True, related_name="objectives"
    )

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["axis", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["axis", "code"], name="objective_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Measure(Named):
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="measures"
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["objective", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["objective", "code"], name="measure_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"
