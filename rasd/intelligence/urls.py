from django.urls import path

from rasd.intelligence import views

urlpatterns = [
    path(
        "recommendations/<int:pk>/duplicates/cluster/",
        views.duplicate_group_cluster,
        name="duplicate_group_cluster",
    ),
]
