from django.contrib import admin

from rasd.mechanisms.models import Deadline, Document, Mechanism, Review


@admin.register(Mechanism)
class MechanismAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "name_ar", "name_fr", "name_en")
    list_filter = ("kind",)
    search_fields = ("code", "name_ar", "name_fr", "name_en")


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = Deadline
    fields = ("kind", "due_date", "met_on", "description")
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mechanism", "state", "cycle", "session", "year")
    list_filter = ("mechanism__kind", "mechanism", "year")
    search_fields = ("mechanism__code", "state__iso3", "state__name_en", "state__name_fr", "state__name_ar")
    list_select_related = ("mechanism", "state")
    autocomplete_fields = ("mechanism", "state")
    inlines = [DocumentInline, DeadlineInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("symbol", "review", "date")
    list_filter = ("review__mechanism",)
    search_fields = ("symbol",)
    list_select_related = ("review__mechanism",)
    autocomplete_fields = ("review",)


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Deadlines are entered and corrected here; the date a report was submitted (``met_on``) ends the reminders."""

    list_display = ("review", "kind", "due_date", "met_on", "description")
    list_filter = ("kind", "review__mechanism", ("met_on", admin.EmptyFieldListFilter))
    search_fields = ("description", "review__mechanism__code")
    list_select_related = ("review__mechanism", "review__state")
    autocomplete_fields = ("review",)
    date_hierarchy = "due_date"
