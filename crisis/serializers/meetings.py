"""Serializers of the points de situation and their agenda."""

from rest_framework import serializers

from web import api_fields
from web.api_fields import DateTimeField

from ..models import Meeting
from .common import MAX_ID


class MeetingSerializer(api_fields.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    guests = serializers.ListField(child=api_fields.CharField())
    agenda_items = serializers.ListField(child=api_fields.CharField())
    planned_end = api_fields.DateTimeField()
    is_running = serializers.BooleanField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "scheduled_at",
            "started_at",
            "ended_at",
            "max_minutes",
            "overrun_minutes",
            "planned_end",
            "is_running",
            "chair",
            "attendees",
            "guests",
            "agenda_items",
            "repeats_daily",
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["rida", "decision", "signalement", "free"])
    id = serializers.IntegerField(allow_null=True)
    label = api_fields.CharField()
    due_at = api_fields.DateTimeField(allow_null=True)
    owner_label = api_fields.CharField(allow_blank=True)


class AgendaSectionSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["actions_due", "decisions_to_confirm", "new_signalements", "free_items"])
    title = api_fields.CharField()
    items = AgendaItemSerializer(many=True)


class AgendaSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    sections = AgendaSectionSerializer(many=True)


class MeetingCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, default=Meeting.Kind.CELLULE)
    title = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    scheduled_at = DateTimeField()
    max_minutes = serializers.IntegerField(min_value=5, max_value=240, default=30)
    chair = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=200
    )
    guests = serializers.ListField(child=api_fields.CharField(max_length=200), required=False, max_length=50)
    agenda_items = serializers.ListField(child=api_fields.CharField(max_length=200), required=False, max_length=50)
    repeats_daily = serializers.BooleanField(required=False, default=False)


class MeetingStartSerializer(serializers.Serializer):
    started_at = DateTimeField(required=False)


class MeetingEndSerializer(serializers.Serializer):
    ended_at = DateTimeField(required=False)
