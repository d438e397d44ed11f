from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.core.admin import TrilingualNameAdmin
from rasd.core.history import history_record
from rasd.core.models import HistoryEntry
from rasd.followup.models import Assignment
from rasd.recommendations.models import (
    AffectedPerson,
    Cluster,
    NationalAxis,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from rasd.recommendations.services import recommendations_changed


@admin.register(Theme)
class ThemeAdmin(TrilingualNameAdmin):
    list_display = ("code", "vocabulary", "name_ar", "name_fr", "name_en")
    list_filter = ("vocabulary",)


@admin.register(AffectedPerson)
class AffectedPersonAdmin(TrilingualNameAdmin):
    pass


class SdgTargetInline(admin.TabularInline):
    model = SdgTarget
    extra = 0
    fields = ("code", "position", "title_ar", "title_fr", "title_en")


@admin.register(SdgGoal)
class SdgGoalAdmin(admin.ModelAdmin):
    list_display = ("number", "short_ar", "short_fr", "short_en")
    search_fields = ("short_ar", "short_fr", "short_en", "title_ar", "title_fr", "title_en")
    inlines = [SdgTargetInline]


@admin.register(SdgTarget)
class SdgTargetAdmin(admin.ModelAdmin):
    # Registered on its own too, because the recommendation form picks targets by autocomplete.
    list_display = ("code", "goal", "title_en")
    list_filter = ("goal",)
    search_fields = ("code", "title_ar", "title_fr", "title_en")
    list_select_related = ("goal",)


@admin.register(NationalAxis)
class NationalAxisAdmin(TrilingualNameAdmin):
    list_display = ("code", "parent", "position", "name_ar", "name_fr", "name_en")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


class AssignmentInline(admin.TabularInline):
    """Shown for reference: assignments are made on the recommendation's page, where the history records them."""

    model = Assignment
    extra = 0
    can_delete = False
    fields = readonly_fields = ("institution", "role", "due_date", "assigned_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mechanism", "year", "original_language", "position", "implementation_status", "source")
    list_filter = (
        "mechanism__kind",
        "mechanism",
        "position",
        "implementation_status",
        "original_language",
        "source",
        "year",
    )
    search_fields = ("code", "paragraph", "source_key", "text_ar", "text_fr", "text_en")
    list_select_related = ("mechanism",)
    autocomplete_fields = (
        "state",
        "mechanism",
        "review",
        "document",
        "recommending_states",
        "themes",
        "affected_persons",
        "sdg_targets",
        "national_axes",
    )
    # The implementation status is decided on the recommendation's page, with a justification the history keeps;
    # assignments are made there too, by the follow-up services.
    readonly_fields = ("implementation_status", "created_at", "updated_at", "version")
    inlines = [AssignmentInline]
    fieldsets = (
        (None, {"fields": ("state", "mechanism", "review", "document", "kind", "paragraph", "code", "date", "year")}),
        (_("Texts"), {"fields": ("original_language", "text_ar", "text_fr", "text_en")}),
        (_("Position and follow-up"), {"fields": ("position", "action_category", "implementation_status")}),
        (
            _("Classification"),
            {"fields": ("recommending_states", "themes", "affected_persons", "sdg_targets", "national_axes")},
        ),
        (_("Source"), {"fields": ("source", "source_key", "created_at", "updated_at", "version")}),
    )

    # An edit made here is part of the record's history like any other: the fields the form changed,
    # before (read in save_model, while the database still holds them) and after (once the
    # many-to-many fields are saved in save_related).
    def save_model(self, request, obj, form, change):
        if change:
            previous = Recommendation.objects.get(pk=obj.pk)
            form._rasd_before = {name: _value(previous, name) for name in form.changed_data}
            obj.version = previous.version + 1  # an edit here is an edit: a form opened before it must not win
        super().save_model(request, obj, form, change)
        recommendations_changed(recommendation_ids=[obj.pk])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        record = {"instance": obj, "actor": request.user, "source": "admin"}
        if not change:
            history_record(action=HistoryEntry.Action.CREATED, changes={}, **record)
        elif form.changed_data:
            changes = {name: (form._rasd_before[name], _value(obj, name)) for name in form.changed_data}
            history_record(action=HistoryEntry.Action.UPDATED, changes=changes, **record)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("title", "recommendation_count", "created_by", "created_at")
    search_fields = ("title", "description")
    list_select_related = ("created_by",)
    autocomplete_fields = ("recommendations",)
    readonly_fields = ("created_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recommendation_count=models.Count("recommendations"))

    @admin.display(description=_("recommendations"), ordering="recommendation_count")
    def recommendation_count(self, obj):
        return obj.recommendation_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


def _value(obj: Recommendation, name: str):
    field = Recommendation._meta.get_field(name)
    if field.many_to_many:
        return [str(related) for related in getattr(obj, name).all()]
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, name)
        return str(related) if related is not None else None
    return field.value_from_object(obj)
