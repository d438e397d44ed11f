from django.urls import path, re_path

from rasd.reports import views

urlpatterns = [
    re_path(
        r"^recommendations/export\.(?P<extension>csv|xlsx|json)$",
        views.recommendation_export,
        name="recommendation_export",
    ),
    path("reports/", views.generated_report_list, name="generated_report_list"),
    path("reports/<int:pk>/", views.generated_report_detail, name="generated_report_detail"),
    path("reports/<int:pk>/status/", views.generated_report_status, name="generated_report_status"),
    path("reports/<int:pk>/download/", views.generated_report_download, name="generated_report_download"),
]
