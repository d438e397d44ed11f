"""The read API (/api/v1/): its schema, every endpoint in it, the filters it shares with the list page, sign-in.

The test database holds the reference data and the 742 real Moroccan recommendations of the demo set (see conftest).
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate as validate_spec
from rest_framework.authtoken.models import Token

from rasd.cooperation.models import Cooperation
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Document, Mechanism, Review
from rasd.recommendations.forms import RecommendationFilterForm
from rasd.recommendations.models import AffectedPerson, NationalAxis, Recommendation, SdgGoal, SdgTarget, Theme
from rasd.recommendations.selectors import recommendation_list
from rasd.states.models import State
from rasd.strategy.demo import panddh_load
from rasd.strategy.models import StrategicPlan
from tests import openapi
from tests.conftest import login
from tests.openapi import API, assert_matches_schema, collection_of

pytestmark = pytest.mark.django_db

# The first row of data/demo/didh_morocco/recommendations.csv: a CERD recommendation in French and Arabic.
DEMO_KEY = "aee6b5f9e598"


@pytest.fixture
def generated():
    """The OpenAPI document as `manage.py spectacular` makes it, as plain JSON, and whether it warned."""
    return openapi.generated()


@pytest.fixture
def schema(generated):
    return generated[0]


@pytest.fixture
def alice(django_user_model):
    """A coordinator at the national mechanism's secretariat."""
    institution = Institution.objects.create(code="test-api-secretariat", name_fr="Secrétariat (test)")
    return django_user_model.objects.create_user(username="alice", role="coordinator", institution=institution)


@pytest.fixture
def bob(django_user_model):
    """An observer at another institution, who reads the API from a script with a token."""
    institution = Institution.objects.create(code="test-api-observer", name_fr="Observatoire (test)", type="cso")
    return django_user_model.objects.create_user(username="bob", role="observer", institution=institution)


@pytest.fixture
def alice_client(client, alice):
    login(client, alice)
    return client


@pytest.fixture
def samples():
    """One real object per collection, chosen to exercise the awkward keys (spaces, slashes, dots), and a demo
    recommendation given one of every classification so that each nested shape is checked against the schema."""
    affected = AffectedPerson.objects.create(code="test-women", name_en="Women (test)", name_ar="النساء")
    recommendation = Recommendation.objects.get(source="didh", source_key=DEMO_KEY)
    recommendation.affected_persons.add(affected)
    recommendation.themes.add(Theme.objects.order_by("id").first())
    recommendation.sdg_targets.add(SdgTarget.objects.get(code="5.a"))
    recommendation.recommending_states.add(State.objects.get(iso3="FRA"))
    recommendation.review = Review.objects.order_by("id").first()
    recommendation.document = Document.objects.get(symbol="A/HRC/36/6")
    recommendation.save()
    return {
        "recommendations": recommendation,
        "mechanisms": Mechanism.objects.get(code="SR on torture"),
        "reviews": Review.objects.order_by("id").first(),
        "documents": Document.objects.get(symbol="A/HRC/36/6"),
        "states": State.objects.get(iso3="MAR"),
        "institutions": Institution.objects.get(code="justice"),
        "themes": Theme.objects.order_by("id").first(),
        "affected-persons": affected,
        "sdg-goals": SdgGoal.objects.get(number=16),
        "sdg-targets": SdgTarget.objects.get(code="5.a"),
        "national-axes": NationalAxis.objects.get(code="2.1"),
        "plans": _plan(),
        "cooperation": Cooperation.objects.create(
            agency=Institution.objects.get(code="undp"), axis="expertise", title="Expertise", amount=1000
        ),
    }


def _plan():
    panddh_load()
    return StrategicPlan.objects.get(code="panddh")


def get_operations(schema) -> list[tuple[str, dict]]:
    """The reads of the recommendations and the reference data (test_api_followup.py tests the follow-up's)."""
    return [
        (path, item["get"])
        for path, item in schema["paths"].items()
        if "get" in item and collection_of(path) not in openapi.FOLLOW_UP_COLLECTIONS
    ]


def concrete_path(path: str, samples: dict) -> str:
    """`/api/v1/documents/{symbol}/` → `/api/v1/documents/A/HRC/36/6/`, from the sample of that collection."""
    collection, _, rest = path.removeprefix(API).partition("/")
    if "{" not in rest:
        return path
    name = rest.strip("/{}")
    return f"{API}{collection}/{quote(str(getattr(samples[collection], name)), safe='/')}/"


