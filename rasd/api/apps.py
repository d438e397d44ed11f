from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API under /api/v1/ (Django REST framework, OpenAPI schema by drf-spectacular). It has no models."""

    name = "rasd.api"

    def ready(self):
        from rasd.api import schema  # noqa: F401  (registers the schema's serializer extension)
