"""API of the points de situation."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from web.api_input import validated
from web.pagination import Pagination

from .. import selectors, services
from ..models import Decision, Meeting, RidaLine
from ..permissions import Cap
from ..serializers import (
    AgendaSerializer,
    MeetingCreateSerializer,
    MeetingEndSerializer,
    MeetingSerializer,
    MeetingStartSerializer,
)
from .base import CrisisScopedView, _member, _members


class MeetingListView(CrisisScopedView):
    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = MeetingSerializer
    pagination_class = Pagination

    @extend_schema(responses=MeetingSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        page = self.paginate_queryset(selectors.meetings_of(self.crisis).prefetch_related("attendees"))
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(MeetingCreateSerializer, request.data)
        data["chair"] = _member(self.crisis, data.get("chair"), "chair")
        data["attendees"] = _members(self.crisis, data.get("attendees", []), "attendees")
        meeting = services.meeting_create(crisis=self.crisis, by=request.user, **data)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingScopedView(CrisisScopedView):
    def _meeting(self, meeting_id: int) -> Meeting:
        return self.object_of(selectors.meetings_of(self.crisis).prefetch_related("attendees"), meeting_id)


class MeetingDetailView(MeetingScopedView):
    serializer_class = MeetingSerializer

    @extend_schema(responses=MeetingSerializer)
    def get(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        return Response(MeetingSerializer(self._meeting(meeting_id)).data)


class MeetingStartView(MeetingScopedView):
    """Open the point (now unless started_at says otherwise): the countdown starts."""

    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = MeetingSerializer

    @extend_schema(request=MeetingStartSerializer, responses=MeetingSerializer)
    def post(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        meeting = self._meeting(meeting_id)
        data = validated(MeetingStartSerializer, request.data)
        services.meeting_start(meeting=meeting, by=request.user, at=data.get("started_at"))
        return Response(MeetingSerializer(self._meeting(meeting_id)).data)


class MeetingEndView(MeetingScopedView):
    """Close the point; overrun_minutes says how late it ended."""

    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = MeetingSerializer

    @extend_schema(request=MeetingEndSerializer, responses=MeetingSerializer)
    def post(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        meeting = self._meeting(meeting_id)
        data = validated(MeetingEndSerializer, request.data)
        services.meeting_end(meeting=meeting, by=request.user, at=data.get("ended_at"))
        return Response(MeetingSerializer(self._meeting(meeting_id)).data)


def agenda_items(section) -> list[dict]:
    """The agenda's items in one shape, whatever they are (RIDA line, decision, signalement, free item)."""
    items = []
    for item in section.items:
        if isinstance(item, RidaLine):
            label = f"{item.number} {item.text}"
            items.append(
                {"type": "rida", "id": item.pk, "label": label, "due_at": item.due_at, "owner_label": item.owner_label}
            )
        elif isinstance(item, Decision):
            label = item.get_gate_display()
            items.append(
                {"type": "decision", "id": item.pk, "label": label, "due_at": item.reassess_at, "owner_label": ""}
            )
        elif isinstance(item, str):
            items.append({"type": "free", "id": None, "label": item, "due_at": None, "owner_label": ""})
        else:  # a signalement, once the tickets app provides them
            items.append({"type": "signalement", "id": item.pk, "label": str(item), "due_at": None, "owner_label": ""})
    return items


class MeetingAgendaView(MeetingScopedView):
    """The agenda built for the point: actions due or overdue, decisions to confirm, new signalements, free items."""

    serializer_class = AgendaSerializer

    @extend_schema(responses=AgendaSerializer)
    def get(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        meeting = self._meeting(meeting_id)
        sections = [
            {"key": section.key, "title": section.title, "items": agenda_items(section)}
            for section in selectors.meeting_agenda(meeting)
        ]
        return Response(AgendaSerializer({"meeting": meeting.pk, "sections": sections}).data)
