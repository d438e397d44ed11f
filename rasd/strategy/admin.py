from django.contrib import admin

from rasd.followup.admin import ReadOnlyAdmin
from rasd.strategy.models import Measure, Objective, PlanAxis, StrategicPlan


@admin.register(StrategicPlan)
class StrategicPlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ar", "name_fr", "name_en", "start_year", "end_year")
    search_fields = ("code", "name_ar", "name_fr", "name_en")


@admin.register(PlanAxis)
class PlanAxisAdmin(ReadOnlyAdmin):
    list_display = ("plan", "code", "name_ar", "name_fr", "name_en")
    list_filter = ("plan",)


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ("axis", "code", "name_ar", "name_fr", "name_en")
    list_filter = ("axis__plan",)


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ("objective", "code", "name_ar", "name_fr", "name_en")
