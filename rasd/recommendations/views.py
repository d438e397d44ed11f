"""The read pages: home, the recommendation list (search, filters, facets) and one recommendation.

The list is one shareable URL: every filter is a GET parameter (repeated for several values). With htmx, a filter
or a search updates the results and the facets in place (the view then answers with ``recommendation_list_partial``)
and pushes the new URL; without JavaScript the same form and links load whole pages.
"""

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from rasd.core.versioning import EditConflict
from rasd.followup import policies
from rasd.followup import selectors as followup_selectors
from rasd.followup import services as followup_services
from rasd.followup.forms import RecommendationStatusForm
from rasd.recommendations import selectors
from rasd.recommendations.forms import MODE_CHOICES, SORT_CHOICES, RecommendationFilterForm
from rasd.recommendations.models import (
    Recommendation,
)
from rasd.strategy.models import PlanAxis

PAGE_SIZE = 25
# Values of a facet shown before "show more".
FACET_SHOWN = 10
# The most characters of a facet value's label shown.
FACET_LABEL_LENGTH = 90
# Similar recommendations shown on a recommendation's page.
SIMILAR_SHOWN = 10


def home(request):
    return render(request, "recommendations/home.html", {"counts": selectors.recommendation_counts()})


# ---- the list ----

FACET_TITLES = {
    "sdg_goal": _("Sustainable Development Goals"),
    "year": _("Year"),
}


@dataclass(frozen=True)
class FacetLink:
    """A facet value with the URL that chooses or unchooses it."""

    value: selectors.FacetValue
    url: str
    anchor: str  # the link's id, so that the keyboard focus stays on it when htmx redraws the facets
    label: str  # the value's label, cut to FACET_LABEL_LENGTH characters
    children: tuple["FacetLink", ...] = ()


@dataclass(frozen=True)
class FacetBox:
    name: str
    title: str
    links: tuple[FacetLink, ...]  # the first values
    more: tuple[FacetLink, ...]  # behind "show more"
    more_open: bool  # a chosen value is among them


@dataclass(frozen=True)
class ActiveFilter:
    title: str
    label: str
    remove_url: str


class ListUrls:
    """URLs of the list that change one thing in the current query (and go back to the first page)."""

    def __init__(self, path: str, query: QueryDict):
        self.path, self.query = path, query

    def with_(self, **values: list[str]) -> str:
        # A plain dict rather than a copy of the QueryDict (a deep copy): the list page makes one URL per facet
        # value, some 150.
        query = {name: current for name, current in self.query.lists() if name != "page"}
        query.update(values)
        encoded = urlencode([(name, value) for name, listed in query.items() for value in listed])
        return f"{self.path}?{encoded}" if encoded else self.path

    def toggle(self, name: str, value: str) -> str:
        values = self.query.getlist(name)
        return self.with_(**{name: [v for v in values if v != value] if value in values else [*values, value]})

    def year(self, year: str) -> str:
        same = self.query.get("year_from") == self.query.get("year_to") == year
        return self.with_(year_from=[] if same else [year], year_to=[] if same else [year])

    def cleared(self) -> str:
        """Every filter removed; the search text, its mode and the order stay."""
        query = QueryDict(mutable=True)
        for name in ("q", "mode", "sort"):
            if self.query.get(name):
                query.setlist(name, self.query.getlist(name)[:1])
        return f"{self.path}?{query.urlencode()}" if query else self.path

    def hidden(self, *shown: str) -> list[tuple[str, str]]:
        """(name, value) of the query's parameters that a form showing ``shown`` must carry to keep them."""
        skipped = {*shown, "page"}
        return [(name, v) for name, values in self.query.lists() if name not in skipped for v in values if v]


