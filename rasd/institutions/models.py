from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.core.models import TrilingualName, TrilingualShortName


class Institution(TrilingualShortName, TrilingualName):
    """A body that implements, coordinates, supports or observes the follow-up of recommendations."""

    class Type(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinating body")
        GOVERNMENT = "government", _("Government sector")
        JUDICIAL = "judicial", _("Judicial body")
        INDEPENDENT = "independent", _("Independent or constitutional body")
        NHRI = "nhri", _("National human rights institution")
        PARLIAMENT = "parliament", _("Parliament")
        CSO = "cso", _("Civil society organisation")
        UN_AGENCY = "un_agency", _("UN agency")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.GOVERNMENT)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["code"]
