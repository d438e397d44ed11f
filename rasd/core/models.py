from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("ar", "fr", "en")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


def active_language() -> str:
    code = (get_language() or "en")[:2]
    return code if code in LANGUAGE_CODES else "en"


def in_language(obj, field: str, language: str | None = None) -> str:
    """The value of ``<field>_<language>``, else the first of French, English, Arabic that is filled in."""
    language = language or active_language()
    for code in (language, *[c for c in ("fr", "en", "ar") if c != language]):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class TrilingualName(models.Model):
    """A reference record named in Arabic, French and English; ``name`` follows the active language."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=500, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=500, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return in_language(self, "name")

    def __str__(self) -> str:
        return self.name


class TrilingualShortName(models.Model):
    """A short form of the name (an acronym, a sector) in the three languages; ``short_name`` falls back to ``name``."""

    short_name_ar = models.CharField(_("short name (Arabic)"), max_length=200, blank=True)
    short_name_fr = models.CharField(_("short name (French)"), max_length=200, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def short_name(self) -> str:
        # In the reader's language first, the full name if need be: an Arabic page says «العدل», not "Justice".
        language = active_language()
        return (
            getattr(self, f"short_name_{language}")
            or getattr(self, f"name_{language}")
            or (in_language(self, "short_name") or self.name)
        )


class TrilingualTitle(models.Model):
    title_ar = models.TextField(_("title (Arabic)"))
    title_fr = models.TextField(_("title (French)"))
    title_en = models.TextField(_("title (English)"))

    class Meta:
        abstract = True

    @property
    def title(self) -> str:
        return in_language(self, "title")


class HistoryEntry(models.Model):
    """One change to one record: who, when, through what, and each changed field's before → after."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")
        # Steps of the validation workflow of a progress update or an indicator value.
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        VALIDATED = "validated", _("validated")
        RETURNED = "returned", _("returned")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")
    # Why: the justification of a status change, the reason a submission was returned.
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # The actor's login as it was: the entry keeps saying who, even once the account is gone.
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # SHA-256 of this entry's content and the previous entry's digest: editing or removing an entry breaks the chain
    # from there on, which `manage.py verify_history` finds (rasd.core.history.history_verify).
    digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model} #{self.object_id}"
