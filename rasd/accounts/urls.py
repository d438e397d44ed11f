from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Django 5 logs out on POST only; the navbar's user menu posts a small form here.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
