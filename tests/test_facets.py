"""The list's filters and facets on the real Moroccan demo set (742 recommendations, see conftest), the search
and "more like this" as the list uses them, and the htmx partial.

The search service is replaced by a fake in the tests about how the list uses it (order, snippets, refusals), so
that they hold whatever the service finds; one test at the end goes through the real service when it is installed.
"""

import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db.models import Count, Q
from django.http import QueryDict
from django.urls import reverse

from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Document, Review
from rasd.recommendations import selectors
from rasd.recommendations.forms import RecommendationFilterForm
from rasd.recommendations.models import AffectedPerson, Recommendation, SdgTarget, Theme
from rasd.recommendations.selectors import recommendation_facets, recommendation_list, recommendation_results
from tests.conftest import login

pytestmark = pytest.mark.django_db

LIST = reverse("recommendation_list")


@pytest.fixture
def alice(django_user_model):
    """A coordinator at the national mechanism's secretariat."""
    institution = Institution.objects.create(code="test-facets-secretariat", name_fr="Secrétariat (test)")
    return django_user_model.objects.create_user(username="alice", role="coordinator", institution=institution)


@pytest.fixture
def alice_client(client, alice):
    login(client, alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def demo():
    return Recommendation.objects.filter(source="didh")


@pytest.fixture
def classified(demo):
    """The demo set has no themes, affected persons or SDGs: give a few CAT and CRC recommendations some."""
    cat = list(demo.filter(mechanism__code="CAT").order_by("id")[:6])
    crc = list(demo.filter(mechanism__code="CRC").order_by("id")[:4])
    theme = Theme.objects.order_by("id").first()
    children = AffectedPerson.objects.create(code="test-children", name_en="Children (test)", name_ar="الأطفال")
    target_16_3, target_16_2, target_5_a = (SdgTarget.objects.get(code=c) for c in ("16.3", "16.2", "5.a"))
    for recommendation in cat:
        recommendation.themes.add(theme)
        recommendation.sdg_targets.add(target_16_3, target_16_2)  # two targets of one goal
    for recommendation in crc:
        recommendation.affected_persons.add(children)
        recommendation.sdg_targets.add(target_5_a)
    return SimpleNamespace(cat=cat, crc=crc, theme=theme, children=children)


def facet(facets, name: str) -> dict[str, int]:
    [found] = [f for f in facets.facets if f.name == name]
    return {value.value: value.count for value in found.values}


def facets_for(**filters):
    return recommendation_facets(results=recommendation_results(filters=filters))


def ids(queryset) -> set[int]:
    return set(queryset.values_list("id", flat=True))


# ---- facet counts are the database's counts ----


def test_each_mechanism_count_equals_the_number_of_its_recommendations():
    counts = facet(facets_for(), "mechanism")
    expected = dict(Recommendation.objects.values_list("mechanism__code").annotate(n=Count("id")))
    assert counts == expected
    assert counts["UPR"] == 166 and counts["CAT"] == 42


def test_the_total_and_the_status_counts_add_up_to_the_list():
    facets = facets_for()
    assert facets.total == Recommendation.objects.count()
    assert facet(facets, "status") == dict(
        Recommendation.objects.values_list("implementation_status").annotate(n=Count("id"))
    )
    narrowed = facets_for(status=["implemented", "not_started"])
    assert (
        narrowed.total
        == Recommendation.objects.filter(implementation_status__in=["implemented", "not_started"]).count()
    )


def test_an_axis_counts_a_recommendation_once_whether_linked_to_it_or_to_several_sub_axes():
    counts = facet(facets_for(), "axis")
    for code in ("2", "5"):
        linked = Recommendation.objects.filter(Q(national_axes__code=code) | Q(national_axes__parent__code=code))
        assert counts[code] == linked.distinct().count() > 0
    assert "5.1" not in counts  # sub-axes appear only under an axis in use


def test_choosing_an_axis_opens_its_sub_axes_with_their_counts():
    axes = {v.value: v for v in [f for f in facets_for(axis="5").facets if f.name == "axis"][0].values}
    assert axes["5"].selected and axes["5"].children
    for child in axes["5"].children:
        assert child.count == Recommendation.objects.filter(national_axes__code=child.value).count()
    assert not axes["2"].children


def test_the_institution_facet_counts_the_recommendations_assigned_to_each_institution_as_lead_or_support():
    counts = facet(facets_for(), "institution")
    expected = dict(
        Assignment.objects.values_list("institution__code").annotate(n=Count("recommendation", distinct=True))
    )
    assert counts == expected
    assert len(counts) > 20


def test_the_recommending_state_review_and_document_facets_count_the_upr_recommendations():
    facets = facets_for()
    review = Review.objects.get()
    assert facet(facets, "review") == {str(review.pk): review.recommendations.count()}
    assert facet(facets, "document") == {
        "A/HRC/36/6": Document.objects.get(symbol="A/HRC/36/6").recommendations.count()
    }
    made_by = dict(
        Recommendation.recommending_states.through.objects.values_list("state__iso3").annotate(n=Count("id"))
    )
    assert facet(facets, "recommending_state") == made_by


def test_a_goal_counts_a_recommendation_once_across_its_targets(classified):
    facets = facets_for(sdg_goal="16")
    goals = facet(facets, "sdg_goal")
    assert goals["16"] == 6 and goals["5"] == 4
    [sdg] = [f for f in facets.facets if f.name == "sdg_goal"]
    targets = {t.value: t.count for goal in sdg.values for t in goal.children}
    assert targets == {"16.2": 6, "16.3": 6}
    assert sdg.children_name == "sdg_target"


def test_facets_with_no_value_in_the_data_are_left_out():
    names = {f.name for f in facets_for().facets}
    assert {"mechanism", "status", "axis", "institution", "lang", "year"} <= names
    assert "theme" not in names and "affected_person" not in names  # the demo set has none


# ---- filters combine ----


def test_two_filters_narrow_the_list_and_each_facet_counts_with_the_other_filter():
    facets = facets_for(mechanism="CAT", status="in_progress")
    both = Recommendation.objects.filter(mechanism__code="CAT", implementation_status="in_progress")
    assert ids(recommendation_list(filters={"mechanism": "CAT", "status": "in_progress"})) == ids(both)
    assert facets.total == both.count()
    # The mechanism facet leaves out its own filter: every mechanism, counted among the recommendations in progress.
    in_progress = Recommendation.objects.filter(implementation_status="in_progress")
    assert facet(facets, "mechanism") == dict(in_progress.values_list("mechanism__code").annotate(n=Count("id")))
    assert facet(facets, "status") == dict(
        Recommendation.objects.filter(mechanism__code="CAT")
        .values_list("implementation_status")
        .annotate(n=Count("id"))
    )
    # The other facets count within both filters.
    assert sum(facet(facets, "year").values()) == both.count()


def test_several_values_of_one_filter_match_any_of_them():
    listed = ids(recommendation_list(filters={"mechanism": ["CAT", "CRC"]}))
    assert listed == ids(Recommendation.objects.filter(mechanism__code__in=["CAT", "CRC"]))
    assert len(listed) == 42 + 57
    counts = facet(facets_for(mechanism=["CAT", "CRC"]), "mechanism")
    assert counts["CAT"] == 42 and counts["CRC"] == 57 and counts["UPR"] == 166


def test_a_year_range_keeps_the_recommendations_of_the_years_within_it():
    assert ids(recommendation_list(filters={"year_from": 2010})) == ids(Recommendation.objects.filter(year__gte=2010))
    assert ids(recommendation_list(filters={"year_to": "2010"})) == ids(Recommendation.objects.filter(year=2008))
    assert not recommendation_list(filters={"year_from": 2009, "year_to": 2019}).exists()
    years = facet(facets_for(year_from=2020, year_to=2020), "year")
    assert years == {"2020": 674, "2008": 68}  # the year facet leaves out the range, so that it can be widened


def test_the_list_page_combines_filters_from_the_url(alice_client):
    response = alice_client.get(f"{LIST}?mechanism=CAT&mechanism=CRC&axis=5&year_from=2015")
    expected = Recommendation.objects.filter(
        Q(national_axes__code="5") | Q(national_axes__parent__code="5"),
        mechanism__code__in=["CAT", "CRC"],
        year__gte=2015,
    ).distinct()
    assert response.context["page_obj"].paginator.count == expected.count() > 0
    titles = {(a.title, a.label) for a in response.context["active_filters"]}
    assert ("Mechanism", "CAT · Committee against Torture") in titles and ("Year", "from 2015") in titles
    assert len(titles) == 4


# ---- the API-shaped call: every filter through recommendation_list(filters=...) ----


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"mechanism": "CAT"}, Q(mechanism__code="CAT")),
        ({"kind": ["treaty_body", "upr"]}, Q(mechanism__kind__in=["treaty_body", "upr"])),
        ({"review": "REVIEW"}, Q(review__isnull=False)),
        ({"document": "A/HRC/36/6"}, Q(document__symbol="A/HRC/36/6")),
        ({"position": "none"}, Q(position="")),
        ({"status": "implemented"}, Q(implementation_status="implemented")),
        ({"axis": "5.1"}, Q(national_axes__code="5.1")),
        ({"institution": "justice"}, Q(assignments__institution__code="justice")),
        ({"theme": "THEME"}, Q(themes__isnull=False)),
        ({"theme": "THEME_CODE"}, Q(themes__isnull=False)),
        ({"affected_person": "test-children"}, Q(affected_persons__code="test-children")),
        ({"sdg_goal": 16}, Q(sdg_targets__goal__number=16)),
        ({"sdg_target": ["5.a"]}, Q(sdg_targets__code="5.a")),
        ({"recommending_state": "fra"}, Q(recommending_states__iso3="FRA")),
        ({"state": "MAR"}, Q(state__iso3="MAR")),
        ({"lang": "ar"}, ~Q(text_ar="")),
        ({"year_from": 2015, "year_to": 2025}, Q(year__range=(2015, 2025))),
        ({"similar_to": "CAT_FIRST"}, None),
        ({"q": "torture", "mode": "keyword", "sort": "oldest"}, None),
    ],
)
def test_every_filter_works_through_the_selector_the_api_calls(monkeypatch, classified, filters, expected):
    placeholders = {
        "REVIEW": str(Review.objects.get().pk),
        "THEME": str(classified.theme.pk),
        "THEME_CODE": classified.theme.code,
        "CAT_FIRST": str(classified.cat[0].pk),
    }
    filters = {
        name: placeholders.get(value, value) if isinstance(value, str) else value for name, value in filters.items()
    }
    listed = list(recommendation_list(filters=filters).values_list("id", flat=True))
    assert len(listed) == len(set(listed)) > 0
    if expected is not None:
        assert set(listed) == ids(Recommendation.objects.filter(expected))
    # The same filters, read by the form from a URL as the page and the API do, give the same list.
    query = QueryDict(mutable=True)
    for name, value in filters.items():
        query.setlist(name, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    form = RecommendationFilterForm(query)
    assert form.is_valid(), form.errors
    assert list(recommendation_list(filters=form.filters()).values_list("id", flat=True)) == listed


def test_the_form_refuses_a_value_no_reference_row_has_and_checks_them_all_in_one_query(
    django_assert_num_queries,
):
    form = RecommendationFilterForm(
        {"mechanism": ["CAT", "NOPE"], "axis": ["5"], "state": ["mar"], "review": ["x"], "position": ["maybe"]}
    )
    with django_assert_num_queries(1):
        assert not form.is_valid()
    assert set(form.errors) == {"mechanism", "review", "position"}
    assert form.filters() == {"axis": ["5"], "state": ["MAR"]}


def test_an_unknown_value_drops_its_filter_on_the_page_not_the_page(alice_client):
    response = alice_client.get(f"{LIST}?mechanism=NOPE&status=implemented")
    assert response.status_code == 200
    assert (
        response.context["page_obj"].paginator.count
        == Recommendation.objects.filter(implementation_status="implemented").count()
    )


# ---- the page: links, labels, htmx ----


def test_each_facet_value_links_to_the_url_with_that_value_added_or_removed(alice_client):
    body = alice_client.get(f"{LIST}?mechanism=CAT&status=implemented&page=2").content.decode()
    # CAT is chosen: its link takes it away; CRC's adds it beside CAT. Both go back to the first page.
    assert 'href="/recommendations/?status=implemented" id="facet-mechanism-cat"' in body
    assert (
        'href="/recommendations/?mechanism=CAT&amp;mechanism=CRC&amp;status=implemented" id="facet-mechanism-crc"'
        in body
    )
    assert re.search(r'class="rasd-facet-value is-chosen" href="[^"]*" id="facet-mechanism-cat"', body)


def test_the_search_form_carries_the_other_filters_and_clear_all_keeps_the_search(alice_client):
    response = alice_client.get(f"{LIST}?q=torture&mode=keyword&mechanism=CAT&year_from=2010&page=3")
    assert response.context["search_state"] == [("mechanism", "CAT"), ("year_from", "2010")]
    assert response.context["clear_url"] == "/recommendations/?q=torture&mode=keyword"
    body = response.content.decode()
    assert '<input type="hidden" name="mechanism" value="CAT">' in body
    assert 'name="q" id="rasd-q"' in body and 'value="torture" dir="auto"' in body


def test_facet_labels_are_in_the_active_language_with_their_numbers_isolated(client, alice):
    login(client, alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    body = client.get(LIST).content.decode()
    assert "CAT · لجنة مناهضة التعذيب" in body
    assert '<span class="rasd-facet-count"><bdi>166</bdi></span>' in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    body = client.get(LIST).content.decode()
    assert "CAT · Comité contre la torture" in body and "Maroc" in body


def test_a_long_facet_shows_ten_values_and_the_others_behind_show_more(alice_client):
    response = alice_client.get(LIST)
    [institutions] = [box for box in response.context["facets"] if box.name == "institution"]
    assert len(institutions.links) == 10 and len(institutions.more) > 10
    assert not institutions.more_open
    last = institutions.more[-1].value.value
    response = alice_client.get(f"{LIST}?institution={last}")
    [institutions] = [box for box in response.context["facets"] if box.name == "institution"]
    assert institutions.more_open  # a chosen value is never hidden


def test_an_htmx_request_gets_the_results_and_the_facets_without_the_page(alice_client):
    response = alice_client.get(f"{LIST}?mechanism=CAT", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "rasd-search-form" not in body
    assert body.lstrip().startswith('<div id="rasd-results"')
    assert '<div id="rasd-facets" class="rasd-facets" hx-boost="true" hx-swap-oob="true">' in body
    assert re.search(
        r'<div id="rasd-search-state" hidden hx-swap-oob="true">\s*<input type="hidden" name="mechanism"', body
    )
    assert 'value="/recommendations/?mechanism=CAT" id="rasd-language-next" hx-swap-oob="true"' in body
    assert "HX-Request" in response["Vary"]
    assert response.context["page_obj"].paginator.count == 42


def test_the_full_page_is_sent_when_htmx_restores_history_or_without_htmx(alice_client):
    restored = alice_client.get(LIST, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()
    plain = alice_client.get(LIST).content.decode()
    # Without JavaScript the form is an ordinary GET form and the facets ordinary links.
    assert re.search(r'<form id="rasd-search-form" class="rasd-search" method="get" action="/recommendations/"', plain)
    assert 'hx-get="/recommendations/" hx-target="#rasd-results"' in plain and 'hx-push-url="true"' in plain
    assert "vendor/htmx/htmx.min.js" in plain


def test_the_list_page_stays_within_22_queries_with_two_filters_and_a_search(
    alice_client, monkeypatch, django_assert_max_num_queries
):
    demo = list(Recommendation.objects.order_by("id").values_list("id", flat=True))
    use_search(monkeypatch, FakeSearch(hits=demo[::-1]))
    url = f"{LIST}?q=anything&mechanism=CAT&mechanism=UPR&status=in_progress&page=2"
    alice_client.get(url)  # warm the session
    # Session, user, the user's institution and authenticator (the page's frame); the filters' check; one grouped
    # query per facet; the page's rows. The count comes with the facets.
    with django_assert_max_num_queries(22):
        response = alice_client.get(url)
    assert response.context["page_obj"].number == 2


def test_facets_take_one_query_each_whatever_the_number_of_values(classified, django_assert_max_num_queries):
    first = classified.cat[0]
    axis = first.national_axes.select_related("parent").first()
    top = (axis.parent or axis).code
    results = recommendation_results(filters={"mechanism": ["CAT"], "axis": [top], "sdg_goal": ["16"]})
    with django_assert_max_num_queries(18):  # 16 facets, and the sub-axes and the targets of the values chosen
        facets = recommendation_facets(results=results)
    assert facets.total > 0
    assert len(facet(facets, "institution")) > 1


# ---- the search, as the list uses it ----


@dataclass(frozen=True)
class Hit:
    recommendation_id: int
    score: float
    snippet: str = ""
    language: str = ""


class FakeSearchError(ValueError):
    pass


class FakeSearch:
    """The search service's interface, answering with the hits it was given."""

    def __init__(self, hits=(), error: str = "", similar=()):
        self.hits, self.error, self.similar, self.calls = list(hits), error, list(similar), []

    def recommendation_search(self, *, query, mode="keyword", limit=1000):
        self.calls.append((query, mode, limit))
        if self.error:
            raise FakeSearchError(self.error)
        return [Hit(pk, 1.0 / (n + 1), f"…<mark>{pk}</mark>…", "fr") for n, pk in enumerate(self.hits[:limit])]

    def recommendation_more_like_this(self, *, recommendation_id, limit=20):
        return [Hit(pk, 1.0) for pk in self.similar[:limit]]

    def recommendation_snippets(self, *, recommendation_ids, query):
        return {pk: (f"…<mark>{pk}</mark>…", "fr") for pk in recommendation_ids}


def use_search(monkeypatch, search: FakeSearch) -> FakeSearch:
    """The list's selectors ask ``search`` instead of the search service."""
    monkeypatch.setattr(selectors, "SearchQueryError", FakeSearchError)
    for name in ("recommendation_search", "recommendation_more_like_this", "recommendation_snippets"):
        monkeypatch.setattr(selectors, name, getattr(search, name))
    return search


def test_search_hits_are_listed_best_first_and_filtered_with_their_snippets(alice_client, monkeypatch):
    cat = list(Recommendation.objects.filter(mechanism__code="CAT").order_by("-id").values_list("id", flat=True))
    upr = list(Recommendation.objects.filter(mechanism__code="UPR").values_list("id", flat=True))[:5]
    hits = [cat[3], upr[0], cat[0], cat[7], upr[1], *cat[10:40]]
    search = FakeSearch(hits=hits)
    use_search(monkeypatch, search)
    response = alice_client.get(f"{LIST}?q=torture&mode=hybrid&mechanism=CAT")
    assert search.calls == [("torture", "hybrid", 1000)]
    listed = [r.pk for r in response.context["recommendations"]]
    cat_hits = [pk for pk in hits if pk in cat]
    assert listed == cat_hits[:25]
    second = alice_client.get(f"{LIST}?q=torture&mode=hybrid&mechanism=CAT&page=2")
    assert [r.pk for r in second.context["recommendations"]] == cat_hits[25:]
    body = response.content.decode()
    assert f'<p class="rasd-excerpt rasd-snippet" lang="fr" dir="auto">…<mark>{cat[3]}</mark>…</p>' in body
    assert "recommendations found for «<bdi>torture</bdi>»" in body
    # The facets count the hits only.
    assert facet(recommendation_facets(results=recommendation_results(filters={"q": "x"})), "mechanism") == {
        "CAT": len(cat_hits),
        "UPR": 2,
    }
    # Another order than relevance orders the hits as the list would.
    oldest = alice_client.get(f"{LIST}?q=torture&mechanism=CAT&sort=oldest")
    assert oldest.context["page_obj"].paginator.count == len(cat_hits)
    shown = [(r.year, r.pk) for r in oldest.context["recommendations"]]
    assert shown == sorted(shown)


def test_a_search_the_service_refuses_shows_its_message_above_the_list(alice_client, monkeypatch):
    use_search(monkeypatch, FakeSearch(error="Unbalanced quotes."))
    response = alice_client.get(f'{LIST}?q="torture&status=implemented')
    assert response.status_code == 200
    body = response.content.decode()
    assert "Unbalanced quotes." in body and "rasd-search-error" in body
    assert (
        response.context["page_obj"].paginator.count
        == Recommendation.objects.filter(implementation_status="implemented").count()
    )
    with pytest.raises(FakeSearchError):  # the API answers it with a 400
        recommendation_list(filters={"q": '"torture'})


def test_a_search_that_reaches_the_limit_says_so(alice_client, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 3)
    demo = list(Recommendation.objects.values_list("id", flat=True)[:10])
    use_search(monkeypatch, FakeSearch(hits=demo))
    response = alice_client.get(f"{LIST}?q=torture")
    assert response.context["page_obj"].paginator.count == 3
    assert "best matches of the search are listed" in response.content.decode()


# ---- more like this ----


def test_similar_to_lists_the_most_similar_first_and_takes_the_filters(alice_client, monkeypatch):
    cat = list(Recommendation.objects.filter(mechanism__code="CAT").values_list("id", flat=True))
    upr = list(Recommendation.objects.filter(mechanism__code="UPR").values_list("id", flat=True))
    similar = [upr[2], cat[5], cat[1], upr[0], cat[9]]
    use_search(monkeypatch, FakeSearch(similar=similar))
    response = alice_client.get(f"{LIST}?similar_to={cat[0]}")
    assert [r.pk for r in response.context["recommendations"]] == similar
    assert response.context["similar_to"].pk == cat[0]
    assert "rasd-similar-intro" in response.content.decode()
    narrowed = alice_client.get(f"{LIST}?similar_to={cat[0]}&mechanism=CAT")
    assert [r.pk for r in narrowed.context["recommendations"]] == [cat[5], cat[1], cat[9]]


def test_when_the_search_service_finds_nothing_similar_means_sharing_national_axes(monkeypatch):
    use_search(monkeypatch, FakeSearch(similar=[]))
    recommendation = Recommendation.objects.filter(mechanism__code="CAT").order_by("id").first()
    similar = selectors.recommendation_similar(recommendation_id=recommendation.pk, limit=10)
    assert not similar.by_text and len(similar.recommendations) == 10
    own = set(recommendation.national_axes.values_list("id", flat=True))
    shared = [len(own & set(r.national_axes.values_list("id", flat=True))) for r in similar.recommendations]
    assert shared == sorted(shared, reverse=True) and shared[-1] > 0
    assert recommendation not in similar.recommendations


def test_the_detail_page_loads_more_like_this_after_itself_with_a_link_for_no_javascript(alice_client, monkeypatch):
    recommendation = Recommendation.objects.filter(mechanism__code="CAT").order_by("id").first()
    detail = alice_client.get(reverse("recommendation_detail", args=[recommendation.pk])).content.decode()
    similar_url = reverse("recommendation_similar", args=[recommendation.pk])
    assert f'hx-get="{similar_url}" hx-trigger="load"' in detail
    assert f'href="{LIST}?similar_to={recommendation.pk}"' in detail

    others = list(Recommendation.objects.filter(mechanism__code="CRC").order_by("id")[:12])
    use_search(monkeypatch, FakeSearch(similar=[r.pk for r in others]))
    client = alice_client
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    partial = client.get(similar_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    shown = re.findall(r'href="/recommendations/(\d+)/"', partial)
    assert shown == [str(r.pk) for r in others[:10]]
    assert others[0].text_ar[:40] in partial  # the excerpt in the active language
    # Visited without htmx, the section's address opens the list of the similar recommendations.
    plain = client.get(similar_url)
    assert plain.status_code == 302 and plain["Location"] == f"{LIST}?similar_to={recommendation.pk}"


def test_more_like_this_shows_the_services_refusal(alice_client, monkeypatch):
    class Refusing(FakeSearch):
        def recommendation_more_like_this(self, *, recommendation_id, limit=20):
            raise FakeSearchError("This recommendation has no embedding yet.")

    use_search(monkeypatch, Refusing())
    pk = Recommendation.objects.first().pk
    body = alice_client.get(reverse("recommendation_similar", args=[pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "no embedding yet" in body


# ---- through the real search service ----


def test_an_arabic_query_through_the_search_service_finds_the_demo_recommendations_on_torture(alice_client):
    response = alice_client.get(f"{LIST}?q=التعذيب&mechanism=CAT")
    assert response.context["results"].ranked and response.context["results"].search_error is None
    found = response.context["recommendations"]
    assert found and all(r.mechanism.code == "CAT" for r in found)
    assert "<mark>" in response.content.decode()
