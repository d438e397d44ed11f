from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from rasd.followup.models import (
    Action,
    Assignment,
    Evidence,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    ReminderRun,
)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("recommendation", "institution", "role", "due_date", "created_at")
    list_filter = ("role", "institution")
    search_fields = ("recommendation__code", "recommendation__paragraph", "institution__code", "institution__name_fr")
    list_select_related = ("recommendation__mechanism", "institution")
    autocomplete_fields = ("recommendation", "institution")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written: actions, indicators and reports change through the follow-up pages, whose services
    check who may write and record the change in the history — a write here would do neither."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "institution", "status", "start_date", "end_date", "updated_at")
    list_filter = ("status", "institution")
    search_fields = ("title", "description", "institution__code")
    list_select_related = ("institution",)
    date_hierarchy = "end_date"


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "institution", "unit", "reporting_frequency", "updated_at")
    list_filter = ("kind", "reporting_frequency", "institution")
    search_fields = ("title", "definition", "institution__code")
    list_select_related = ("institution",)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    # The file itself is served only by the follow-up pages, to those who may see its report: no link here.
    fields = ("name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "institution", "date", "status", "validated_at")
    list_filter = ("status", "institution")
    search_fields = ("text", "action__title", "recommendation__code")
    list_select_related = ("institution", "action", "recommendation__mechanism")
    date_hierarchy = "date"
    inlines = [EvidenceInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "value", "date", "institution", "status", "validated_at")
    list_filter = ("status", "institution")
    search_fields = ("indicator__title", "note")
    list_select_related = ("indicator", "institution")
    date_hierarchy = "date"
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("name", "content_type", "file_size", "report", "uploaded_by", "uploaded_at")
    list_filter = ("content_type",)
    search_fields = ("name",)
    list_select_related = (
        "progress_update__action",
        "progress_update__recommendation__mechanism",
        "indicator_value__indicator",
        "uploaded_by",
    )
    fields = ("name", "content_type", "size", "progress_update", "indicator_value", "uploaded_by", "uploaded_at")

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj):
        return filesizeformat(obj.size)


@admin.register(ReminderRun)
class ReminderRunAdmin(ReadOnlyAdmin):
    list_display = ("day", "messages_sent", "created_at")
    date_hierarchy = "day"
