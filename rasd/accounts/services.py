from django.db import transaction

from rasd.accounts.models import Role, User
from rasd.institutions.models import Institution

# One demo login per role, each in a real institution of the demo data. For a demonstration install only.
DEMO_PASSWORD = "rasd-demo"
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
    one without an email address gets its demo address."""
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
        users.append(user)
    return users
