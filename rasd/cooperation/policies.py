"""Who may see and record UN cooperation — the one place these rules are written.

- coordinator and administrator: every agency's cooperation; record and edit any;
- partner (a user of a UN agency): their agency's cooperation only; record and edit their agency's, linked to the
  actions they may see;
- focal point and institution validator: the cooperation linked to their institution's actions (as responsible or
  supporting institution: ``rasd.followup.policies.actions_visible_to``); they record none;
- observer: none — cooperation records are agreements between the coordinator and the agencies, not validated
  follow-up data.
"""

from django.db.models import Exists, OuterRef, QuerySet

from rasd.accounts.models import Role, User
from rasd.cooperation.models import Cooperation
from rasd.followup.policies import _own, _role, actions_visible_to
from rasd.institutions.models import Institution


def cooperation_visible_to(user: User) -> QuerySet[Cooperation]:
    role = _role(user)
    if role == Role.COORDINATOR:
        return Cooperation.objects.all()
    if role == Role.PARTNER:
        return Cooperation.objects.filter(agency_id=_own(user))
    if role in (Role.FOCAL_POINT, Role.VALIDATOR):
        links = Cooperation.actions.through.objects.filter(
            cooperation_id=OuterRef("pk"), action__in=actions_visible_to(user).values("pk")
        )
        return Cooperation.objects.filter(Exists(links))
    return Cooperation.objects.none()


def agencies_for(user: User) -> QuerySet[Institution]:
    """The agencies ``user`` may record cooperation for."""
    agencies = Institution.objects.filter(type=Institution.Type.UN_AGENCY, is_active=True)
    role = _role(user)
    if role == Role.COORDINATOR:
        return agencies
    if role == Role.PARTNER:
        return agencies.filter(pk=_own(user))
    return agencies.none()


def can_record_for(user: User, agency_id: int | None) -> bool:
    """Record or edit the cooperation of ``agency_id``: a coordinator, or a partner of that agency."""
    role = _role(user)
    return role == Role.COORDINATOR or (role == Role.PARTNER and agency_id is not None and agency_id == _own(user))


def can_record(user: User) -> bool:
    """Whether ``user`` records cooperation at all (the "Record cooperation" button)."""
    return _role(user) in (Role.COORDINATOR, Role.PARTNER)


def can_edit(user: User, cooperation: Cooperation) -> bool:
    return can_record_for(user, cooperation.agency_id)
