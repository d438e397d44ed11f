from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def coordinator_required(view):
    """Only coordinators and administrators: imports, assignments, validation."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_coordinator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
