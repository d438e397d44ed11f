from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rasd.followup.policies import can_edit_clusters, require
from rasd.intelligence.forms import SuggestionFilterForm
from rasd.intelligence.models import Suggestion
from rasd.intelligence.policies import can_review_suggestions
from rasd.intelligence.selectors import model_cards, suggestions_named, suggestions_pending
from rasd.intelligence.services import (
    duplicate_group_cluster_create,
    suggestion_accept,
    suggestion_reject,
    suggestions_accept,
    suggestions_reject,
)
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


# Suggestions --------------------------------------------------------------------------------------------------------

QUEUE_PAGE_SIZE = 50
# The most suggestions one "accept all" or "reject all" decides: beyond it, a narrower filter is asked for, so that
# one click never decides more than a coordinator can have looked over.
BULK_LIMIT = 1000
DECISIONS = {"accept": (suggestions_accept, suggestion_accept), "reject": (suggestions_reject, suggestion_reject)}


def _queue_url(query: str) -> str:
    return f"{reverse('suggestion_queue')}?{query}" if query else reverse("suggestion_queue")


def _filter_query(form: SuggestionFilterForm) -> str:
    """The filter as a query string, without the page number."""
    form.is_valid()
    return urlencode({name: value for name, value in form.data.items() if name in form.fields and value})


@login_required
def suggestion_queue(request):
    """The review queue: suggestions waiting for a coordinator's decision, filtered, most confident first."""
    require(can_review_suggestions(request.user))
    form = SuggestionFilterForm(request.GET)
    found = suggestions_pending(**form.filters())
    page = Paginator(found.select_related("recommendation__mechanism", "recommendation__document"), QUEUE_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    page.object_list = suggestions_named(page.object_list)
    total = page.paginator.count
    return render(
        request,
        "intelligence/suggestion_queue.html",
        {
            "form": form,
            "page_obj": page,
            "total": total,
            "bulk_allowed": 0 < total <= BULK_LIMIT and form.is_valid(),
            "bulk_limit": BULK_LIMIT,
            "filter_query": _filter_query(form),
        },
    )


def _next_url(request, default: str) -> str:
    url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return default


@require_POST
@login_required
def suggestion_decide(request, pk: int, decision: str):
    """A coordinator accepts or rejects one suggestion, from the queue or from the recommendation's page."""
    require(can_review_suggestions(request.user))
    suggestion = get_object_or_404(Suggestion, pk=pk)
    _bulk, decide = DECISIONS[decision]
    done = decide(suggestion=suggestion, by=request.user)
    if done:
        [named] = suggestions_named([suggestion])
        message = _("Accepted: %(label)s.") if decision == "accept" else _("Rejected: %(label)s.")
        message = message % {"label": named.label_name}
    else:
        message = _("Someone else decided on this suggestion already; nothing was changed.")
    if request.headers.get("HX-Request"):  # the queue's row, replaced in place by what was decided
        return render(request, "intelligence/includes/decided_row.html", {"message": message, "ok": done})
    (messages.success if done else messages.warning)(request, message)
    return redirect(_next_url(request, reverse("suggestion_queue")))


@login_required
def suggestions_bulk(request, decision: str):
    """Accept or reject every suggestion the queue shows for a filter: first a page that says how many, then the
    decision, posted with the filter itself (not a list of ids). When the number changed in between (someone else
    decided some, a refresh added some), the page asks again with the new number."""
    require(can_review_suggestions(request.user))
    data = request.POST if request.method == "POST" else request.GET
    form = SuggestionFilterForm(data)
    query = _filter_query(form)
    if not form.is_valid():
        messages.error(request, _("The filter was not understood; nothing was changed."))
        return redirect(_queue_url(query))
    found = suggestions_pending(**form.filters())
    total = found.count()
    if total == 0:
        messages.info(request, _("No suggestion matches this filter any more."))
        return redirect(_queue_url(query))
    if total > BULK_LIMIT:
        messages.error(
            request,
            _("Narrow the filter: at most %(limit)s suggestions are decided at once.") % {"limit": BULK_LIMIT},
        )
        return redirect(_queue_url(query))
    changed = False
    if request.method == "POST":
        if request.POST.get("expected") == str(total):
            decide, _one = DECISIONS[decision]
            done = decide(suggestions=found, by=request.user)
            message = (
                ngettext("%(count)s suggestion accepted.", "%(count)s suggestions accepted.", done)
                if decision == "accept"
                else ngettext("%(count)s suggestion rejected.", "%(count)s suggestions rejected.", done)
            )
            messages.success(request, message % {"count": done})
            return redirect(_queue_url(query))
        changed = True
    return render(
        request,
        "intelligence/suggestions_bulk.html",
        {
            "decision": decision,
            "form": form,
            "total": total,
            "changed": changed,
            "sample": suggestions_named(found.select_related("recommendation__mechanism")[:10]),
            "queue_url": _queue_url(query),
        },
    )


@login_required
def model_card_list(request):
    """What each shipped classifier learned from, when, how, and how well it did per language."""
    return render(request, "intelligence/model_cards.html", {"cards": model_cards()})
