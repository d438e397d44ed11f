"""Writes of UN cooperation: record and edit an agency's support. Each service checks the writer's permission
(``rasd.cooperation.policies``), writes inside one transaction and records the change in the history; edits take
the ``version`` the writer read (``EditConflict`` when someone else saved first).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasd.accounts.models import Role, User
from rasd.cooperation.models import Cooperation
from rasd.cooperation.policies import can_edit, can_record_for
from rasd.core.edits import record_create, record_update, values_split
from rasd.followup.policies import _role, actions_visible_to, require
from rasd.institutions.models import Institution

FIELDS = (
    "agency",
    "axis",
    "title",
    "description",
    "start_date",
    "end_date",
    "amount",
    "currency",
    "framework_outcome",
)
LINKS = ("actions", "recommendations")


def _check(*, by: User, fields: dict, links: dict) -> None:
    agency = fields.get("agency")
    if agency is not None:
        if agency.type != Institution.Type.UN_AGENCY:
            raise ValidationError({"agency": _("Choose a UN agency.")})
        require(can_record_for(by, agency.pk))
    if "currency" in fields:
        fields["currency"] = (fields["currency"] or "").strip().upper()
    # A partner links the actions it may see only: an id typed into a request names nothing else.
    if "actions" in links and _role(by) != Role.COORDINATOR:
        wanted = {getattr(a, "pk", a) for a in links["actions"]}
        allowed = set(actions_visible_to(by).filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - allowed:
            raise ValidationError({"actions": _("You may link only the actions you can see.")})


@transaction.atomic
def cooperation_create(*, by: User, **values) -> Cooperation:
    """Record an agency's support. ``values``: the fields of ``FIELDS`` (``agency`` required) and the links of
    ``LINKS``."""
    fields, links = values_split(values, FIELDS, LINKS)
    if fields.get("agency") is None:
        raise ValidationError({"agency": _("Choose a UN agency.")})
    _check(by=by, fields=fields, links=links)
    return record_create(Cooperation, by=by, fields=fields, links=links, created_by=by)


@transaction.atomic
def cooperation_update(*, cooperation: Cooperation, by: User, version: int, **values) -> Cooperation:
    require(can_edit(by, cooperation))
    fields, links = values_split(values, FIELDS, LINKS)
    _check(by=by, fields=fields, links=links)
    return record_update(cooperation, by=by, version=version, fields=fields, links=links)
