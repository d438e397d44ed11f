from django.contrib import admin

from rasd.reports.models import GeneratedReport


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    """Read only: reports are asked for on /reports/ and written by the worker; their files are downloaded there."""

    list_display = ["id", "kind", "format", "language", "status", "progress", "requested_by", "created_at"]
    list_filter = ["kind", "format", "language", "status"]
    readonly_fields = [f.name for f in GeneratedReport._meta.fields if f.name != "file"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
