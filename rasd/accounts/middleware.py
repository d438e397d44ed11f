from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from rasd.accounts.two_factor import two_factor_enabled, two_factor_required

# What a logged-in user who has not given their second code yet may still open: the steps themselves, logging
# out, and the language switcher.
OPEN_URL_NAMES = ("two_factor_setup", "two_factor_verify", "logout", "login")


class TwoFactorMiddleware:
    """Hold a logged-in user who needs a second factor at its step until they give it: at the setup step when they
    have no authenticator yet (those who must have one), at the code step otherwise. Pages and the admin redirect
    there; the API, when the session is its credential, answers 403. A request authenticated by an API token has
    no session user here and passes: the token is its own credential."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._is_open(request.path_info):
            step = self._step(user)
            if step is not None:
                return self._hold(request, step)
        return self.get_response(request)

    def _step(self, user) -> str | None:
        if two_factor_enabled(user):
            return "two_factor_verify"
        if two_factor_required(user):
            return "two_factor_setup"
        return None

    def _is_open(self, path: str) -> bool:
        if self.open_paths is None:
            self.open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            # The public portal shows everyone the same thing: a login half done changes nothing there.
            self.open_prefixes = (reverse("set_language"), reverse("portal_home"))
        return path in self.open_paths or path.startswith(self.open_prefixes)

    def _hold(self, request, step: str):
        if request.path_info.startswith(reverse("api:api-root")):
            return JsonResponse(
                {"detail": _("Give the code of your authenticator app on the login page first.")}, status=403
            )
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
