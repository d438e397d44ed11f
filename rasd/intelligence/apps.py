from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    name = "rasd.intelligence"
    verbose_name = _("Intelligence")
