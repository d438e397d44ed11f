from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rasd.followup.policies import can_edit_clusters, require
from rasd.intelligence.services import duplicate_group_cluster_create
from rasd.recommendations.models import Recommendation


@require_POST
@login_required
def duplicate_group_cluster(request, pk: int):
    """A coordinator makes a recommendation's near-duplicate group a cluster, to follow the ask up once."""
    require(can_edit_clusters(request.user))
    created = duplicate_group_cluster_create(by=request.user, recommendation=get_object_or_404(Recommendation, pk=pk))
    if created is None:
        raise Http404
    cluster, count = created
    messages.success(
        request,
        ngettext(
            "Cluster “%(title)s” created with %(count)s recommendation.",
            "Cluster “%(title)s” created with %(count)s recommendations.",
            count,
        )
        % {"title": cluster.title, "count": count},
    )
    return redirect("recommendation_detail", pk=pk)
