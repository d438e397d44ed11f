"""How the write endpoints are described in the OpenAPI schema: their error answers, and the version rule.

Imported by ``ApiConfig.ready`` so that the serializer extension is registered before any schema is generated.
"""

import copy
import functools

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

VERSION_RULE = (
    "A change must send the `version` of the record it read: if someone changed the record in between, the answer "
    "is 409 with the record as it is now, and nothing is written. A successful change raises the version by one."
)

BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A value is missing or refused: `{field: [messages]}` (`non_field_errors` for the record as a whole).",
)
NOT_ALLOWED = OpenApiResponse(
    inline_serializer("Refusal", {"detail": serializers.CharField()}),
    description="The signed-in user may not do this (their role, their institution, or the record's state).",
)
NOT_FOUND = OpenApiResponse(
    inline_serializer("NotFound", {"detail": serializers.CharField()}),
    description="No such record, or one the signed-in user may not see.",
)
NOT_SIGNED_IN = OpenApiResponse(
    inline_serializer("NotSignedIn", {"detail": serializers.CharField()}),
    description="No valid token or session: sign in (`Authorization: Token <key>`).",
)
NO_SUCH_PAGE = OpenApiResponse(
    inline_serializer("NoSuchPage", {"detail": serializers.CharField()}),
    description="The `page` asked for is not a page of the list (past the last one, or not a page number).",
)


@functools.cache  # one component per resource, however many endpoints answer it
def conflict(serializer_class: type[serializers.Serializer]) -> OpenApiResponse:
    """409: the record changed since the version sent; ``current`` is the record as it is now."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return OpenApiResponse(
        inline_serializer(
            f"{name}Conflict",
            {
                "detail": serializers.CharField(),
                "version": serializers.IntegerField(help_text="The record's current version: send it to retry."),
                "current": serializer_class(),
            },
        ),
        description="Someone else changed the record since the version sent; nothing was written.",
    )


def array_of(component: str) -> dict:
    """A plain (not paginated) list of a component, for a write that answers several records."""
    # drf-spectacular paginates every list a paginated view answers; a raw schema is taken as it is.
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{component}"}}


def write_responses(status: int, serializer, *, versioned: bool = True, conflict_serializer=None) -> dict:
    """The answers of a write: ``status`` with ``serializer`` on success, then 400, 403, 404 and, when the write
    takes a version, 409 with the current record (of ``conflict_serializer``, by default ``serializer``)."""
    responses = {status: serializer, 400: BAD_REQUEST, 403: NOT_ALLOWED, 404: NOT_FOUND}
    if versioned:
        responses[409] = conflict(conflict_serializer or serializer)
    return responses


class AutoSchema(SpectacularAutoSchema):
    """Every operation also lists the refusals that any request may meet before its view even runs: 401 without a
    valid token or session, 404 for a record named in the path that does not exist (or is not visible), and 404 for
    a page of a list that does not exist. An operation that documents one of these itself keeps its own."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, response in self._common_refusals().items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(response, str(status), direction=direction)
        return responses

    def _common_refusals(self) -> dict:
        refusals = {401: NOT_SIGNED_IN}
        if "{" in self.path:
            refusals[404] = NOT_FOUND
        elif self._is_list_view() and self._get_paginator() is not None and self.method == "GET":
            refusals[404] = NO_SUCH_PAGE
        return refusals


class VersionedChangeExtension(OpenApiSerializerExtension):
    """A PATCH body of a versioned record: every field optional, except the version, which stays required.

    drf-spectacular describes every PATCH body as partial, dropping all required fields; our change serializers are
    partial by construction (``VersionedChange``), so the schema is generated from them as they are.
    """

    target_class = "rasd.api.followup_serializers.VersionedChange"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        serializer = copy.copy(force_instance(self.target))
        serializer.partial = False
        return auto_schema._map_serializer(serializer, direction, bypass_extensions=True)
