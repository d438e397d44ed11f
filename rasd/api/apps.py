from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API under /api/v1/ (Django REST framework, OpenAPI schema by drf-spectacular). It has no models."""

    name = "rasd.api"
