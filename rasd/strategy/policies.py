"""Who may see and change strategic plans.

Plans are public policy documents: every signed-in user reads them, with each axis's progress counted from what
that user may see (``rasd.strategy.selectors``). Only coordinators write them (plans, axes, objectives, measures)
and link recommendations to objectives; whoever may edit an action chooses the objective it serves, on the
action's form (``rasd.followup.policies.can_edit_action``).
"""

from rasd.accounts.models import Role, User
from rasd.followup.policies import _role


def can_edit_plans(user: User) -> bool:
    return _role(user) == Role.COORDINATOR


def can_link_objectives(user: User) -> bool:
    """Link a recommendation to the objectives of plans: part of the coordinator's triage."""
    return _role(user) == Role.COORDINATOR
