from django.conf import settings


class PermissionsPolicyMiddleware:
    """Tell browsers that Rasd never uses the camera, the microphone, the location or payments, so that no script
    that ever found its way into a page could ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.RASD_PERMISSIONS_POLICY)
        return response
