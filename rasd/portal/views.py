"""The public portal's pages and downloads (no login), and the coordinators' publish and withdraw buttons.

Portal views read through ``rasd.portal.selectors`` only and never look at ``request.user``: a coordinator
browsing the portal sees what the public sees.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rasd.followup.policies import require
from rasd.portal import opendata, selectors, services
from rasd.recommendations import selectors as recommendation_selectors
from rasd.recommendations.forms import RecommendationFilterForm
from rasd.recommendations.models import Recommendation

# The list's helpers, shared with the staff list: the same links, facet boxes and pages.
from rasd.recommendations.views import (
    PAGE_SIZE,
    CountedPaginator,
    ListUrls,
    _active_filters,
    _facet_boxes,
    _sort_options,
)

# How long a browser or a proxy may keep a download before asking again.
OPEN_DATA_MAX_AGE = 300


def public(view):
    """A portal answer: the same for everyone, varying only with the language (chosen by cookie or browser)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapped


@public
def portal_home(request):
    """The published recommendations: the summary, search and filters, one page of results."""
    form = RecommendationFilterForm(selectors.portal_filters(request.GET))
    filters = form.filters()
    results = selectors.portal_results(filters=filters)
    counted = selectors.portal_facets(results=results)
    page = CountedPaginator(results.recommendations, PAGE_SIZE, count=counted.total).get_page(request.GET.get("page"))
    recommendations = list(page.object_list)
    snippets = recommendation_selectors.search_snippets(
        results=results, recommendation_ids=[r.pk for r in recommendations]
    )
    for recommendation in recommendations:
        recommendation.snippet, recommendation.snippet_language = snippets.get(recommendation.pk, ("", ""))
    urls = ListUrls(request.path, request.GET)
    boxes = _facet_boxes(counted.facets, urls)
    context = {
        "summary": selectors.portal_summary(),
        "results": results,
        "filters": results.filters,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "recommendations": recommendations,
        "facets": boxes,
        "active_filters": _active_filters(boxes, urls, results, None),
        "clear_url": urls.cleared(),
        "search_state": urls.hidden("q", "mode", "sort"),
        "year_state": urls.hidden("year_from", "year_to"),
        "sort_options": _sort_options(results),
    }
    return render(request, "portal/portal_home.html", context)


@public
def portal_recommendation(request, pk: int):
    recommendation = selectors.portal_recommendation_get(pk=pk)
    if recommendation is None:
        raise Http404
    context = {
        "recommendation": recommendation,
        "lead_institutions": selectors.lead_institutions(recommendation),
        "progress": selectors.validated_progress(recommendation_ids=[pk]).get(pk, []),
    }
    return render(request, "portal/portal_recommendation.html", context)


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _in_language(language: str, chunks):
    # A streamed body is written after the view has returned: keep the request's language while it is.
    with translation.override(language):
        yield from chunks


@public
def open_data(request, extension: str):
    """Every published recommendation, streamed (see docs/open-data.md)."""
    rows = opendata.open_data_rows(site=f"{request.scheme}://{request.get_host()}")
    writer = opendata.csv_stream if extension == "csv" else opendata.json_rows_stream
    response = StreamingHttpResponse(
        _in_language(translation.get_language(), writer(rows)), content_type=CONTENT_TYPES[extension]
    )
    filename = f"rasd-open-data-{translation.get_language()}-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=OPEN_DATA_MAX_AGE)
    return response


# The coordinators' side ----------------------------------------------------------------------------------------------


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 19]


def _publish_or_withdraw(request, recommendations, change: str) -> int:
    if change == "publish":
        made = services.recommendations_publish(recommendations=recommendations, by=request.user)
        count = len(made)
        messages.success(
            request,
            ngettext(
                "%(count)d recommendation published on the portal.",
                "%(count)d recommendations published on the portal.",
                count,
            )
            % {"count": count},
        )
    else:
        count = services.recommendations_unpublish(recommendations=recommendations, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d recommendation withdrawn from the portal.",
                "%(count)d recommendations withdrawn from the portal.",
                count,
            )
            % {"count": count},
        )
    return count


@login_required
def publication_change(request, pk: int):
    """Publish one recommendation or withdraw it, from its page (POST ``change``: publish or unpublish)."""
    require(services.can_publish(request.user))
    if request.method != "POST" or request.POST.get("change") not in ("publish", "unpublish"):
        return redirect("recommendation_detail", pk=pk)
    recommendation = Recommendation.objects.filter(pk=pk).first()
    if recommendation is None:
        raise Http404
    _publish_or_withdraw(request, [recommendation], request.POST["change"])
    return redirect("recommendation_detail", pk=pk)


@login_required
def publication_bulk(request):
    """The recommendations ticked on the list (``?recommendation=1&recommendation=2&change=publish``), shown for
    a coordinator to confirm before they are published or withdrawn together."""
    require(services.can_publish(request.user))
    data = request.POST if request.method == "POST" else request.GET
    change = data.get("change") if data.get("change") in ("publish", "unpublish") else "publish"
    chosen = list(
        Recommendation.objects.filter(pk__in=_ids(data.getlist("recommendation")))
        .select_related("mechanism", "publication")
        .order_by("id")
    )
    error = ""
    if request.method == "POST":
        try:
            _publish_or_withdraw(request, chosen, change)
        except ValidationError:
            error = _("Choose at least one recommendation.")
        else:
            return redirect("recommendation_list")
    return render(
        request,
        "portal/publication_bulk.html",
        {"chosen": chosen, "change": change, "error": error},
        status=400 if error else 200,
    )
