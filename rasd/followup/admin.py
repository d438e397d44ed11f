from django.contrib import admin

from rasd.followup.models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("recommendation", "institution", "role", "due_date", "created_at")
    list_filter = ("role", "institution")
    search_fields = ("recommendation__code", "recommendation__paragraph", "institution__code", "institution__name_fr")
    list_select_related = ("recommendation__mechanism", "institution")
    autocomplete_fields = ("recommendation", "institution")
