from django.contrib import admin

from rasd.cooperation.models import Cooperation
from rasd.followup.admin import ReadOnlyAdmin


@admin.register(Cooperation)
class CooperationAdmin(ReadOnlyAdmin):
    list_display = ("title", "agency", "axis", "start_date", "end_date", "amount", "currency")
    list_filter = ("axis", "agency")
    search_fields = ("title", "description", "framework_outcome")
    list_select_related = ("agency",)
