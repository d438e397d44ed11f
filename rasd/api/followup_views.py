"""The follow-up API: assignments, actions, indicators, progress updates and indicator values with their evidence
and validation workflow, clusters and deadlines.

Each endpoint reads through the visibility rules (``rasd.followup.policies``: a record the user may not see is 404)
and writes through one service (``rasd.followup.services``), which checks who may write (403), what may be written
(400) and from which version (409): the API refuses exactly what the web pages refuse.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet, ReadOnlyModelViewSet

from rasd.api import filters
from rasd.api import followup_serializers as s
from rasd.api.errors import ServiceErrors, validation_errors
from rasd.api.schema import BAD_REQUEST, NOT_ALLOWED, NOT_FOUND, VERSION_RULE, array_of, write_responses
from rasd.followup import policies, selectors, services
from rasd.followup.models import Action
from rasd.mechanisms.models import Deadline
from rasd.recommendations import services as recommendation_services
from rasd.recommendations.models import Cluster, Recommendation

ONLY_IDS = Recommendation.objects.only("id")


class FollowUpViewSet(ServiceErrors, GenericViewSet):
    """A follow-up resource: a list (filtered by ``filter_class``) and a detail of what the user may see, in the
    shape of ``serializer_class``; the writes are each resource's own, one service each."""

    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser]
    filter_class: type[filters.ListFilter] | None = None

    def list(self, request):
        queryset = self.get_queryset()
        if self.filter_class is not None:
            queryset = self.filter_class.apply(queryset, request.query_params)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def parse(self, serializer_class, data=None, **kwargs) -> dict:
        """The request's values, checked by ``serializer_class``; 400 with its messages otherwise."""
        serializer = serializer_class(
            data=self.request.data if data is None else data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, record, *, status=status.HTTP_200_OK, serializer_class=None) -> Response:
        serializer_class = serializer_class or self.serializer_class
        return Response(serializer_class(record, context=self.get_serializer_context()).data, status=status)


def _read_schemas(noun: str, serializer, filter_class=None) -> dict:
    if filter_class is None:
        listing = extend_schema(summary=f"List {noun}s")
    else:
        listing = extend_schema(
            summary=f"List {noun}s",
            parameters=filters.filter_parameters(filter_class),
            responses={200: serializer(many=True), 400: BAD_REQUEST},
        )
    return {
        "list": listing,
        "retrieve": extend_schema(summary=f"One {noun}", responses={200: serializer, 404: NOT_FOUND}),
    }


def _crud_schemas(noun: str, serializer, change_serializer, filter_class) -> dict:
    return {
        **_read_schemas(noun, serializer, filter_class),
        "create": extend_schema(
            summary=f"Create a {noun}",
            request=serializer,
            responses=write_responses(201, serializer, versioned=False),
        ),
        "partial_update": extend_schema(
            summary=f"Change a {noun}",
            description=f"Send only the fields that change, with the version read. {VERSION_RULE}",
            request=change_serializer,
            responses=write_responses(200, serializer),
        ),
    }


# Assignments -------------------------------------------------------------------------------------------------------


