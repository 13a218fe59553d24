"""Serializers of the main courante."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from web import api_fields
from web.api_fields import DateTimeField, ModelSerializer

from ..models import JournalEntry
from ..selectors import JournalFilters
from .common import JOURNAL_PAGE_MAX, JOURNAL_PAGE_SIZE, MAX_ID, MAX_SEQ, MAX_TEXT, UserRefSerializer


class JournalEntrySerializer(ModelSerializer):
    """Expects entries from selectors.journal_entries marked by journal_mark_corrected (corrects joined)."""

    recorded_by = UserRefSerializer(allow_null=True, help_text="Null when an integration wrote the entry: see source.")
    attachment = serializers.SerializerMethodField()
    attachment_sha256 = api_fields.CharField()
    corrects_seq = serializers.SerializerMethodField()
    is_corrected = serializers.BooleanField()

    class Meta:
        model = JournalEntry
        fields = [
            "id",
            "seq",
            "occurred_at",
            "recorded_at",
            "recorded_by",
            "source",
            "sender",
            "recipient",
            "channel",
            "kind",
            "priority",
            "text",
            "attachment",
            "attachment_sha256",
            "phase",
            "corrects",
            "corrects_seq",
            "is_corrected",
            "hash",
            "prev_hash",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_attachment(self, entry: JournalEntry) -> str | None:
        """The access-checked download address, never a public media one."""
        if not entry.attachment:
            return None
        url = reverse("crisis:api-journal-attachment", args=[entry.crisis_id, entry.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_corrects_seq(self, entry: JournalEntry) -> int | None:
        return entry.corrects.seq if entry.corrects_id else None


class JournalPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text=_("Adresse de la page suivante (entrées plus anciennes)."))
    results = JournalEntrySerializer(many=True)


class JournalEntryCreateSerializer(serializers.Serializer):
    """Omitted fields take the service defaults, or the corrected entry's values for a correction."""

    text = api_fields.CharField(label=_("texte"), max_length=MAX_TEXT)
    kind = serializers.ChoiceField(label=_("type"), choices=JournalEntry.Kind.choices, required=False)
    priority = serializers.ChoiceField(label=_("priorité"), choices=JournalEntry.Priority.choices, required=False)
    channel = serializers.ChoiceField(label=_("canal"), choices=JournalEntry.Channel.choices, required=False)
    sender = api_fields.CharField(label=_("émetteur"), max_length=200, required=False, allow_blank=True)
    recipient = api_fields.CharField(label=_("destinataire"), max_length=200, required=False, allow_blank=True)
    occurred_at = DateTimeField(label=_("heure de l'événement"), required=False)
    corrects = serializers.IntegerField(
        label=_("corrige l'entrée"),
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("Identifiant (id) de l'entrée de cette main courante que cette entrée corrige."),
    )


class JournalEntryUploadSerializer(JournalEntryCreateSerializer):
    """The same entry sent as multipart/form-data, the only way to attach a file."""

    attachment = serializers.FileField(label=_("pièce jointe"), required=False)


class JournalQuerySerializer(serializers.Serializer):
    """Filters and keyset cursor of the journal list, read from the query string."""

    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, required=False)
    priority = serializers.ChoiceField(choices=JournalEntry.Priority.choices, required=False)
    author = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text=_("id de l'auteur"))
    since = DateTimeField(required=False, help_text=_("événements à partir de cette heure"))
    until = DateTimeField(required=False, help_text=_("événements jusqu'à cette heure"))
    q = api_fields.CharField(max_length=200, required=False, help_text=_("texte, émetteur ou destinataire"))
    before = serializers.IntegerField(
        min_value=1,
        max_value=MAX_SEQ,
        required=False,
        help_text=_("n° à partir duquel lire les entrées plus anciennes"),
    )
    limit = serializers.IntegerField(min_value=1, max_value=JOURNAL_PAGE_MAX, default=JOURNAL_PAGE_SIZE)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": _("La fin de la période précède son début.")})
        return attrs

    def filters(self) -> JournalFilters:
        data = self.validated_data
        return JournalFilters(
            kind=data.get("kind", ""),
            priority=data.get("priority", ""),
            author=data.get("author"),
            since=data.get("since"),
            until=data.get("until"),
            q=data.get("q", ""),
        )
