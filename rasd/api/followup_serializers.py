"""The follow-up as the API shows and takes it: assignments, actions, indicators, progress updates, indicator values,
their evidence, clusters and deadlines.

A serializer shapes a record for reading and parses a request: types, lengths, choices, and that a code or id names
a record the writer may see. Whether the writer may make the change, and whether it makes sense, is the service's
decision (``rasd.followup.services``): the views hand it ``validated_data`` and never call ``save()``.

Institutions are named by code, users by username, everything else by id. Every editable record carries its
``version``; a change sends it back (``VersionedChange``).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasd.core.models import HistoryEntry
from rasd.followup import policies
from rasd.followup.models import Action, Assignment, Evidence, Indicator, IndicatorValue, ProgressUpdate
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Deadline
from rasd.recommendations.models import Cluster, ImplementationStatus, Recommendation

VERSION_HELP = "The version of the record you read; a change from an older version is refused with 409."


class InstitutionField(serializers.SlugRelatedField):
    """An institution by its code."""

    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Institution.objects.all())
        super().__init__(slug_field="code", **kwargs)


def user_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


class VisibleField(serializers.PrimaryKeyRelatedField):
    """A record by id among those the requesting user may see: one they may not see "does not exist"."""

    def __init__(self, *, visible, **kwargs):
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.visible(self.context["request"].user)


def recommendations_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Recommendation.objects.all())


def clusters_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Cluster.objects.all())


class VersionedChange(serializers.Serializer):
    """A change: only the fields that change, and the version of the record that was read."""

    # Used without ``partial``: every other field is made optional here, so that the version stays required
    # (and ``rasd.api.schema`` documents it so).

    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if name != "version" and not field.read_only:
                field.required = False
        return fields


# Assignments --------------------------------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    recommendation = serializers.PrimaryKeyRelatedField(read_only=True)
    institution = InstitutionField(read_only=True)
    assigned_by = user_field()

    class Meta:
        model = Assignment
        fields = ("id", "recommendation", "institution", "role", "due_date", "assigned_by", "created_at", "version")
        read_only_fields = fields


class AssignmentsCreateSerializer(serializers.Serializer):
    """Recommendations (and every recommendation of the clusters) given to a lead and supporting institutions."""

    recommendations = recommendations_field()
    clusters = clusters_field()
    lead = InstitutionField(help_text="Code of the lead institution.")
    supporting = InstitutionField(many=True, required=False, help_text="Codes of the supporting institutions.")
    due_date = serializers.DateField(required=False, allow_null=True)


class AssignmentChangeSerializer(VersionedChange, serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = ("role", "due_date", "version")


# Actions and indicators ---------------------------------------------------------------------------------------------


class ActionSerializer(serializers.ModelSerializer):
    """An action; on creation, the fields that are not read-only."""

    institution = InstitutionField(help_text="Code of the responsible institution.")
    supporting_institutions = InstitutionField(many=True, required=False, help_text="Codes.")
    recommendations = recommendations_field()
    clusters = clusters_field()
    created_by = user_field()

    class Meta:
        model = Action
        fields = (
            "id",
            "title",
            "description",
            "institution",
            "supporting_institutions",
            "start_date",
            "end_date",
            "budget_amount",
            "budget_currency",
            "budget_source",
            "status",
            "recommendations",
            "clusters",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = ("created_at", "updated_at", "version")


class ActionChangeSerializer(VersionedChange, ActionSerializer):
    class Meta(ActionSerializer.Meta):
        read_only_fields = ("created_at", "updated_at")


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator; on creation, the fields that are not read-only."""

    institution = InstitutionField(help_text="Code of the responsible institution.")
    recommendations = recommendations_field()
    clusters = clusters_field()
    actions = VisibleField(visible=policies.actions_visible_to, many=True, required=False)
    created_by = user_field()

    class Meta:
        model = Indicator
        fields = (
            "id",
            "kind",
            "title",
            "definition",
            "unit",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "data_source",
            "disaggregation",
            "reporting_frequency",
            "institution",
            "recommendations",
            "clusters",
            "actions",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = ("created_at", "updated_at", "version")


class IndicatorChangeSerializer(VersionedChange, IndicatorSerializer):
    class Meta(IndicatorSerializer.Meta):
        read_only_fields = ("created_at", "updated_at")


# Reports: progress updates and indicator values ----------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file's description; the file itself is at ``download_url``."""

    uploaded_by = user_field()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ("id", "name", "content_type", "size", "uploaded_by", "uploaded_at", "download_url")
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, evidence: Evidence) -> str:
        path = reverse("api:evidence-detail", args=[evidence.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EvidenceAddedSerializer(EvidenceSerializer):
    report_version = serializers.SerializerMethodField(
        help_text="The report's version after the upload (an upload changes the report): send it with the next change."
    )

    class Meta(EvidenceSerializer.Meta):
        fields = (*EvidenceSerializer.Meta.fields, "report_version")
        read_only_fields = fields

    def get_report_version(self, evidence: Evidence) -> int:
        return evidence.report.version


class EvidenceUploadSerializer(serializers.Serializer):
    # The file's type and size are the service's to judge (rasd.followup.evidence), with its messages.
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


REPORT_FIELDS = (
    "institution",
    "date",
    "status",
    "return_reason",
    "created_by",
    "created_at",
    "updated_at",
    "validated_at",
    "version",
    "evidence",
)
REPORT_READ_ONLY = ("status", "return_reason", "created_at", "updated_at", "validated_at", "version")


class ProgressUpdateSerializer(serializers.ModelSerializer):
    """A progress update, on an action or (exclusively) on a recommendation; on creation, the fields that are not
    read-only: evidence is added afterwards (`evidence/`)."""

    action = VisibleField(visible=policies.actions_visible_to, required=False, allow_null=True)
    recommendation = serializers.PrimaryKeyRelatedField(
        queryset=Recommendation.objects.all(), required=False, allow_null=True
    )
    institution = InstitutionField(read_only=True)
    created_by = user_field()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ("id", "action", "recommendation", "text", "proposed_status", *REPORT_FIELDS)
        read_only_fields = REPORT_READ_ONLY


class ProgressUpdateChangeSerializer(VersionedChange, ProgressUpdateSerializer):
    action = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    recommendation = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(ProgressUpdateSerializer.Meta):
        read_only_fields = tuple(name for name in REPORT_READ_ONLY if name != "version")


class IndicatorValueSerializer(serializers.ModelSerializer):
    """A value of an indicator at a date; on creation, the fields that are not read-only: evidence is added
    afterwards (`evidence/`)."""

    indicator = VisibleField(visible=policies.indicators_visible_to)
    institution = InstitutionField(read_only=True)
    created_by = user_field()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ("id", "indicator", "value", "note", *REPORT_FIELDS)
        read_only_fields = REPORT_READ_ONLY


class IndicatorValueChangeSerializer(VersionedChange, IndicatorValueSerializer):
    indicator = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(IndicatorValueSerializer.Meta):
        read_only_fields = tuple(name for name in REPORT_READ_ONLY if name != "version")


class ReportStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class ReportReturnSerializer(ReportStepSerializer):
    # Required, but may be blank: the service then says why a reason is needed.
    reason = serializers.CharField(allow_blank=True, help_text="Why the report goes back to its focal point.")


# History ------------------------------------------------------------------------------------------------------------


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="label", help_text="The field's name, in the reader's language.")
    before = serializers.CharField()
    after = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    """One change, as people read it: values shown by their labels, in the reader's language."""

    at = serializers.DateTimeField(source="entry.at")
    actor = serializers.CharField(source="entry.actor.username", allow_null=True, default=None)
    action = serializers.ChoiceField(source="entry.action", choices=HistoryEntry.Action.choices)
    subject = serializers.CharField(help_text="The record changed, when it is not the one asked for; else empty.")
    note = serializers.CharField(help_text="The reason for a return, the justification of a status.")
    changes = FieldChangeSerializer(many=True)


# Recommendations, clusters, deadlines -------------------------------------------------------------------------------


class RecommendationStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ("id", "implementation_status", "version")
        read_only_fields = fields


class RecommendationStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ImplementationStatus.choices)
    # Required, but may be blank: the service then says why a justification is needed.
    justification = serializers.CharField(allow_blank=True, help_text="Why the status changes; kept in the history.")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class ClusterSerializer(serializers.ModelSerializer):
    """A cluster; on creation and change, the fields that are not read-only."""

    recommendations = recommendations_field()
    created_by = user_field()

    class Meta:
        model = Cluster
        fields = ("id", "title", "description", "recommendations", "created_by", "created_at", "version")
        read_only_fields = ("created_at", "version")


class ClusterChangeSerializer(VersionedChange, ClusterSerializer):
    class Meta(ClusterSerializer.Meta):
        read_only_fields = ("created_at",)


class DeadlineSerializer(serializers.ModelSerializer):
    mechanism = serializers.CharField(source="review.mechanism.code", help_text="The mechanism's code.")

    class Meta:
        model = Deadline
        fields = ("id", "review", "mechanism", "kind", "due_date", "description", "met_on")
        read_only_fields = fields
