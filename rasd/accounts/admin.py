from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role in Rasd"), {"fields": ("role", "institution")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Role in Rasd"), {"fields": ("role", "institution")}),)
    list_display = ("username", "first_name", "last_name", "email", "role", "institution", "is_active", "is_staff")
    list_filter = ("role", "institution", "is_active", "is_staff", "is_superuser")
    list_select_related = ("institution",)
    autocomplete_fields = ("institution",)
