from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SemanticConfig(AppConfig):
    name = "rasd.semantic"
    verbose_name = _("Semantic search")
