from django.contrib import admin

from rasd.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "source",
        "original_name",
        "status",
        "created_count",
        "updated_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["source", "status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
