from django.contrib import admin

from rasd.states.models import State


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ("iso3", "iso2", "name_ar", "name_fr", "name_en", "region")
    list_filter = ("region",)
    search_fields = ("iso3", "iso2", "name_ar", "name_fr", "name_en", "aliases")
