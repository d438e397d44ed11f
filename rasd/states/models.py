from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.core.models import TrilingualName


class State(TrilingualName):
    """A UN member or observer state: the state under review, or a recommending state."""

    iso2 = models.CharField(_("ISO alpha-2 code"), max_length=2, blank=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    m49 = models.PositiveSmallIntegerField(_("M49 code"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    # Other spellings met in sources ("Cote d'Ivoire", "DPR Korea"), one per line; used by the importers.
    aliases = models.TextField(_("other names"), blank=True)

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")
        ordering = ["name_en"]
