"""Preparedness's API. Paths and field names are a contract (issue #20's table):

- /api/establishments/{id}/readiness/  GET: score, items [{key, ok, detail, url}]
- /api/ghts/                           GET: the GHTs of the user's establishments (id, name, establishments)
- /api/ghts/{id}/readiness/            GET: one row per establishment (scores where the user is a member)
- /api/crises/{id}/injects/            GET, POST (JSON or CSV import)
- /api/crises/{id}/injects/{iid}/deliver/  POST: writes the inject to the players' journal
- /api/establishments/{id}/campaigns/  GET, POST: date, kind, targeted, clicked, reported
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crisis.api import CrisisScopedView, EstablishmentScopedView
from web import api_fields
from web.api_fields import ModelSerializer
from web.api_input import validated
from web.pagination import Pagination
from web.parsers import FormParser, JSONParser, MultiPartParser

from . import access, ghts, readiness, scenarios, selectors, services
from .models import Campaign, Inject

# --- readiness ------------------------------------------------------------------------------


class ItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()
    url = serializers.CharField()


class ReadinessSerializer(serializers.Serializer):
    establishment = serializers.IntegerField(source="establishment.pk")
    score = serializers.IntegerField()
    trend = serializers.IntegerField(allow_null=True)
    items = ItemSerializer(many=True)


def _readiness_data(result) -> dict:
    return {
        "establishment": result.establishment.pk,
        "score": result.score,
        "trend": result.trend,
        "items": [item.as_dict() for item in result.items],
    }


class ReadinessView(EstablishmentScopedView):
    """The establishment's readiness: its score (percent of items met) and every item."""

    capabilities = {"GET": access.READ}

    @extend_schema(responses=ReadinessSerializer)
    def get(self, request: Request, establishment_id: int) -> Response:
        return Response(_readiness_data(readiness.readiness(self.establishment)))


class GhtEstablishmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class GhtSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    establishments = GhtEstablishmentSerializer(many=True)


class GhtListView(APIView):
    """The GHTs of the user's establishments, each with its establishments (a GHT's composition is shared)."""

    @extend_schema(responses=GhtSerializer(many=True))
    def get(self, request: Request) -> Response:
        data = [
            {
                "id": ght.pk,
                "name": ght.name,
                "establishments": [{"id": e.pk, "name": e.name, "short_name": e.short_name} for e in members],
            }
            for ght, members in ghts.ghts_for_user(request.user)
        ]
        return Response(data)


class GhtRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    shared = serializers.BooleanField()
    score = serializers.IntegerField(allow_null=True)
    trend = serializers.IntegerField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField(), allow_null=True)
    items = ItemSerializer(many=True, allow_null=True)


class GhtReadinessView(APIView):
    """One row per establishment of the GHT: score and items where the user is a member, else only its name."""

    @extend_schema(responses=GhtRowSerializer(many=True))
    def get(self, request: Request, ght_id: int) -> Response:
        _ght, rows = ghts.ght_readiness_for_user(request.user, ght_id)
        data = []
        for row in rows:
            result = row.readiness
            data.append(
                {
                    "id": row.establishment.pk,
                    "name": row.establishment.name,
                    "shared": row.shared,
                    "score": result.score if result else None,
                    "trend": result.trend if result else None,
                    "missing": [item.key for item in result.missing] if result else None,
                    "items": [item.as_dict() for item in result.items] if result else None,
                }
            )
        return Response(data)


# --- injects --------------------------------------------------------------------------------


