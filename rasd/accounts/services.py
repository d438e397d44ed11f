import base64

from django.db import transaction

from rasd.accounts.models import Role, User
from rasd.accounts.two_factor import totp_device_set, two_factor_enabled, two_factor_required
from rasd.institutions.models import Institution

# One demo login per role, each in a real institution of the demo data. For a demonstration install only.
DEMO_PASSWORD = "rasd-demo-login"
# The demo coordinator and administrator must give a second code at login, from an authenticator app set up with
# this published secret (base32: DEMO DEMO DEMO DEMO DEMO DEMO DEMO DEMO). Anyone can compute its codes: it protects
# nothing, and exists only so that a demonstration can show the real login.
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"
# Demo users receive the reminder emails at <login>@rasd.example (a domain reserved for examples: nothing is
# delivered there; the default email backend prints the emails in the terminal).
DEMO_EMAIL_DOMAIN = "rasd.example"
DEMO_USERS = [
    ("coordinator", Role.COORDINATOR, "didh"),
    ("focal_point", Role.FOCAL_POINT, "justice"),
    ("validator", Role.VALIDATOR, "justice"),
    ("partner", Role.PARTNER, "undp"),
    ("observer", Role.OBSERVER, "cndh"),
    ("admin", Role.ADMINISTRATOR, "didh"),
]


@transaction.atomic
def demo_users_create() -> list[User]:
    """Create the demo users that do not exist yet; existing ones (and their passwords) are left alone, except that
    one without an email address gets its demo address, and one who needs a second factor and has none gets the
    demo authenticator (``DEMO_TOTP_SECRET``)."""
    users = []
    for username, role, institution_code in DEMO_USERS:
        email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=email,
                role=role,
                institution=Institution.objects.get(code=institution_code),
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
        elif not user.email:
            user.email = email
            user.save(update_fields=["email"])
        if two_factor_required(user) and not two_factor_enabled(user):
            totp_device_set(user=user, key=demo_totp_key())
        users.append(user)
    return users


def demo_totp_key() -> str:
    """``DEMO_TOTP_SECRET`` as the hex key the authenticator model stores."""
    return base64.b32decode(DEMO_TOTP_SECRET).hex()
