from django.urls import path

from rasd.recommendations import views

urlpatterns = [
    path("", views.home, name="home"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/status/", views.recommendation_status, name="recommendation_status"),
    path("recommendations/<int:pk>/similar/", views.recommendation_similar, name="recommendation_similar"),
]
