from django.urls import path

from rasd.strategy import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<slug:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<slug:code>/edit/", views.plan_update, name="plan_update"),
    path("plans/axes/new/<int:parent_pk>/", views.part_create, {"kind": "axis"}, name="axis_create"),
    path("plans/axes/<int:pk>/edit/", views.part_update, {"kind": "axis"}, name="axis_update"),
    path("plans/objectives/new/<int:parent_pk>/", views.part_create, {"kind": "objective"}, name="objective_create"),
    path("plans/objectives/<int:pk>/edit/", views.part_update, {"kind": "objective"}, name="objective_update"),
    path("plans/measures/new/<int:parent_pk>/", views.part_create, {"kind": "measure"}, name="measure_create"),
    path("plans/measures/<int:pk>/edit/", views.part_update, {"kind": "measure"}, name="measure_update"),
    path("recommendations/<int:pk>/objectives/", views.recommendation_objectives, name="recommendation_objectives"),
]
