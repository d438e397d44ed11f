from django.urls import path

from rasd.portal import views

urlpatterns = [
    # The public portal: no login.
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/recommendations/<int:pk>/", views.portal_recommendation, name="portal_recommendation"),
    path("portal/open-data.csv", views.open_data, {"extension": "csv"}, name="portal_open_data_csv"),
    path("portal/open-data.json", views.open_data, {"extension": "json"}, name="portal_open_data_json"),
    # The coordinators' side: what the portal shows.
    path("recommendations/publication/", views.publication_bulk, name="publication_bulk"),
    path("recommendations/<int:pk>/publication/", views.publication_change, name="publication_change"),
]
