from django.urls import path

from rasd.cooperation import views

urlpatterns = [
    path("cooperation/", views.cooperation_list, name="cooperation_list"),
    path("cooperation/new/", views.cooperation_create, name="cooperation_create"),
    path("cooperation/<int:pk>/", views.cooperation_detail, name="cooperation_detail"),
    path("cooperation/<int:pk>/edit/", views.cooperation_update, name="cooperation_update"),
]
