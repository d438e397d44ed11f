from django.contrib.auth import views as auth_views
from django.urls import path

from rasd.accounts import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Django 5 logs out on POST only; the navbar's user menu posts a small form here.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_settings, name="two_factor_settings"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/recovery-codes/", views.recovery_codes_renew, name="recovery_codes_renew"),
]
