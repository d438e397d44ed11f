"""The API of recommendations and reference data: each view parses the request, calls a selector or one queryset
(or, to write, one service), and serializes. The follow-up's endpoints are in ``rasd.api.followup_views``.

Recommendations are listed through the list page's own form and selector, so that a URL's filters give the same
recommendations on the page and in the API.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from rasd.api import followup_serializers, serializers
from rasd.api.errors import ServiceErrors
from rasd.api.filters import filter_parameters
from rasd.api.schema import VERSION_RULE, write_responses
from rasd.followup import services
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Document, Mechanism, Review
from rasd.recommendations import selectors
from rasd.recommendations.forms import RecommendationFilterForm
from rasd.recommendations.models import AffectedPerson, NationalAxis, Recommendation, SdgGoal, SdgTarget, Theme
from rasd.states.models import State

# The keys a record's address may hold: no NUL character, which no key has and PostgreSQL cannot even compare (such
# an address is answered 404 by ``UnknownAddress``); a phrase key may hold slashes (a document's symbol).
TEXT_KEY = r"[^/\x00]+"
PHRASE_KEY = r"[^\x00]+"

# Documented from the form itself: a filter added to the list page is accepted and documented here at once.
FILTER_PARAMETERS = filter_parameters(RecommendationFilterForm)


@extend_schema_view(
    list=extend_schema(
        summary="List recommendations",
        parameters=FILTER_PARAMETERS,
        responses={
            200: serializers.RecommendationSerializer(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A filter value that is not known, or a search text that cannot be read: {parameter: [messages]}.",
            ),
        },
    ),
    retrieve=extend_schema(summary="One recommendation"),
    status=extend_schema(
        summary="Set the implementation status",
        description=(
            "A coordinator decides the implementation status of the recommendation, always with a justification, "
            f"which the history keeps. {VERSION_RULE}"
        ),
        request=followup_serializers.RecommendationStatusChangeSerializer,
        responses=write_responses(200, followup_serializers.RecommendationStatusSerializer),
    ),
)
class RecommendationViewSet(ServiceErrors, ReadOnlyModelViewSet):
    """Recommendations made to the state by the UN human-rights mechanisms, with their texts in Arabic, French and
    English (empty when a language is missing), their classification and the institutions assigned to them.

    The list takes the list page's search and filters. A filter repeated (`?mechanism=CAT&mechanism=CRC`) matches
    any of its values; different filters narrow each other. A value the list page does not know, or a search text
    it cannot read, is refused with 400 rather than ignored.
    """

    queryset = Recommendation.objects.all()  # tells the schema the model; the rows come from the selector
    serializer_class = serializers.RecommendationSerializer
    conflict_serializer_class = followup_serializers.RecommendationStatusSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        filters = {}
        if self.action == "list":
            form = RecommendationFilterForm(self.request.query_params)
            if not form.is_valid():
                raise ValidationError(form.errors)
            filters = form.filters()
        # The detail goes through the list's selector too, so that it can never show a recommendation the list
        # would not, and both load their rows alike; each shows only the assignments the reader may see.
        user = self.request.user
        results = selectors.recommendation_results(filters=filters, visible_to=user)
        if results.search_error is not None:
            raise ValidationError({"q": [str(results.search_error)]})
        return selectors.recommendation_with_details(results.recommendations, visible_to=user)

    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def status(self, request, pk=None):
        recommendation = self.get_object()
        change = followup_serializers.RecommendationStatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        recommendation = services.recommendation_status_set(
            recommendation=recommendation, by=request.user, **change.validated_data
        )
        return Response(followup_serializers.RecommendationStatusSerializer(recommendation).data)


class MechanismViewSet(ReadOnlyModelViewSet):
    """The bodies that make recommendations: the UPR, the treaty bodies, the special procedures; by code."""

    queryset = Mechanism.objects.all()
    serializer_class = serializers.MechanismSerializer
    lookup_field = "code"
    lookup_value_regex = PHRASE_KEY  # special procedures' codes are phrases ("SR on torture")


class ReviewViewSet(ReadOnlyModelViewSet):
    """One cycle or session of a mechanism for one state (a UPR cycle, a treaty body's review, a country visit)."""

    queryset = Review.objects.select_related("mechanism", "state")
    serializer_class = serializers.ReviewSerializer
    lookup_value_regex = r"\d+"


class DocumentViewSet(ReadOnlyModelViewSet):
    """The UN documents that carry recommendations, by symbol (its slashes stay as they are: /documents/A/HRC/36/6/)."""

    queryset = Document.objects.all()
    serializer_class = serializers.DocumentSerializer
    lookup_field = "symbol"
    lookup_value_regex = PHRASE_KEY


class StateViewSet(ReadOnlyModelViewSet):
    """States under review and recommending states, by ISO alpha-3 code (upper case)."""

    queryset = State.objects.all()
    serializer_class = serializers.StateSerializer
    lookup_field = "iso3"
    lookup_value_regex = TEXT_KEY


class InstitutionViewSet(ReadOnlyModelViewSet):
    """The institutions that implement, coordinate, support or observe the follow-up, by code."""

    queryset = Institution.objects.all()
    serializer_class = serializers.InstitutionSerializer
    lookup_field = "code"
    lookup_value_regex = TEXT_KEY


class ThemeViewSet(ReadOnlyModelViewSet):
    """Subject headings; a code is unique within its vocabulary only, so a theme is found by id."""

    queryset = Theme.objects.all()
    serializer_class = serializers.ThemeSerializer
    lookup_value_regex = r"\d+"


class AffectedPersonViewSet(ReadOnlyModelViewSet):
    """The groups of persons recommendations concern, by code."""

    queryset = AffectedPerson.objects.all()
    serializer_class = serializers.AffectedPersonSerializer
    lookup_field = "code"
    lookup_value_regex = TEXT_KEY


class SdgGoalViewSet(ReadOnlyModelViewSet):
    """The 17 Sustainable Development Goals, by number, with the codes of their targets."""

    queryset = SdgGoal.objects.prefetch_related("targets")
    serializer_class = serializers.SdgGoalSerializer
    lookup_field = "number"
    lookup_value_regex = r"\d+"


class SdgTargetViewSet(ReadOnlyModelViewSet):
    """The SDG targets, by code (16.3, 5.a)."""

    queryset = SdgTarget.objects.select_related("goal")
    serializer_class = serializers.SdgTargetSerializer
    lookup_field = "code"
    lookup_value_regex = TEXT_KEY


class NationalAxisViewSet(ReadOnlyModelViewSet):
    """The national classification: axes and their sub-axes (a sub-axis names its axis in ``parent``), by code."""

    queryset = NationalAxis.objects.select_related("parent")
    serializer_class = serializers.NationalAxisSerializer
    lookup_field = "code"
    lookup_value_regex = TEXT_KEY


@extend_schema(exclude=True)
class UnknownAddress(APIView):
    """Any other address under the API: a JSON 404 like the API's own, not the site's HTML page. A record's address
    whose key cannot be one (``/actions/abc/``) lands here too."""

    def dispatch_unknown(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = dispatch_unknown
