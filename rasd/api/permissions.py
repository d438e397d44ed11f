"""Who may use the API: the one place to change when restricted data arrives."""

from rest_framework.permissions import IsAuthenticated


class CanReadApi(IsAuthenticated):
    """Any signed-in user (session or token) may read; anonymous requests get 401.

    Every API view uses this class (``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`` and
    ``SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]``). Row-level visibility, when some recommendations become
    restricted, belongs in the selectors (``visible_to``), not here: a permission class can refuse a request
    but cannot filter a list.
    """
