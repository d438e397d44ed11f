"""The strategic plans in the API (read only): ``/api/v1/plans/`` and ``/api/v1/plans/<code>/`` with its axes,
objectives, measures and each axis's progress, counted as the plan's page counts it (``rasd.strategy.selectors``)."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from rasd.api.schema import NOT_FOUND
from rasd.recommendations.models import ImplementationStatus
from rasd.strategy import selectors
from rasd.strategy.models import Measure, Objective, PlanAxis, StrategicPlan

NAMES = ("name_ar", "name_fr", "name_en")


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ("id", "code", *NAMES, "position")
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Objective
        fields = ("id", "code", *NAMES, "position", "measures")
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    """Validated data only: see ``rasd.strategy.selectors.plan_axis_progress``."""

    recommendations = serializers.IntegerField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text=f"Keys: {', '.join(ImplementationStatus.values)}."
    )
    recommendations_with_validated_progress = serializers.IntegerField()
    actions = serializers.IntegerField()
    actions_with_validated_progress = serializers.IntegerField()
    percent = serializers.IntegerField(
        allow_null=True,
        help_text="recommendations_with_validated_progress as a whole percentage of recommendations; "
        "null when the axis has none.",
    )


class AxisSerializer(serializers.ModelSerializer):
    objectives = ObjectiveSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = PlanAxis
        fields = ("id", "code", *NAMES, "position", "objectives", "progress")
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, axis) -> dict:
        row = self.context["progress"][axis.pk]
        return ProgressSerializer(row).data


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicPlan
        fields = ("code", *NAMES, "start_year", "end_year", "description", "version")
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    axes = AxisSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = (*PlanSerializer.Meta.fields, "axes")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List strategic plans"),
    retrieve=extend_schema(
        summary="One strategic plan, with its axes, objectives, measures and each axis's progress",
        responses={200: PlanDetailSerializer, 404: NOT_FOUND},
    ),
)
class PlanViewSet(ReadOnlyModelViewSet):
    """Strategic plans, by code. An axis's progress counts only the actions the signed-in user may see."""

    queryset = StrategicPlan.objects.order_by("-start_year", "code")
    serializer_class = PlanSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def retrieve(self, request, code=None):
        plan = selectors.plan_get(code=code)
        if plan is None:
            raise NotFound
        rows = selectors.plan_axis_progress(plan=plan, visible_to=request.user)
        context = {**self.get_serializer_context(), "progress": {row["axis"].pk: row for row in rows}}
        return Response(PlanDetailSerializer(plan, context=context).data)
