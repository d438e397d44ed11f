"""UN cooperation in the API (read only): ``/api/v1/cooperation/`` (filters ``agency``, ``axis``, ``year``, as on the
list page) and ``/api/v1/cooperation/<id>/``, each user reading what ``rasd.cooperation.policies`` lets them see."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.viewsets import ReadOnlyModelViewSet

from rasd.api.schema import NOT_FOUND
from rasd.cooperation import policies, selectors
from rasd.cooperation.models import Cooperation
from rasd.followup.policies import actions_visible_to


class CooperationSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The UN agency's code.")
    actions = serializers.SerializerMethodField(help_text="Ids of the linked actions the signed-in user may see.")
    recommendations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Cooperation
        fields = (
            "id",
            "agency",
            "axis",
            "title",
            "description",
            "start_date",
            "end_date",
            "amount",
            "currency",
            "framework_outcome",
            "actions",
            "recommendations",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_actions(self, cooperation) -> list[int]:
        visible = self.context["visible_actions"]
        return [action.pk for action in cooperation.actions.all() if action.pk in visible]


FILTERS = [
    OpenApiParameter("agency", OpenApiTypes.STR, description="An agency's code, e.g. undp."),
    OpenApiParameter("axis", OpenApiTypes.STR, enum=Cooperation.Axis.values, description="The axis of support."),
    OpenApiParameter("year", OpenApiTypes.INT, description="Running during that year."),
]


@extend_schema_view(
    list=extend_schema(summary="List cooperation records", parameters=FILTERS),
    retrieve=extend_schema(summary="One cooperation record", responses={200: CooperationSerializer, 404: NOT_FOUND}),
)
class CooperationViewSet(ReadOnlyModelViewSet):
    """The support of the UN agencies: a coordinator reads every agency's, a partner their agency's, a focal point
    or validator what is linked to their institution's actions, an observer none."""

    serializer_class = CooperationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            # A value the database could not compare (PostgreSQL's text holds no NUL) filters nothing.
            params = {name: value for name, value in self.request.query_params.items() if "\x00" not in value}
            year = params.get("year", "")
            filters = {
                "agency": params.get("agency", ""),
                "axis": params.get("axis", ""),
                "year": int(year) if year.isascii() and year.isdigit() and len(year) <= 4 else None,
            }
            rows = selectors.cooperation_list(visible_to=user, filters=filters)
        else:
            rows = policies.cooperation_visible_to(user).select_related("agency")
        return rows.prefetch_related("actions", "recommendations").order_by("-start_date", "-id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_actions"] = set(actions_visible_to(self.request.user).values_list("pk", flat=True))
        return context
