from django.contrib import admin

from rasd.mechanisms.models import Document, Mechanism, Review


@admin.register(Mechanism)
class MechanismAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "name_ar", "name_fr", "name_en")
    list_filter = ("kind",)
    search_fields = ("code", "name_ar", "name_fr", "name_en")


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mechanism", "state", "cycle", "session", "year")
    list_filter = ("mechanism__kind", "mechanism", "year")
    search_fields = ("mechanism__code", "state__iso3", "state__name_en", "state__name_fr", "state__name_ar")
    list_select_related = ("mechanism", "state")
    autocomplete_fields = ("mechanism", "state")
    inlines = [DocumentInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("symbol", "review", "date")
    list_filter = ("review__mechanism",)
    search_fields = ("symbol",)
    list_select_related = ("review__mechanism",)
    autocomplete_fields = ("review",)
