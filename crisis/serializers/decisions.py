"""Serializers of the decisions (gates)."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from web import api_fields
from web.api_fields import DateTimeField

from ..models import Decision
from .common import MAX_TEXT


class DecisionSerializer(api_fields.ModelSerializer):
    gate_label = api_fields.CharField(source="get_gate_display")

    class Meta:
        model = Decision
        fields = [
            "id",
            "gate",
            "gate_label",
            "occurred_at",
            "details",
            "reassess_at",
            "reassesses",
            "opinion",
            "pathway",
            "destination",
            "ars_informed",
            "samu_informed",
            "journal_entry",
            "rida_line",
            "decided_by",
            "created_at",
        ]
        read_only_fields = fields


class GateStateSerializer(serializers.Serializer):
    gate = serializers.ChoiceField(choices=Decision.Gate.choices)
    label = api_fields.CharField()
    in_effect = serializers.BooleanField(
        help_text=gettext_lazy("Sa dernière décision tient toujours (ni levée, ni réouverture, ni reconnexion).")
    )
    last_decision = serializers.IntegerField(source="last.pk", allow_null=True, default=None)
    last_at = api_fields.DateTimeField(source="last.occurred_at", allow_null=True, default=None)


class DecisionsSerializer(serializers.Serializer):
    state = GateStateSerializer(many=True, source="state.gates")
    reassessment_due = serializers.BooleanField(source="state.reassessment_due")
    closed_since = api_fields.DateTimeField(source="state.closed_since", allow_null=True)
    next_reassessment = api_fields.DateTimeField(source="state.next_reassessment", allow_null=True)
    results = DecisionSerializer(many=True)


class DecisionCreateSerializer(serializers.Serializer):
    gate = serializers.ChoiceField(choices=Decision.Gate.choices)
    occurred_at = DateTimeField(required=False)
    details = api_fields.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    reassess_at = DateTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("obligatoire pour urgences_fermees")
    )
    opinion = api_fields.CharField(max_length=300, required=False, allow_blank=True)
    pathway = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    destination = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    ars_informed = serializers.BooleanField(required=False, allow_null=True, default=None)
    samu_informed = serializers.BooleanField(required=False, allow_null=True, default=None)
