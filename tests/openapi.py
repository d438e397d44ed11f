"""What the API tests share: the OpenAPI document as `manage.py spectacular` makes it, and the check that an answer
is what the document says it is."""

import copy
import functools
import json
import re

from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

# openapi-schema-validator comes with openapi-spec-validator (requirements-test.txt): the same project's checker
# for instances (OpenAPI 3.1 schemas are JSON Schema 2020-12 with a few additions).
from openapi_schema_validator import OAS31Validator

API = "/api/v1/"

# The collections of the follow-up, tested in test_api_followup.py; test_api.py tests the others.
FOLLOW_UP_COLLECTIONS = {
    "assignments",
    "actions",
    "indicators",
    "progress-updates",
    "indicator-values",
    "evidence",
    "clusters",
    "deadlines",
}


@functools.cache
def generated() -> tuple[dict, bool]:
    """The OpenAPI document as plain JSON, and whether generating it warned; made once per test run."""
    GENERATOR_STATS.reset()
    with translation.override("en"):
        document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document)), bool(GENERATOR_STATS)


def collection_of(path: str) -> str:
    return path.removeprefix(API).partition("/")[0]


@functools.cache
def _closed_components() -> dict:
    """The schema's components with no room for undocumented keys: every object lists all that it may hold."""
    components = copy.deepcopy(generated()[0]["components"])
    for component in components["schemas"].values():
        if "properties" in component:
            component.setdefault("additionalProperties", False)
    return components


def assert_matches_schema(data, operation: dict, status: int = 200, content_type: str = "application/json"):
    response_schema = operation["responses"][str(status)]["content"][content_type]["schema"]
    OAS31Validator({**response_schema, "components": _closed_components()}).validate(data)


@functools.cache
def _templates() -> list[tuple[re.Pattern, str]]:
    paths = generated()[0]["paths"]
    return [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), path) for path in paths]


def operation_of(method: str, url: str) -> tuple[str, dict]:
    """The schema's path and operation that answer ``method url`` (``/api/v1/actions/12/`` → ``/api/v1/actions/{id}/``)."""
    path = url.split("?", 1)[0]
    for pattern, template in _templates():
        if pattern.match(path):
            operations = generated()[0]["paths"][template]
            assert method.lower() in operations, f"{method} {template} is not in the schema"
            return template, operations[method.lower()]
    raise AssertionError(f"{url} is not in the schema")


def assert_documented(method: str, url: str, response) -> None:
    """The answer's status is one the schema lists for the operation, and a JSON body has the documented shape."""
    template, operation = operation_of(method, url)
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {template} answered {status}, which the schema does not list"
    content = operation["responses"][status].get("content", {})
    if "application/json" in content:
        assert response["Content-Type"] == "application/json", (template, status, response["Content-Type"])
        assert_matches_schema(response.json(), operation, response.status_code)
    elif not content:
        assert not response.content, f"{method} {template} answered {status} with a body the schema does not list"
