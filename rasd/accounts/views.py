"""Logging in safely: the second factor (set up, given at each login, turned on or off) and the page shown when
too many failed logins locked a username out."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rasd.accounts import two_factor
from rasd.accounts.forms import CodeForm


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def two_factor_setup(request):
    """Show a new authenticator's secret (text and QR code) and confirm it with a code it produced. An account that
    already has one must give its code first: a stolen password alone never replaces the authenticator."""
    user = request.user
    if two_factor.two_factor_enabled(user) and not user.is_verified():
        return redirect("two_factor_verify")
    device = two_factor.totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.totp_device_confirm(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            django_otp.login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", _("This code is not the one the app shows now. Check the secret and try again."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.totp_secret_text(device),
            "qr_svg": two_factor.totp_qr_svg(device),
            "required": two_factor.two_factor_required(user),
            "next": _next_url(request),
        },
    )


@login_required
def two_factor_verify(request):
    """The second step of every login of an account with an authenticator."""
    user = request.user
    if not two_factor.two_factor_enabled(user):
        return redirect("two_factor_setup" if two_factor.two_factor_required(user) else _next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not valid. Give the code the app shows now, or a recovery code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_settings(request):
    """Where anyone sees whether their account uses a second factor, and turns it on or off."""
    user = request.user
    return render(
        request,
        "accounts/two_factor_settings.html",
        {
            "enabled": two_factor.two_factor_enabled(user),
            "required": two_factor.two_factor_required(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "form": CodeForm(),
        },
    )


@login_required
@require_POST
def two_factor_disable(request):
    """Turn the second factor off, proven by a current code (a session left open is not enough)."""
    user = request.user
    form = CodeForm(request.POST)
    if not form.is_valid() or django_otp.match_token(user, form.cleaned_data["code"]) is None:
        messages.error(request, _("Two-factor authentication is still on: the code was not valid."))
        return redirect("two_factor_settings")
    try:
        two_factor.two_factor_disable(user=user)
    except PermissionDenied:
        messages.error(request, _("Your role requires two-factor authentication: it cannot be turned off."))
        return redirect("two_factor_settings")
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("two_factor_settings")


@login_required
@require_POST
def recovery_codes_renew(request):
    if not two_factor.two_factor_enabled(request.user):
        return redirect("two_factor_settings")
    codes = two_factor.recovery_codes_create(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": ""})


def locked_out(request, response=None, credentials=None):
    """The login page again, saying why the login is refused (django-axes calls this once a username and address
    pair has failed too often)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out_minutes": minutes, "next": request.POST.get("next", "")},
        status=429,
    )


def client_ip(request) -> str:
    """The address that a failed login is counted against. Behind nginx, REMOTE_ADDR is nginx itself: the client
    is the last address of X-Forwarded-For, the one nginx added (earlier ones are whatever the client sent)."""
    if settings.RASD_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
