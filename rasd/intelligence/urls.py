from django.urls import path

from rasd.intelligence import views

urlpatterns = [
    path(
        "recommendations/<int:pk>/duplicates/cluster/",
        views.duplicate_group_cluster,
        name="duplicate_group_cluster",
    ),
    path("suggestions/", views.suggestion_queue, name="suggestion_queue"),
    path("suggestions/<int:pk>/accept/", views.suggestion_decide, {"decision": "accept"}, name="suggestion_accept"),
    path("suggestions/<int:pk>/reject/", views.suggestion_decide, {"decision": "reject"}, name="suggestion_reject"),
    path("suggestions/accept-all/", views.suggestions_bulk, {"decision": "accept"}, name="suggestions_accept"),
    path("suggestions/reject-all/", views.suggestions_bulk, {"decision": "reject"}, name="suggestions_reject"),
    path("models/", views.model_card_list, name="model_card_list"),
]
