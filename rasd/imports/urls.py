from django.urls import path

from rasd.imports import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/", views.import_new, name="import_new"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
]
