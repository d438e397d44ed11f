"""The services' refusals as HTTP answers, so that the API refuses exactly what the web pages refuse.

``PermissionDenied`` → 403 and ``Http404`` → 404 (REST framework does these); Django's ``ValidationError`` → 400
``{field: [messages]}``; ``EditConflict`` → 409 with the record as it is now, for the client to show what changed and
retry with the current version.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from rasd.core.versioning import EditConflict


def validation_errors(error: DjangoValidationError, *, field: str = "") -> dict[str, list[str]]:
    """``{field: [messages]}`` of a service's ``ValidationError``; one without a field goes under ``field`` if
    given, else under REST framework's ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
    return {field or api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class ServiceErrors:
    """A view mixin: answers the services' exceptions. ``conflict_serializer_class`` shapes the current record of
    a 409 (by default the view's ``serializer_class``)."""

    conflict_serializer_class = None

    def handle_exception(self, exc):
        if isinstance(exc, EditConflict):
            serializer_class = self.conflict_serializer_class or self.serializer_class
            current = serializer_class(exc.instance, context=self.get_serializer_context()).data
            data = {"detail": str(exc), "version": exc.instance.version, "current": current}
            return Response(data, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, DjangoValidationError):
            exc = ValidationError(validation_errors(exc))
        return super().handle_exception(exc)
