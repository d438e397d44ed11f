"""The API against its own OpenAPI document, with requests that Schemathesis generates from the document.

Every operation is called by a coordinator and by a focal point with a token, in the test database, through
the WSGI application (no server, no network). Whatever the data, the API must never fail with a server error, and
each answer must be one the document lists: a documented status code, the documented content type and a body of the
documented shape. The number of examples per operation is bounded so that the file stays quick on both databases;
``RASD_API_FUZZ_EXAMPLES`` raises it for a longer search.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.openapi import assert_documented, generated

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

CONFIG = SchemathesisConfig.from_dict(
    {
        # Random data only (valid and invalid): the document holds no examples, and the coverage phase's thousands of
        # boundary cases would take minutes.
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "all", "max-examples": int(os.environ.get("RASD_API_FUZZ_EXAMPLES", "6"))},
    }
)
schema = schemathesis.openapi.from_dict(generated()[0], config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def connection_kept_open():
    """The requests share the test's database connection and transaction, as with Django's test client: the WSGI
    application would otherwise close the connection when each request ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(people):
    """A token for alice (coordinator, DIDH) and for fatima (focal point, Ministry of Justice), by name."""
    return {name: Token.objects.create(user=getattr(people, name)).key for name in ("alice", "fatima")}


@pytest.mark.parametrize("username", ["alice", "fatima"])
@schema.parametrize()
@settings(
    deadline=None,
    database=None,
    derandomize=True,
    # Each example runs in the test's transaction: rows one example writes are there for the next, and are rolled
    # back when the test ends.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_is_documented_and_none_is_a_server_error(case, tokens, username):
    case.call_and_validate(headers={"Authorization": f"Token {tokens[username]}"}, checks=CHECKS)


# What the search above found once, kept as plain cases: values that no database row can hold are answered 400 or
# 404 as documented, never with a server error (SQLite cannot take an integer past 64 bits, PostgreSQL a NUL).
TOO_LARGE = str(2**70)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/progress-updates/?recommendation={TOO_LARGE}",
        f"/api/v1/recommendations/?review={TOO_LARGE}",
        f"/api/v1/actions/{TOO_LARGE}/",
        "/api/v1/recommendations/?affected_person=J%00",
        "/api/v1/actions/?institution=a%00",
        "/api/v1/mechanisms/CAT%00/",
        "/api/v1/documents/HRC%00/",
        "/api/v1/actions/abc/",
        "/api/v1/actions/a%0Ab/",
    ],
)
def test_values_no_row_can_hold_are_refused_as_documented(client, tokens, url):
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {tokens['fatima']}")
    assert response.status_code in (400, 404)
    assert_documented("GET", url, response)
