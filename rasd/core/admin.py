from django.contrib import admin

from rasd.core.models import HistoryEntry


class TrilingualNameAdmin(admin.ModelAdmin):
    """Shared by the reference lists named in Arabic, French and English."""

    list_display = ("code", "name_ar", "name_fr", "name_en")
    search_fields = ("code", "name_ar", "name_fr", "name_en")


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    """The change history is the institution's memory: it can be read here, never edited or deleted."""

    list_display = ("at", "content_type", "object_id", "action", "actor", "source")
    list_filter = ("action", "content_type", "source")
    search_fields = ("object_id", "source", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("content_type", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
