from django.urls import path, re_path

from rasd.followup import views

STEPS = "submit|approve|validate|return"

urlpatterns = [
    path("work/", views.work_list, name="work_list"),
    path("deadlines/", views.deadline_list, name="deadline_list"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/edit/", views.assignment_update, name="assignment_update"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_update, name="action_update"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.indicator_update, name="indicator_update"),
    path("indicators/<int:pk>/values/new/", views.indicator_value_create, name="indicator_value_create"),
    path("updates/new/", views.progress_update_create, name="progress_update_create"),
    path("evidence/<str:token>/", views.evidence_download, name="evidence_download"),
    path("evidence/<str:token>/remove/", views.evidence_remove, name="evidence_remove"),
]

# Progress updates and indicator values: one set of views, told which kind of report by ``kind``.
for prefix, kind in (("updates", "progress_update"), ("values", "indicator_value")):
    urlpatterns += [
        path(f"{prefix}/<int:pk>/", views.report_detail, {"kind": kind}, name=f"{kind}_detail"),
        path(f"{prefix}/<int:pk>/edit/", views.report_update, {"kind": kind}, name=f"{kind}_update"),
        path(f"{prefix}/<int:pk>/evidence/", views.evidence_add, {"kind": kind}, name=f"{kind}_evidence_add"),
        re_path(
            rf"^{prefix}/(?P<pk>[0-9]+)/(?P<step>{STEPS})/$", views.report_step, {"kind": kind}, name=f"{kind}_step"
        ),
    ]
