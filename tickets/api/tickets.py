"""The tickets' API, under /api/crises/{crisis_id}/tickets/ (the core's crisis-scoped base)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from continuity.models import Application
from crisis.api import CrisisScopedView
from crisis.api.base import _member
from crisis.models import Service
from web import api_fields
from web.api_fields import ModelSerializer
from web.api_input import validated, validated_query
from web.pagination import Pagination

from .. import access, selectors, services
from ..models import Ticket


class TicketSerializer(ModelSerializer):
    application = api_fields.CharField(source="application_label")
    reporters = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "reporter_name",
            "reporter_service",
            "reporter_phone",
            "channel",
            "service",
            "category",
            "application",
            "application_id",
            "description",
            "patient_safety",
            "priority",
            "status",
            "track",
            "assigned_to",
            "assigned_team",
            "answer",
            "answered_at",
            "resolved_at",
            "merged_into",
            "rida_line",
            "created_at",
            "reporters",
        ]
        read_only_fields = fields

    def get_reporters(self, ticket) -> list[str]:
        """The reporters of the duplicates merged into this ticket (who get its answer too)."""
        merged = getattr(ticket, "merged_reporters", None)
        if merged is None:
            merged = [t.reporter_name for t in ticket.merged.all()] if ticket.pk else []
        return [ticket.reporter_name, *merged]


class TicketQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False)
    category = serializers.ChoiceField(choices=Ticket.Category.choices, required=False)
    service = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    track = serializers.ChoiceField(choices=Ticket.Track.choices, required=False)
    patient_safety = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = api_fields.CharField(max_length=200, required=False, allow_blank=True)


class TicketCreateSerializer(serializers.Serializer):
    reporter_name = api_fields.CharField(label=gettext_lazy("déclarant"), max_length=120)
    reporter_service = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")
    reporter_phone = api_fields.CharField(max_length=40, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, default=Ticket.Channel.API)
    service = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Ticket.Category.choices, default=Ticket.Category.AUTRE)
    application = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")
    application_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    description = api_fields.CharField(max_length=5000)
    patient_safety = serializers.BooleanField(default=False)
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    track = serializers.ChoiceField(choices=Ticket.Track.choices, default=Ticket.Track.TECHNIQUE)


class TicketUpdateSerializer(serializers.Serializer):
    reporter_name = api_fields.CharField(max_length=120, required=False)
    reporter_service = api_fields.CharField(max_length=120, required=False, allow_blank=True)
    reporter_phone = api_fields.CharField(max_length=40, required=False, allow_blank=True)
    service = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Ticket.Category.choices, required=False)
    application = api_fields.CharField(max_length=120, required=False, allow_blank=True)
    application_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    description = api_fields.CharField(max_length=5000, required=False)
    patient_safety = serializers.BooleanField(required=False)
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False)
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    track = serializers.ChoiceField(choices=Ticket.Track.choices, required=False)
    assigned_to = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    assigned_team = api_fields.CharField(max_length=120, required=False, allow_blank=True)
    answer = api_fields.CharField(max_length=5000, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Rien à modifier."))
        return attrs


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(label=gettext_lazy("ticket qui reste"), min_value=1, max_value=2**63 - 1)


class TopQuerySerializer(serializers.Serializer):
    hours = serializers.IntegerField(min_value=1, max_value=24 * 31, default=72)


class TopIncidentSerializer(serializers.Serializer):
    category = serializers.CharField()
    category_label = serializers.CharField()
    application = serializers.CharField()
    count = serializers.IntegerField()
    score = serializers.IntegerField()
    tickets = TicketSerializer(many=True)


class TicketScopedView(CrisisScopedView):
    def _application(self, application_id: int | None) -> Application | None:
        """The map's application a body names by id (of this crisis's establishment), else a 400."""
        return self.referenced(Application, application_id, "application_id")

    def _tickets(self):
        return selectors.tickets_of(self.crisis.establishment_id, self.crisis).prefetch_related("merged")

    def _ticket(self, ticket_id: int) -> Ticket:
        return self.object_of(self._tickets(), ticket_id)


class TicketListView(TicketScopedView):
    """The crisis's tickets, most urgent and oldest first; filters status, priority, category, service,
    track, patient_safety, q. POST files one (channel "api" unless said)."""

    capabilities = {"POST": access.REPORT}
    serializer_class = TicketSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[TicketQuerySerializer], responses=TicketSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        filters = validated_query(TicketQuerySerializer, request).validated_data
        page = self.paginate_queryset(selectors.filtered(self._tickets(), filters))
        return self.get_paginated_response(TicketSerializer(page, many=True).data)

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(TicketCreateSerializer, request.data)
        if self.crisis.closed_at is not None:
            raise ValidationError({"crisis": _("La crise est close : les signalements vont à l'établissement.")})
        data["service"] = self.referenced(Service, data.get("service"), "service")
        data["application_name"] = data.pop("application")
        data["application"] = self._application(data.pop("application_id", None))
        ticket = services.ticket_create(
            establishment=self.crisis.establishment, crisis=self.crisis, by=request.user, **data
        )
        return Response(TicketSerializer(self._ticket(ticket.pk)).data, status=status.HTTP_201_CREATED)


class TicketView(TicketScopedView):
    """One ticket. PATCH moves, assigns, qualifies, answers it (a forbidden move is a 400 naming the
    allowed ones). No DELETE (405): a ticket is rejected or merged, never deleted."""

    capabilities = {"PATCH": access.TRIAGE}
    serializer_class = TicketSerializer

    @extend_schema(responses=TicketSerializer)
    def get(self, request: Request, crisis_id: int, ticket_id: int) -> Response:
        return Response(TicketSerializer(self._ticket(ticket_id)).data)

    @extend_schema(request=TicketUpdateSerializer, responses=TicketSerializer)
    def patch(self, request: Request, crisis_id: int, ticket_id: int) -> Response:
        ticket = self._ticket(ticket_id)
        data = validated(TicketUpdateSerializer, request.data)
        if "service" in data:
            data["service"] = self.referenced(Service, data["service"], "service")
        if "assigned_to" in data:
            data["assigned_to"] = _member(self.crisis, data["assigned_to"], "assigned_to")
        if "application" in data:
            data["application_name"] = data.pop("application")
        if "application_id" in data:
            data["application"] = self._application(data.pop("application_id"))
        services.ticket_update(ticket=ticket, by=request.user, **data)
        return Response(TicketSerializer(self._ticket(ticket_id)).data)


class TicketMergeView(TicketScopedView):
    """Merge this ticket (a duplicate) into the one that stays: {"into": id}. Answers the survivor."""

    capabilities = {"POST": access.TRIAGE}
    serializer_class = TicketSerializer

    @extend_schema(request=MergeSerializer, responses=TicketSerializer)
    def post(self, request: Request, crisis_id: int, ticket_id: int) -> Response:
        ticket = self._ticket(ticket_id)
        data = validated(MergeSerializer, request.data)
        into = self.referenced(self._tickets(), data["into"], "into")
        services.ticket_merge(ticket=ticket, into=into, by=request.user)
        return Response(TicketSerializer(self._ticket(into.pk)).data)


class TicketEscalateView(TicketScopedView):
    """Raise the ticket to the RIDA as an action line (once), linked both ways. Answers the ticket."""

    capabilities = {"POST": access.ESCALATE}
    serializer_class = TicketSerializer

    @extend_schema(request=None, responses={201: TicketSerializer, 200: TicketSerializer})
    def post(self, request: Request, crisis_id: int, ticket_id: int) -> Response:
        ticket = self._ticket(ticket_id)
        already = ticket.rida_line_id is not None
        services.ticket_escalate(ticket=ticket, by=request.user)
        code = status.HTTP_200_OK if already else status.HTTP_201_CREATED
        return Response(TicketSerializer(self._ticket(ticket_id)).data, status=code)


class TopIncidentsView(CrisisScopedView):
    """The most reported problems of the last `hours` (72 by default), best first, for the Flash info."""

    serializer_class = TopIncidentSerializer
    pagination_class = None

    @extend_schema(parameters=[TopQuerySerializer], responses=TopIncidentSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        hours = validated_query(TopQuerySerializer, request).validated_data["hours"]
        return Response(TopIncidentSerializer(selectors.top_incidents(self.crisis, hours=hours), many=True).data)
