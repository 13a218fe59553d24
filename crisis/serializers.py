"""API serializers of the crisis app: input and output kept apart.

Input serializers only check shapes (types, lengths, choices, dates a database
can store); rules that need the database or the crisis live in services, so
the web forms, the API and commands enforce the same ones.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from web.api_fields import DateTimeField, ModelSerializer

from .models import Crisis, Establishment, JournalEntry, Membership, Phase
from .selectors import JournalFilters

# Bounds of the database integer columns: a bigger number in a filter would make
# the driver overflow (a 500) instead of matching nothing.
MAX_ID = 2**63 - 1
MAX_SEQ = 2**31 - 1
# The journal text is a TextField: cap it so one request cannot fill the disk.
MAX_TEXT = 20_000
JOURNAL_PAGE_SIZE = 50
JOURNAL_PAGE_MAX = 200


# --- output -----------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class EstablishmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    short_name = serializers.CharField()
    name = serializers.CharField()


class EstablishmentSerializer(ModelSerializer):
    ght = serializers.CharField(source="ght.name", allow_null=True, default=None)

    class Meta:
        model = Establishment
        fields = ["id", "name", "short_name", "finess", "ght", "beds", "staff"]
        read_only_fields = fields


class MembershipSerializer(ModelSerializer):
    user = UserRefSerializer()
    establishment = EstablishmentRefSerializer()
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["id", "user", "establishment", "role", "role_label", "position", "phone", "is_active"]
        read_only_fields = fields


class CrisisSerializer(ModelSerializer):
    establishment = EstablishmentRefSerializer()
    phase_label = serializers.CharField(source="get_phase_display")

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


class JournalEntrySerializer(ModelSerializer):
    """Expects entries from selectors.journal_entries marked by journal_mark_corrected (corrects joined)."""

    recorded_by = UserRefSerializer(allow_null=True, help_text="Null when an integration wrote the entry: see source.")
    attachment = serializers.SerializerMethodField()
    attachment_sha256 = serializers.CharField()
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
        url = reverse("api-journal-attachment", args=[entry.crisis_id, entry.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_corrects_seq(self, entry: JournalEntry) -> int | None:
        return entry.corrects.seq if entry.corrects_id else None


class JournalPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text=_("Adresse de la page suivante (entrées plus anciennes)."))
    results = JournalEntrySerializer(many=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = DateTimeField(
        help_text=_("Fin de validité du jeton ; un changement de mot de passe le révoque avant.")
    )


# --- input ------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("identifiant"), max_length=150)
    password = serializers.CharField(label=_("mot de passe"), max_length=4096, trim_whitespace=False)


class CrisisCreateSerializer(serializers.Serializer):
    # No upper bound here: an id that cannot exist is a 404 like any other unknown one.
    establishment = serializers.IntegerField(label=_("établissement"), min_value=1)
    title = serializers.CharField(label=_("intitulé"), max_length=200)
    kind = serializers.ChoiceField(label=_("nature"), choices=Crisis.Kind.choices, required=False)
    is_exercise = serializers.BooleanField(label=_("exercice"), required=False)
    severity = serializers.ChoiceField(label=_("gravité"), choices=Crisis.Severity.choices, required=False)
    detected_at = DateTimeField(label=_("détectée le"), required=False)
    awareness_at = DateTimeField(label=_("prise de connaissance"), required=False, allow_null=True)
    declared_at = DateTimeField(label=_("déclarée le"), required=False, allow_null=True)


class CrisisUpdateSerializer(serializers.Serializer):
    """Partial update of the crisis record; phase and closure have their own decisions."""

    title = serializers.CharField(label=_("intitulé"), max_length=200, required=False)
    severity = serializers.ChoiceField(label=_("gravité"), choices=Crisis.Severity.choices, required=False)
    detected_at = DateTimeField(label=_("détectée le"), required=False)
    awareness_at = DateTimeField(label=_("prise de connaissance"), required=False, allow_null=True)
    declared_at = DateTimeField(label=_("déclarée le"), required=False, allow_null=True)


class PhaseChangeSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(label=_("phase"), choices=Phase.choices)
    note = serializers.CharField(label=_("note"), max_length=2000, required=False, allow_blank=True, default="")


class JournalEntryCreateSerializer(serializers.Serializer):
    """Omitted fields take the service defaults, or the corrected entry's values for a correction."""

    text = serializers.CharField(label=_("texte"), max_length=MAX_TEXT)
    kind = serializers.ChoiceField(label=_("type"), choices=JournalEntry.Kind.choices, required=False)
    priority = serializers.ChoiceField(label=_("priorité"), choices=JournalEntry.Priority.choices, required=False)
    channel = serializers.ChoiceField(label=_("canal"), choices=JournalEntry.Channel.choices, required=False)
    sender = serializers.CharField(label=_("émetteur"), max_length=200, required=False, allow_blank=True)
    recipient = serializers.CharField(label=_("destinataire"), max_length=200, required=False, allow_blank=True)
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
    q = serializers.CharField(max_length=200, required=False, help_text=_("texte, émetteur ou destinataire"))
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
