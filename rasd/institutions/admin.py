from django.contrib import admin

from rasd.institutions.models import Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name_fr", "name_ar", "name_fr", "name_en", "type", "is_active")
    list_filter = ("type", "is_active")
    search_fields = ("code", "name_ar", "name_fr", "name_en", "short_name_ar", "short_name_fr", "short_name_en")
