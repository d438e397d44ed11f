"""Two-factor authentication: after the password, a six-digit code from an authenticator app (TOTP, RFC 6238), or
one of the user's one-time recovery codes when the phone is lost.

Coordinators and administrators (and any staff or superuser account) must use it; everyone else may turn it on.
"""

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasd.accounts.models import Role, User

RECOVERY_CODE_COUNT = 10


def two_factor_required(user: User) -> bool:
    """Whether ``user`` may not use Rasd without a second factor: those who can change everything."""
    return user.role in (Role.COORDINATOR, Role.ADMINISTRATOR) or user.is_staff or user.is_superuser


def two_factor_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator ``user`` is setting up: the same secret until it is confirmed, so that reloading the page
    does not invalidate what the app has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a code it produced, making it the user's only authenticator. Returns new recovery
    codes (shown once), or None when the code is wrong."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_create(user=device.user)


@transaction.atomic
def recovery_codes_create(*, user: User) -> list[str]:
    """New one-time recovery codes for ``user``, replacing any earlier ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove ``user``'s authenticator and recovery codes; refused for those who must use a second factor."""
    if two_factor_required(user):
        raise PermissionDenied("Two-factor authentication is required for this account.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def totp_device_set(*, user: User, key: str) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator with a known secret (hex): for the demo logins only."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, to put in the page itself (no image request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    # Drop the XML declaration: the SVG goes inside the HTML page.
    return svg[svg.index("<svg") :]
