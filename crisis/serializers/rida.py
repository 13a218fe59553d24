"""Serializers of the RIDA table."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from web import api_fields
from web.api_fields import DateTimeField

from ..models import RidaLine
from ..selectors import RidaFilters
from .common import MAX_ID, MAX_TEXT


class RidaLineSerializer(api_fields.ModelSerializer):
    number = api_fields.CharField(help_text=gettext_lazy("« RIDA-001 » : unique dans la crise, jamais réattribué."))
    owner_label = api_fields.CharField(
        help_text=gettext_lazy("Le nom du porteur, ou la personne ou le service saisi en texte libre.")
    )
    source_entry_seq = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = RidaLine
        fields = [
            "id",
            "number",
            "kind",
            "theme",
            "text",
            "source_entry",
            "source_entry_seq",
            "source_label",
            "owner",
            "owner_label",
            "due_at",
            "status",
            "is_overdue",
            "answer",
            "answered_at",
            "closure_validated_by",
            "abandon_reason",
            "meeting",
            "journal_entry",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_source_entry_seq(self, line: RidaLine) -> int | None:
        return line.source_entry.seq if line.source_entry_id else None

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, line: RidaLine) -> bool:
        return line.is_overdue()


class RidaHistoryRowSerializer(serializers.Serializer):
    at = api_fields.DateTimeField()
    by = serializers.IntegerField(
        source="by_id", allow_null=True, help_text=gettext_lazy("id de l'utilisateur ; null pour une intégration")
    )
    by_label = api_fields.CharField()
    action = serializers.ChoiceField(choices=["create", "update"])
    field = api_fields.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    before_shown = api_fields.CharField()
    after_shown = api_fields.CharField()


class RidaLineCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RidaLine.Kind.choices, default=RidaLine.Kind.ACTION)
    theme = api_fields.CharField(max_length=120, required=False, allow_blank=True)
    text = api_fields.CharField(max_length=MAX_TEXT)
    source_entry = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    source_label = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    owner = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    owner_label = api_fields.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Une personne ou un service sans compte."),
    )
    due_at = DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=RidaLine.Status.choices,
        required=False,
        help_text=gettext_lazy("Par défaut : « à faire » pour une action, « fait » (notée, prise) sinon."),
    )
    answer = api_fields.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    abandon_reason = api_fields.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    meeting = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)


class RidaLineUpdateSerializer(serializers.Serializer):
    theme = api_fields.CharField(max_length=120, required=False, allow_blank=True)
    text = api_fields.CharField(max_length=MAX_TEXT, required=False)
    source_label = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    owner = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    owner_label = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    due_at = DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=RidaLine.Status.choices, required=False)
    answer = api_fields.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    answered_at = DateTimeField(required=False, allow_null=True)
    abandon_reason = api_fields.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Rien à modifier."))
        return attrs


class RidaQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RidaLine.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=RidaLine.Status.choices, required=False)
    owner = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=gettext_lazy("id de l'utilisateur")
    )
    theme = api_fields.CharField(max_length=120, required=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("1 : lignes ouvertes dont l'échéance est passée")
    )
    q = api_fields.CharField(
        max_length=200, required=False, help_text=gettext_lazy("texte, sans tenir compte des accents ni de la casse")
    )
    meeting = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def filters(self) -> RidaFilters:
        data = self.validated_data
        return RidaFilters(
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            owner=data.get("owner"),
            theme=data.get("theme", ""),
            overdue=data["overdue"],
            q=data.get("q", ""),
            meeting=data.get("meeting"),
        )


class RidaExportQuerySerializer(RidaQuerySerializer):
    format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")
