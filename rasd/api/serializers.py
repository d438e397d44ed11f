"""What the API returns. Each resource is named by its natural key (a code, an ISO code, a symbol) and carries its
names in the three languages, so that a script needs no second request to label what it reads.

Serializers only shape output: the views choose and load the rows (through the selectors).
"""

from rest_framework import serializers

from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Document, Mechanism, Review
from rasd.recommendations.models import (
    AffectedPerson,
    NationalAxis,
    Position,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from rasd.states.models import State

NAMES = ("name_ar", "name_fr", "name_en")
SHORT_NAMES = ("short_name_ar", "short_name_fr", "short_name_en")
TITLES = ("title_ar", "title_fr", "title_en")


class StateSerializer(serializers.ModelSerializer):
    class Meta:
        model = State
        fields = ("iso3", "iso2", "m49", "region", *NAMES)
        read_only_fields = fields


class MechanismSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mechanism
        fields = ("code", "kind", *NAMES)
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    mechanism = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state = serializers.SlugRelatedField(slug_field="iso3", read_only=True)

    class Meta:
        model = Review
        fields = ("id", "mechanism", "state", "cycle", "session", "year")
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ("symbol", "date", "review")
        read_only_fields = fields


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ("code", "type", "is_active", *NAMES, *SHORT_NAMES)
        read_only_fields = fields


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ("id", "vocabulary", "code", *NAMES)
        read_only_fields = fields


class AffectedPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = AffectedPerson
        fields = ("code", *NAMES)
        read_only_fields = fields


class SdgGoalSerializer(serializers.ModelSerializer):
    targets = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = SdgGoal
        fields = ("number", *TITLES, "short_ar", "short_fr", "short_en", "targets")
        read_only_fields = fields


class SdgTargetSerializer(serializers.ModelSerializer):
    goal = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = SdgTarget
        fields = ("code", "goal", *TITLES)
        read_only_fields = fields


class NationalAxisSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The axis of a sub-axis; null for an axis."
    )

    class Meta:
        model = NationalAxis
        fields = ("code", "parent", "position", *NAMES, *SHORT_NAMES)
        read_only_fields = fields


class RecommendationAssignmentSerializer(serializers.ModelSerializer):
    """An assignment as a recommendation lists it; the assignment itself is at /api/v1/assignments/."""

    institution = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Assignment
        fields = ("institution", "role")
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer):
    """A recommendation with everything known about it; the same shape in the list and the detail."""

    state = StateSerializer(read_only=True)
    mechanism = MechanismSerializer(read_only=True)
    review = ReviewSerializer(read_only=True, allow_null=True)
    document = serializers.SlugRelatedField(slug_field="symbol", read_only=True, allow_null=True)
    # Declared because a read-only field built from the model forgets that the position may be blank.
    position = serializers.ChoiceField(
        choices=Position.choices, allow_blank=True, read_only=True, help_text="Empty when not recorded."
    )
    recommending_states = StateSerializer(many=True, read_only=True)
    themes = ThemeSerializer(many=True, read_only=True)
    affected_persons = AffectedPersonSerializer(many=True, read_only=True)
    sdg_targets = SdgTargetSerializer(many=True, read_only=True)
    national_axes = NationalAxisSerializer(many=True, read_only=True)
    assignments = RecommendationAssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = (
            "id",
            "code",
            "paragraph",
            "kind",
            "original_language",
            "text_ar",
            "text_fr",
            "text_en",
            "state",
            "mechanism",
            "review",
            "document",
            "date",
            "year",
            "position",
            "action_category",
            "implementation_status",
            "recommending_states",
            "themes",
            "affected_persons",
            "sdg_targets",
            "national_axes",
            "assignments",
            "source",
            "source_key",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = fields
