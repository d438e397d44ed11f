from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("rasd.accounts.urls")),
    path("imports/", include("rasd.imports.urls")),
    path("api/v1/", include("rasd.api.urls")),
    path("institutions/", include("rasd.institutions.urls")),
    path("", include("rasd.followup.urls")),
    path("", include("rasd.strategy.urls")),
    path("", include("rasd.cooperation.urls")),
    path("", include("rasd.reports.urls")),
    path("", include("rasd.dashboard.urls")),
    path("", include("rasd.intelligence.urls")),
    path("", include("rasd.portal.urls")),
    path("", include("rasd.recommendations.urls")),
]
# Uploaded files (import files, evidence) are never served from MEDIA_URL: each is served by a view that checks
# who is asking.
