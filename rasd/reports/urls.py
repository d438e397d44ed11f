from django.urls import re_path

from rasd.reports import views

urlpatterns = [
    re_path(
        r"^recommendations/export\.(?P<extension>csv|xlsx|json)$",
        views.recommendation_export,
        name="recommendation_export",
    ),
]