def _facet_boxes(facets: list[selectors.Facet], urls: ListUrls) -> list[FacetBox]:
    anchors: set[str] = set()

    def anchor(name: str, value: str) -> str:
        base = f"facet-{name}-{slugify(value) or 'value'}"
        candidate, n = base, 1
        while candidate in anchors:
            n += 1
            candidate = f"{base}-{n}"
        anchors.add(candidate)
        return candidate

    def link(name: str, value: selectors.FacetValue, children_name: str) -> FacetLink:
        url = urls.year(value.value) if name == "year" else urls.toggle(name, value.value)
        kids = tuple(link(children_name, child, children_name) for child in value.children)
        return FacetLink(value, url, anchor(name, value.value), _cut(value.label, FACET_LABEL_LENGTH), kids)

    boxes = []
    for facet in facets:
        links = [link(facet.name, value, facet.children_name) for value in facet.values]
        more = links[FACET_SHOWN:]
        title = FACET_TITLES.get(facet.name) or RecommendationFilterForm.base_fields[facet.name].label
        boxes.append(
            FacetBox(
                facet.name,
                str(title),
                tuple(links[:FACET_SHOWN]),
                tuple(more),
                any(_chosen_within(item) for item in more),
            )
        )
    return boxes


def _cut(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters as the ``truncatechars`` filter cuts it, without the filter's walk
    through every character for the many labels short enough."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def _chosen_within(link: FacetLink) -> bool:
    return link.value.selected or any(_chosen_within(child) for child in link.children)


def _active_filters(boxes: list[FacetBox], urls: ListUrls, results, similar_to) -> list[ActiveFilter]:
    """The filters in use, each with the URL that removes it: chips above the results, for phones above all."""
    active = []
    for box in boxes:
        if box.name == "year":
            continue
        stack = [*box.links, *box.more]
        while stack:
            item = stack.pop(0)
            if item.value.selected:
                active.append(ActiveFilter(box.title, item.value.label, item.url))
            stack[:0] = item.children
    wanted = results.filters
    if wanted.year_from is not None or wanted.year_to is not None:
        if wanted.year_from == wanted.year_to:
            label = str(wanted.year_from)
        elif wanted.year_to is None:
            label = _("from %(year)s") % {"year": wanted.year_from}
        elif wanted.year_from is None:
            label = _("until %(year)s") % {"year": wanted.year_to}
        else:
            label = f"{wanted.year_from}–{wanted.year_to}"
        active.append(ActiveFilter(str(FACET_TITLES["year"]), label, urls.with_(year_from=[], year_to=[])))
    if similar_to is not None:
        active.append(ActiveFilter(str(_("Similar to")), str(similar_to), urls.with_(similar_to=[])))
    # A strategic plan's axis is not a facet (its links are few and chosen from the plan's page): its chip says it.
    for axis in PlanAxis.objects.filter(pk__in=wanted.selected.get("plan_axis", ())).select_related("plan"):
        label = f"{axis.plan.name} · {axis}"
        active.append(ActiveFilter(str(_("Strategic-plan axis")), label, urls.toggle("plan_axis", str(axis.pk))))
    # Neither are the dashboard's "overdue" and "at risk", which its numbers link to.
    for name, choices in (("overdue", selectors.OVERDUE_CHOICES), ("at_risk", selectors.AT_RISK_CHOICES)):
        title = str(RecommendationFilterForm.base_fields[name].label)
        for value, label in choices:
            if value in wanted.selected.get(name, ()):
                active.append(ActiveFilter(title, str(label), urls.toggle(name, value)))
    return active


class CountedPaginator(Paginator):
    """A paginator told the number of rows, which the facets have counted already."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _sort_options(results) -> list[tuple[str, str, bool]]:
    """(value sent, label, selected) of each order: the default one is sent empty, relevance offered with a search."""
    default = "relevance" if results.ranked else "newest"
    return [
        ("" if value == default else value, label, value == results.sort)
        for value, label in SORT_CHOICES
        if value != "relevance" or results.ranked
    ]


def _is_htmx(request) -> bool:
    # A history restore after htmx's cache misses asks for the whole page, though it says HX-Request too.
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


@login_required
def recommendation_list(request):
    form = RecommendationFilterForm(request.GET)
    results = selectors.recommendation_results(filters=form.filters(), visible_to=request.user)
    counted = selectors.recommendation_facets(results=results)
    page = CountedPaginator(results.recommendations, PAGE_SIZE, count=counted.total).get_page(request.GET.get("page"))
    recommendations = list(page.object_list)
    snippets = selectors.search_snippets(results=results, recommendation_ids=[r.pk for r in recommendations])
    for recommendation in recommendations:
        recommendation.snippet, recommendation.snippet_language = snippets.get(recommendation.pk, ("", ""))
    similar_to = None
    if results.filters.similar_to is not None:
        similar_to = Recommendation.objects.select_related("mechanism").filter(pk=results.filters.similar_to).first()
    urls = ListUrls(request.path, request.GET)
    boxes = _facet_boxes(counted.facets, urls)
    active = _active_filters(boxes, urls, results, similar_to or results.filters.similar_to)
    context = {
        "form": form,
        "results": results,
        "filters": results.filters,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "recommendations": recommendations,
        "facets": boxes,
        "active_filters": active,
        "clear_url": urls.cleared(),
        "search_state": urls.hidden("q", "mode", "sort"),
        "year_state": urls.hidden("year_from", "year_to"),
        "modes": MODE_CHOICES,
        "sort_options": _sort_options(results),
        "similar_to": similar_to,
        "search_limit": selectors.SEARCH_LIMIT,
        "can_assign": policies.can_assign(request.user),
    }
    template = "recommendation_list_partial" if _is_htmx(request) else "recommendation_list"
    response = render(request, f"recommendations/{template}.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_page(request, recommendation: Recommendation, *, status_form=None, conflict=None, status: int = 200):
    """The recommendation with its follow-up as ``request.user`` may see it, and the buttons they may use."""
    user = request.user
    followup = followup_selectors.recommendation_followup(recommendation=recommendation, user=user)
    context = {
        "recommendation": recommendation,
        "timeline": followup.timeline,
        # Each decision on the status, with its justification: the entries of the recommendation itself.
        "status_history": [
            step for step in followup.timeline if not step.subject and "implementation_status" in step.entry.changes
        ],
        "assignments": followup.assignments,
        "actions": followup.actions,
        "updates": followup.updates,
        "can_assign": policies.can_assign(user),
        "can_set_status": policies.can_set_implementation_status(user),
        "can_plan": policies.can_plan_for(user, user.institution_id),
        "can_report": policies.can_report_on_recommendation(user, recommendation),
        "status_form": status_form
        or RecommendationStatusForm(
            initial={"status": recommendation.implementation_status, "version": recommendation.version}
        ),
        "conflict": conflict,
    }
    return render(request, "recommendations/recommendation_detail.html", context, status=status)


def _recommendation_or_404(pk: int, user) -> Recommendation:
    recommendation = selectors.recommendation_get(pk=pk, visible_to=user)
    if recommendation is None:
        raise Http404
    return recommendation


@login_required
def recommendation_detail(request, pk: int):
    return _detail_page(request, _recommendation_or_404(pk, request.user))


@require_POST
@login_required
def recommendation_status(request, pk: int):
    """A coordinator decides the implementation status, with the justification the history keeps."""
    recommendation = _recommendation_or_404(pk, request.user)
    policies.require(policies.can_set_implementation_status(request.user))
    form = RecommendationStatusForm(request.POST)
    if form.is_valid():
        try:
            followup_services.recommendation_status_set(
                recommendation=recommendation, by=request.user, **form.cleaned_data
            )
        except EditConflict as error:
            current = error.instance
            data = form.data.copy()
            data["version"] = current.version
            form = RecommendationStatusForm(data)
            form.is_valid()
            return _detail_page(
                request, _recommendation_or_404(pk, request.user), status_form=form, conflict=current, status=409
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The implementation status is now “%(status)s”.")
                % {"status": recommendation.get_implementation_status_display()},
            )
            return redirect("recommendation_detail", pk=pk)
    return _detail_page(request, recommendation, status_form=form, status=400)


@login_required
def recommendation_similar(request, pk: int):
    """The "more like this" section of a recommendation's page, which htmx loads once the page is shown; a plain
    visit goes to the list of the similar recommendations instead."""
    list_url = f"{reverse('recommendation_list')}?similar_to={pk}"
    if not _is_htmx(request):
        return redirect(list_url)
    similar = selectors.recommendation_similar(recommendation_id=pk, limit=SIMILAR_SHOWN)
    response = render(
        request, "recommendations/includes/similar.html", {"similar": similar, "list_url": list_url, "pk": pk}
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