# The schema


def test_the_schema_is_valid_openapi_3_and_generates_without_warnings(generated):
    schema, warned = generated
    assert not warned, "run `manage.py spectacular --fail-on-warn` to see the warnings"
    validate_spec(schema)
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Rasd API" and schema["info"]["version"] == "1"


def test_the_reference_data_is_read_only_and_of_a_recommendation_only_the_status_is_written(schema):
    written = {
        path
        for path, item in schema["paths"].items()
        if set(item) - {"get", "parameters"} and collection_of(path) not in openapi.FOLLOW_UP_COLLECTIONS
    }
    assert written == {f"{API}recommendations/{{id}}/status/"}


def test_every_filter_of_the_list_page_is_a_documented_parameter_of_the_api(schema):
    operation = schema["paths"][f"{API}recommendations/"]["get"]
    documented = {parameter["name"] for parameter in operation["parameters"]}
    assert set(RecommendationFilterForm.base_fields) | {"page", "page_size"} <= documented


def test_every_collection_of_the_api_is_in_the_readme(schema):
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("## REST API", 1)[1].split("\n## ", 1)[0]
    collections = {collection_of(path) for path in schema["paths"]}
    assert [c for c in sorted(collections) if f"`{c}`" not in section] == []


def test_the_schema_is_served_to_a_signed_in_user(alice_client):
    response = alice_client.get(f"{API}schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert f"{API}recommendations/" in response.json()["paths"]


def test_the_documentation_page_is_served_from_the_install_not_from_a_cdn(alice_client):
    response = alice_client.get(f"{API}docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_the_documentation_page_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(f"{API}docs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# Every endpoint


def test_every_endpoint_in_the_schema_answers_with_its_documented_fields(alice_client, schema, samples):
    operations = get_operations(schema)
    collections = {collection_of(path) for path, _ in operations}
    assert collections == set(samples), "each collection of the API needs a sample object in this test"
    for path, operation in operations:
        url = concrete_path(path, samples)
        response = alice_client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        data = response.json()
        assert_matches_schema(data, operation)
        if "results" in data:
            assert data["results"], f"{url} lists nothing: its items were not checked"
    assert len(operations) == 2 * len(samples)


def test_every_endpoint_in_the_schema_refuses_an_anonymous_request_with_401(client, schema, samples):
    for path, _ in get_operations(schema):
        response = client.get(concrete_path(path, samples))
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/json"
        assert response["WWW-Authenticate"] == "Token"


def test_the_api_root_and_the_schema_need_a_signed_in_user_too(client):
    assert client.get(API).status_code == 401
    assert client.get(f"{API}schema/").status_code == 401


# Recommendations: the same filters as the list page


@pytest.mark.parametrize(
    "query",
    [
        {"mechanism": "CAT"},
        {"mechanism": ["CAT", "SR on torture"]},
        {"kind": "treaty_body", "lang": "ar"},
        {"axis": "2"},
        {"axis": "2.1", "status": "implemented"},
        {"position": "none", "sort": "oldest"},
        {"state": "MAR", "lang": ["fr", "en"]},
        {"institution": "justice", "year_from": 2005, "year_to": 2010},
        {"q": "torture"},
        {"q": "التعذيب", "mode": "keyword", "sort": "relevance"},
        {},
    ],
)
def test_the_api_lists_the_same_recommendations_in_the_same_order_as_the_list_page(alice_client, query):
    ids, url, params = [], f"{API}recommendations/", {**query, "page_size": 200}
    while url:
        response = alice_client.get(url, params)
        assert response.status_code == 200, response.content[:300]
        ids += [row["id"] for row in response.json()["results"]]
        url, params = response.json()["next"], None
    expected = list(recommendation_list(filters=query).values_list("id", flat=True))
    assert ids == expected and len(expected) > 0


def test_the_cat_filter_gives_every_recommendation_of_the_committee_against_torture(alice_client):
    data = alice_client.get(f"{API}recommendations/", {"mechanism": "CAT"}).json()
    assert data["count"] == Recommendation.objects.filter(mechanism__code="CAT").count() > 0
    assert {row["mechanism"]["code"] for row in data["results"]} == {"CAT"}


def test_a_filter_value_the_list_page_does_not_know_is_refused_with_its_name(alice_client):
    response = alice_client.get(f"{API}recommendations/", {"mechanism": "NOT-A-MECHANISM", "kind": "upr"})
    assert response.status_code == 400
    assert list(response.json()) == ["mechanism"]


def test_a_search_text_that_cannot_be_understood_is_refused_with_the_reason(alice_client):
    response = alice_client.get(f"{API}recommendations/", {"q": '"torture'})
    assert response.status_code == 400
    assert list(response.json()) == ["q"] and response.json()["q"][0]


def test_the_list_is_paginated_with_a_page_size_of_at_most_200(alice_client):
    total = Recommendation.objects.count()
    first = alice_client.get(f"{API}recommendations/", {"page_size": 10}).json()
    second = alice_client.get(f"{API}recommendations/", {"page_size": 10, "page": 2}).json()
    assert first["count"] == second["count"] == total
    assert len(first["results"]) == len(second["results"]) == 10
    assert first["previous"] is None and "page=2" in first["next"]
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}
    assert len(alice_client.get(f"{API}recommendations/").json()["results"]) == 25
    assert len(alice_client.get(f"{API}recommendations/", {"page_size": 1000}).json()["results"]) == 200
    assert alice_client.get(f"{API}recommendations/", {"page": 1000}).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_page_size(alice_client, django_assert_max_num_queries):
    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as context:
            response = alice_client.get(f"{API}recommendations/", {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(context.captured_queries)

    assert queries(1) == queries(200)
    # Sign-in (2), the filter form's choices (a few), count, page, one per related table: not one per row.
    with django_assert_max_num_queries(25):
        alice_client.get(f"{API}recommendations/", {"page_size": 200, "lang": "ar"})


def test_a_recommendation_reads_in_arabic_french_and_english_with_its_follow_up(alice_client):
    recommendation = Recommendation.objects.get(source="didh", source_key=DEMO_KEY)
    data = alice_client.get(f"{API}recommendations/{recommendation.pk}/").json()
    assert data["text_fr"].startswith("Envisager de ratifier les traités internationaux relatifs aux droits de l’homme")
    assert data["text_ar"].startswith("التفكير في التصديق على المعاهدات الدولية المتعلقة بحقوق الإنسان")
    assert data["text_en"] == ""
    assert data["original_language"] == "fr"
    assert data["code"] == "R21" and data["year"] == 2020 and data["implementation_status"] == "implemented"
    assert data["mechanism"]["code"] == "CERD" and data["mechanism"]["kind"] == "treaty_body"
    assert data["state"]["iso3"] == "MAR" and data["state"]["name_ar"] == State.objects.get(iso3="MAR").name_ar
    assert [axis["code"] for axis in data["national_axes"]] == ["2", "2.1"]
    assert data["national_axes"][1]["parent"] == "2"
    assert data["assignments"] == [
        {"institution": "affaires-etrangeres", "role": "lead"},
        {"institution": "justice", "role": "lead"},
    ]
    assert data["source"] == "didh" and data["source_key"] == DEMO_KEY


def test_an_unknown_recommendation_is_404(alice_client):
    assert alice_client.get(f"{API}recommendations/999999999/").status_code == 404


def test_reference_data_is_found_by_its_natural_key(alice_client):
    assert alice_client.get(f"{API}states/MAR/").json()["name_fr"] == State.objects.get(iso3="MAR").name_fr
    assert alice_client.get(f"{API}documents/A/HRC/36/6/").json()["symbol"] == "A/HRC/36/6"
    assert alice_client.get(f"{API}mechanisms/SR%20on%20torture/").json()["kind"] == "special_procedure"
    assert alice_client.get(f"{API}sdg-goals/5/").json()["targets"][-1] == "5.c"
    assert alice_client.get(f"{API}sdg-targets/16.3/").json()["goal"] == 16
    assert alice_client.get(f"{API}states/XXX/").status_code == 404


# Signing in


def test_a_script_reads_the_api_with_a_token(client, bob):
    token = Token.objects.create(user=bob)
    response = client.get(f"{API}recommendations/", {"mechanism": "CAT"}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["count"] > 0


def test_a_wrong_token_is_refused(client, bob):
    Token.objects.create(user=bob)
    response = client.get(f"{API}recommendations/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401


def test_an_anonymous_request_is_refused_in_the_readers_language(client):
    response = client.get(f"{API}recommendations/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 401
    assert response.json() == {"detail": "لم يتم تزويد بيانات الدخول."}
