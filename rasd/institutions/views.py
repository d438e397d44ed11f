"""An institution's pages: its open work with its memory, and the handover summary for a new focal point.

Both are for the institution's own members and the coordinators (``policies.can_see_institution_work``); anyone
else is refused (403), since the institution itself is no secret.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from rasd.followup import policies, selectors
from rasd.institutions.models import Institution


def _handover_page(request, code: str, template: str):
    institution = get_object_or_404(Institution, code=code)
    policies.require(policies.can_see_institution_work(request.user, institution))
    handover = selectors.institution_handover(institution=institution, user=request.user)
    today = selectors.today()
    indicators = [(indicator, indicator.next_report_due(indicator.last_reported)) for indicator in handover.indicators]
    return render(
        request,
        template,
        {"institution": institution, "handover": handover, "indicators": indicators, "today": today},
    )


@login_required
def institution_detail(request, code: str):
    return _handover_page(request, code, "institutions/institution_detail.html")


@login_required
def institution_handover(request, code: str):
    return _handover_page(request, code, "institutions/institution_handover.html")
