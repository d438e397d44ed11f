from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import Truncator
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rasd.followup.policies import can_edit_clusters, require
from rasd.intelligence.selectors import recurrence
from rasd.recommendations.models import Recommendation
from rasd.recommendations.services import cluster_create

TITLE_WORDS = 20


@require_POST
@login_required
def duplicate_group_cluster(request, pk: int):
    """A coordinator makes a recommendation's near-duplicate group a cluster, to follow the ask up once."""
    require(can_edit_clusters(request.user))
    recommendation = get_object_or_404(Recommendation, pk=pk)
    found = recurrence(recommendation)
    if found is None:
        raise Http404
    members = [recommendation, *found.members]
    cluster = cluster_create(
        by=request.user,
        title=Truncator(recommendation.text).words(TITLE_WORDS)[:500],
        recommendations=[r.pk for r in members],
    )
    messages.success(
        request,
        ngettext(
            "Cluster “%(title)s” created with %(count)s recommendation.",
            "Cluster “%(title)s” created with %(count)s recommendations.",
            len(members),
        )
        % {"title": cluster.title, "count": len(members)},
    )
    return redirect("recommendation_detail", pk=pk)
