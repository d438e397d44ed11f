from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    FOCAL_POINT = "focal_point", _("Focal point")
    VALIDATOR = "validator", _("Institution validator")
    PARTNER = "partner", _("Partner (UN agency)")
    OBSERVER = "observer", _("Observer")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that act for one institution; the others act for the whole system.
INSTITUTION_ROLES = {Role.FOCAL_POINT, Role.VALIDATOR, Role.PARTNER, Role.OBSERVER}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OBSERVER)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.role in INSTITUTION_ROLES and self.institution_id is None:
            raise ValidationError({"institution": _("A user with this role must belong to an institution.")})

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMINISTRATOR) or self.is_superuser