@extend_schema_view(
    **_read_schemas("assignment", s.AssignmentSerializer, filters.AssignmentFilter),
    create=extend_schema(
        summary="Assign recommendations",
        description=(
            "Give recommendations, and every recommendation of the clusters, to a lead institution and supporting "
            "ones (coordinators only). An institution already assigned to one of them keeps its assignment, with the "
            "new role and due date. Answers every assignment made or changed."
        ),
        request=s.AssignmentsCreateSerializer,
        responses=write_responses(201, array_of("Assignment"), versioned=False),
    ),
    partial_update=extend_schema(
        summary="Change an assignment",
        description=f"The role or the due date (coordinators only). {VERSION_RULE}",
        request=s.AssignmentChangeSerializer,
        responses=write_responses(200, s.AssignmentSerializer),
    ),
    destroy=extend_schema(
        summary="Remove an assignment",
        description="Coordinators only; the history keeps the record of it.",
        responses={204: None, 403: NOT_ALLOWED, 404: NOT_FOUND},
    ),
)
class AssignmentViewSet(FollowUpViewSet):
    """Recommendations given to institutions to implement, as lead or in support, with a due date.

    Coordinators and observers see every assignment; the members of an institution see its own.
    """

    serializer_class = s.AssignmentSerializer
    filter_class = filters.AssignmentFilter

    def get_queryset(self):
        return (
            policies.assignments_visible_to(self.request.user)
            .select_related("institution", "assigned_by")
            .order_by("recommendation_id", "id")
        )

    def create(self, request):
        values = self.parse(s.AssignmentsCreateSerializer)
        assignments = services.assignments_create(by=request.user, **values)
        data = s.AssignmentSerializer(assignments, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        assignment = self.get_object()
        values = self.parse(s.AssignmentChangeSerializer)
        return self.answer(services.assignment_update(assignment=assignment, by=request.user, **values))

    def destroy(self, request, pk=None):
        services.assignment_delete(assignment=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Actions and indicators --------------------------------------------------------------------------------------------


@extend_schema_view(
    **_crud_schemas("action", s.ActionSerializer, s.ActionChangeSerializer, filters.ActionFilter),
    timeline=extend_schema(
        summary="An action's history",
        description="The changes of the action and of the progress updates on it the user may see, newest first.",
        responses={200: s.TimelineEntrySerializer(many=True), 404: NOT_FOUND},
    ),
)
class ActionViewSet(FollowUpViewSet):
    """Follow-up measures: what an institution will do to implement recommendations.

    A focal point plans actions for their own institution, a coordinator for any. The members of an institution see
    the actions it is responsible for or supports; an observer, those with a validated progress update.
    """

    serializer_class = s.ActionSerializer
    filter_class = filters.ActionFilter

    def get_queryset(self):
        return (
            policies.actions_visible_to(self.request.user)
            .select_related("institution", "created_by")
            .prefetch_related(
                "supporting_institutions",
                Prefetch("recommendations", queryset=ONLY_IDS),
                Prefetch("clusters", queryset=Cluster.objects.only("id")),
            )
        )

    def create(self, request):
        action = services.action_create(by=request.user, **self.parse(s.ActionSerializer))
        return self.answer(action, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        action = self.get_object()
        values = self.parse(s.ActionChangeSerializer)
        return self.answer(services.action_update(action=action, by=request.user, **values))

    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        entries = selectors.action_timeline(action=self.get_object(), user=request.user)
        return Response(s.TimelineEntrySerializer(entries, many=True).data)


@extend_schema_view(
    **_crud_schemas("indicator", s.IndicatorSerializer, s.IndicatorChangeSerializer, filters.IndicatorFilter)
)
class IndicatorViewSet(FollowUpViewSet):
    """Measures of progress (structural, process, outcome), with their baseline, target and reporting frequency.

    A focal point defines indicators for their own institution, a coordinator for any.
    """

    serializer_class = s.IndicatorSerializer
    filter_class = filters.IndicatorFilter

    def get_queryset(self):
        return (
            policies.indicators_visible_to(self.request.user)
            .select_related("institution", "created_by")
            .prefetch_related(
                Prefetch("recommendations", queryset=ONLY_IDS),
                Prefetch("clusters", queryset=Cluster.objects.only("id")),
                Prefetch("actions", queryset=Action.objects.only("id")),
            )
        )

    def create(self, request):
        indicator = services.indicator_create(by=request.user, **self.parse(s.IndicatorSerializer))
        return self.answer(indicator, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        indicator = self.get_object()
        values = self.parse(s.IndicatorChangeSerializer)
        return self.answer(services.indicator_update(indicator=indicator, by=request.user, **values))


# Reports: progress updates and indicator values ----------------------------------------------------------------------


STEPS = {
    "submit": (
        "Submit",
        "The focal point (or the institution's validator) sends a draft, or a returned report once corrected, to the "
        "institution's validator.",
    ),
    "approve": ("Approve", "The institution's validator passes a submitted report on to the coordinator."),
    "validate": (
        "Validate",
        "A coordinator accepts an approved report: from then on it counts in statistics and observers see it.",
    ),
    "return_report": (
        "Return",
        "The institution's validator (a submitted report) or a coordinator (an approved one) sends the report back "
        "to its focal point, with the reason.",
    ),
}


def _report_schemas(noun: str, serializer, change_serializer, filter_class) -> dict:
    """The schema of a report's endpoints: the same for progress updates and indicator values but for the shapes."""
    steps = {
        name: extend_schema(
            summary=f"{verb} a {noun}",
            description=f"{text} {VERSION_RULE}",
            request=s.ReportReturnSerializer if name == "return_report" else s.ReportStepSerializer,
            responses=write_responses(200, serializer),
        )
        for name, (verb, text) in STEPS.items()
    }
    return {
        **_crud_schemas(noun, serializer, change_serializer, filter_class),
        **steps,
        "evidence": extend_schema(
            summary=f"Add an evidence file to a {noun}",
            description=(
                "A multipart upload: the `file` (PDF, Word, Excel, OpenDocument, PNG or JPEG, within the size limit; "
                "its content must match its name) and the report's `version`. Only the focal point, while the report "
                f"is a draft or returned. An upload changes the report: its new version is `report_version`. {VERSION_RULE}"
            ),
            request={"multipart/form-data": s.EvidenceUploadSerializer},
            responses=write_responses(201, s.EvidenceAddedSerializer, conflict_serializer=serializer),
        ),
        "evidence_remove": extend_schema(
            summary=f"Remove an evidence file from a {noun}",
            description=(
                "The report's `version` goes in the query (`?version=3`); the removal changes the report, raising "
                f"its version by one. {VERSION_RULE}"
            ),
            parameters=[
                OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH),
                OpenApiParameter("version", OpenApiTypes.INT, OpenApiParameter.QUERY, required=True),
            ],
            responses=write_responses(204, None, conflict_serializer=serializer),
        ),
        "timeline": extend_schema(
            summary=f"A {noun}'s history",
            description=(
                "Its steps, who took them and why (a return's reason), newest first. Observers and partners see only "
                "the validation."
            ),
            responses={200: s.TimelineEntrySerializer(many=True), 404: NOT_FOUND},
        ),
    }


class ReportWorkflow:
    """The validation workflow, the evidence and the history of a report, written once for progress updates and
    indicator values. Each step takes the version read and answers the report as it is after the step."""

    def _step(self, service, serializer_class=s.ReportStepSerializer) -> Response:
        report = self.get_object()
        values = self.parse(serializer_class)
        return self.answer(service(report=report, by=self.request.user, **values))

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(services.report_submit)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(services.report_approve)

    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        return self._step(services.report_validate)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        return self._step(services.report_return, s.ReportReturnSerializer)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        report = self.get_object()
        values = self.parse(s.EvidenceUploadSerializer)
        try:
            evidence = services.evidence_add(report=report, by=request.user, **values)
        except DjangoValidationError as error:  # the file's type, size or content: said of the file
            raise ValidationError(validation_errors(error, field="file")) from error
        return self.answer(evidence, status=status.HTTP_201_CREATED, serializer_class=s.EvidenceAddedSerializer)

    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<evidence_id>\d+)", url_name="evidence-remove")
    def evidence_remove(self, request, pk=None, evidence_id=None):
        report = self.get_object()
        evidence = get_object_or_404(report.evidence.all(), pk=evidence_id)
        values = self.parse(s.ReportStepSerializer, data=request.query_params)
        services.evidence_remove(evidence=evidence, by=request.user, **values)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        entries = selectors.report_timeline(report=self.get_object(), user=request.user)
        return Response(s.TimelineEntrySerializer(entries, many=True).data)


@extend_schema_view(
    **_report_schemas(
        "progress update", s.ProgressUpdateSerializer, s.ProgressUpdateChangeSerializer, filters.ProgressUpdateFilter
    )
)
class ProgressUpdateViewSet(ReportWorkflow, FollowUpViewSet):
    """Dated reports of what was done on an action or on a recommendation, with evidence files.

    A focal point writes a draft (on an action of their institution, or on a recommendation assigned to it), adds
    evidence, and submits it; the institution's validator approves it; a coordinator validates it, or either returns
    it with a reason. The members of the institution see its reports, drafts included; coordinators see them once
    submitted; partners and observers, once validated.
    """

    serializer_class = s.ProgressUpdateSerializer
    filter_class = filters.ProgressUpdateFilter

    def get_queryset(self):
        return (
            policies.progress_updates_visible_to(self.request.user)
            .select_related("institution", "created_by")
            .prefetch_related("evidence__uploaded_by")
        )

    def create(self, request):
        update = services.progress_update_create(by=request.user, **self.parse(s.ProgressUpdateSerializer))
        return self.answer(update, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        update = self.get_object()
        values = self.parse(s.ProgressUpdateChangeSerializer)
        return self.answer(services.report_update(report=update, by=request.user, **values))


@extend_schema_view(
    **_report_schemas(
        "indicator value", s.IndicatorValueSerializer, s.IndicatorValueChangeSerializer, filters.IndicatorValueFilter
    )
)
class IndicatorValueViewSet(ReportWorkflow, FollowUpViewSet):
    """Values of indicators at a date, with evidence files, through the same validation as progress updates.

    The focal point of the indicator's institution reports its values.
    """

    serializer_class = s.IndicatorValueSerializer
    filter_class = filters.IndicatorValueFilter

    def get_queryset(self):
        return (
            policies.indicator_values_visible_to(self.request.user)
            .select_related("institution", "created_by")
            .prefetch_related("evidence__uploaded_by")
        )

    def create(self, request):
        value = services.indicator_value_create(by=request.user, **self.parse(s.IndicatorValueSerializer))
        return self.answer(value, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        value = self.get_object()
        values = self.parse(s.IndicatorValueChangeSerializer)
        return self.answer(services.report_update(report=value, by=request.user, **values))


class FirstRenderer(BaseContentNegotiation):
    """A file is sent as it is whatever the client accepts; an error, as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    retrieve=extend_schema(
        summary="Download an evidence file",
        description="The file as it was uploaded, for those who may see its report (404 otherwise).",
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, with its own content type."),
            404: NOT_FOUND,
        },
    )
)
class EvidenceViewSet(GenericViewSet):
    """Evidence files, by the token of their `download_url` (never by their uploaded name)."""

    lookup_field = "token"
    lookup_value_regex = "[0-9a-f]{32}"
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer

    def get_queryset(self):
        return policies.evidence_visible_to(self.request.user)

    def retrieve(self, request, token=None):
        evidence = self.get_object()
        response = FileResponse(
            evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
        )
        patch_cache_control(response, private=True)  # a restricted document: no shared cache may keep it
        return response


# Clusters and deadlines --------------------------------------------------------------------------------------------


@extend_schema_view(
    **_read_schemas("cluster", s.ClusterSerializer),
    create=extend_schema(
        summary="Create a cluster", responses=write_responses(201, s.ClusterSerializer, versioned=False)
    ),
    partial_update=extend_schema(
        summary="Change a cluster",
        description="Coordinators only. Send only the fields that change, with the version you read; "
        "`recommendations` replaces the list.",
        request=s.ClusterChangeSerializer,
        responses=write_responses(200, s.ClusterSerializer),
    ),
)
class ClusterViewSet(FollowUpViewSet):
    """Recommendations that ask for the same thing, across mechanisms and cycles, followed up together.

    Every signed-in user reads them; coordinators create and change them.
    """

    serializer_class = s.ClusterSerializer

    def get_queryset(self):
        return Cluster.objects.select_related("created_by").prefetch_related(
            Prefetch("recommendations", queryset=ONLY_IDS)
        )

    def create(self, request):
        cluster = recommendation_services.cluster_create(by=request.user, **self.parse(s.ClusterSerializer))
        return self.answer(cluster, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        cluster = self.get_object()
        values = self.parse(s.ClusterChangeSerializer)
        return self.answer(recommendation_services.cluster_update(cluster=cluster, by=request.user, **values))


class DeadlineViewSet(ReadOnlyModelViewSet):
    """Reporting deadlines of the reviews (a UPR mid-term report, a treaty body's follow-up reply), soonest first."""

    queryset = Deadline.objects.select_related("review__mechanism")
    serializer_class = s.DeadlineSerializer
    lookup_value_regex = r"\d+"