class CSVParser(BaseParser):
    """A chronogramme posted as CSV (text/csv): the text, parsed by the view."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(1_000_001)
        if len(data) > 1_000_000:
            raise serializers.ValidationError({"injects": [_("Chronogramme trop gros (1 Mo au plus).")]})
        return {"csv": data}


class ObservationSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    comment = serializers.CharField()
    observed_at = api_fields.DateTimeField()
    observed_by = serializers.CharField()


class InjectSerializer(ModelSerializer):
    observation = serializers.SerializerMethodField()
    journal_entry = serializers.IntegerField(source="journal_entry.seq", allow_null=True, default=None)

    class Meta:
        model = Inject
        fields = [
            "id",
            "number",
            "offset_minutes",
            "due_at",
            "sender",
            "recipient",
            "channel",
            "kind",
            "content",
            "expected_reaction",
            "delivered_at",
            "journal_entry",
            "observation",
        ]
        read_only_fields = fields

    @extend_schema_field(ObservationSerializer(allow_null=True))
    def get_observation(self, inject: Inject) -> dict | None:
        if not inject.observation:
            return None
        by = inject.observed_by
        return {
            "status": inject.observation,
            "label": inject.get_observation_display(),
            "comment": inject.observation_comment,
            "observed_at": api_fields.DateTimeField().to_representation(inject.observed_at)
            if inject.observed_at
            else None,
            "observed_by": (by.get_full_name() or by.get_username()) if by else "",
        }


class InjectImportSerializer(serializers.Serializer):
    injects = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=scenarios.MAX_INJECTS)


class InjectListView(CrisisScopedView):
    """An exercise's chronogramme (the animation team only: it shows what is coming); POST imports lines
    as JSON ({"injects": [...]} or a list) or CSV (Content-Type: text/csv)."""

    capabilities = {"GET": access.OBSERVE, "POST": access.ANIMATE}
    parser_classes = [JSONParser, CSVParser, FormParser, MultiPartParser]
    pagination_class = Pagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.crisis.is_exercise:
            raise Http404

    @extend_schema(responses=InjectSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        page = self.paginate_queryset(selectors.injects_of(self.crisis))
        return self.get_paginated_response(InjectSerializer(page, many=True).data)

    @extend_schema(request=InjectImportSerializer, responses={201: InjectSerializer(many=True)})
    def post(self, request: Request, crisis_id: int) -> Response:
        body = request.data
        if isinstance(body, dict) and "csv" in body and isinstance(body["csv"], bytes):
            lines = scenarios.parse_upload(body["csv"], "import.csv")
        elif isinstance(body, dict) and "file" in request.FILES:
            upload = request.FILES["file"]
            lines = scenarios.parse_upload(upload.read(1_000_001), upload.name)
        else:
            lines = scenarios.lines_of(body)
        created = services.injects_import(crisis=self.crisis, by=request.user, lines=lines)
        return Response(InjectSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class InjectDeliverView(CrisisScopedView):
    """Deliver a due inject: it lands in the players' journal, from its simulated sender."""

    capabilities = {"POST": access.ANIMATE}

    @extend_schema(request=None, responses=InjectSerializer)
    def post(self, request: Request, crisis_id: int, inject_id: int) -> Response:
        if not self.crisis.is_exercise:
            raise Http404
        inject = self.object_of(Inject, inject_id)
        services.inject_deliver(inject=inject, by=request.user)
        inject = selectors.injects_of(self.crisis).get(pk=inject.pk)
        return Response(InjectSerializer(inject).data)


# --- campaigns ------------------------------------------------------------------------------


class CampaignSerializer(ModelSerializer):
    # Plain text, not an enum: "kind" is a choice set of several apps (the schema would name it by a hash).
    kind = serializers.CharField(help_text="hameconnage, sensibilisation, formation")
    kind_label = api_fields.CharField(source="get_kind_display")
    click_rate = serializers.FloatField()
    report_rate = serializers.FloatField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "date",
            "kind",
            "kind_label",
            "targeted",
            "clicked",
            "reported",
            "click_rate",
            "report_rate",
            "services_affected",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    date = serializers.DateField(label=_("date"))
    kind = serializers.CharField(
        label=_("nature"), max_length=20, help_text="hameconnage, sensibilisation, formation"
    )  # checked against Campaign.Kind by the service (a 400 on "kind")
    targeted = serializers.IntegerField(label=_("personnes ciblées"), min_value=1, max_value=1_000_000)
    clicked = serializers.IntegerField(label=_("clics"), min_value=0, max_value=1_000_000, default=0)
    reported = serializers.IntegerField(label=_("signalements"), min_value=0, max_value=1_000_000, default=0)
    services_affected = api_fields.CharField(
        label=_("services les plus touchés"), max_length=300, required=False, default=""
    )


class CampaignListView(EstablishmentScopedView):
    """The establishment's awareness campaigns, latest first; POST records one."""

    capabilities = {"GET": access.READ, "POST": access.WRITE_CAMPAIGNS}
    pagination_class = Pagination

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        page = self.paginate_queryset(selectors.campaigns_of(self.establishment))
        return self.get_paginated_response(CampaignSerializer(page, many=True).data)

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = validated(CampaignCreateSerializer, request.data)
        campaign = services.campaign_create(establishment=self.establishment, by=request.user, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)
