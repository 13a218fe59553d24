"""Serializers of a crisis: its record, its opening, its phase."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from web import api_fields
from web.api_fields import DateTimeField, ModelSerializer

from ..models import Crisis, Phase
from .common import EstablishmentRefSerializer


class CrisisSerializer(ModelSerializer):
    establishment = EstablishmentRefSerializer()
    phase_label = api_fields.CharField(source="get_phase_display")

    class Meta:
        model = Crisis
        fields = [
            "id",
            "title",
            "establishment",
            "kind",
            "is_exercise",
            "severity",
            "detected_at",
            "awareness_at",
            "declared_at",
            "closed_at",
            "phase",
            "phase_label",
            "journal_last_seq",
        ]
        read_only_fields = fields


class CrisisCreateSerializer(serializers.Serializer):
    # No upper bound here: an id that cannot exist is a 404 like any other unknown one.
    establishment = serializers.IntegerField(label=_("établissement"), min_value=1)
    title = api_fields.CharField(label=_("intitulé"), max_length=200)
    kind = serializers.ChoiceField(label=_("nature"), choices=Crisis.Kind.choices, required=False)
    is_exercise = serializers.BooleanField(label=_("exercice"), required=False)
    severity = serializers.ChoiceField(label=_("gravité"), choices=Crisis.Severity.choices, required=False)
    detected_at = DateTimeField(label=_("détectée le"), required=False)
    awareness_at = DateTimeField(label=_("prise de connaissance"), required=False, allow_null=True)
    declared_at = DateTimeField(label=_("déclarée le"), required=False, allow_null=True)


class CrisisUpdateSerializer(serializers.Serializer):
    """Partial update of the crisis record; phase and closure have their own decisions."""

    title = api_fields.CharField(label=_("intitulé"), max_length=200, required=False)
    severity = serializers.ChoiceField(label=_("gravité"), choices=Crisis.Severity.choices, required=False)
    detected_at = DateTimeField(label=_("détectée le"), required=False)
    awareness_at = DateTimeField(label=_("prise de connaissance"), required=False, allow_null=True)
    declared_at = DateTimeField(label=_("déclarée le"), required=False, allow_null=True)


class PhaseChangeSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(label=_("phase"), choices=Phase.choices)
    note = api_fields.CharField(label=_("note"), max_length=2000, required=False, allow_blank=True, default="")
