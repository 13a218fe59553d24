"""API of crises: list, opening, record, phase."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from web.api_input import validated
from web.pagination import Pagination

from .. import services
from ..models import Crisis
from ..permissions import Cap, crises_for, get_establishment_for_user
from ..serializers import (
    CrisisCreateSerializer,
    CrisisSerializer,
    CrisisUpdateSerializer,
    PhaseChangeSerializer,
)
from .base import CrisisScopedView


class CrisisListView(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = CrisisSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Crisis.objects.none()
        return crises_for(self.request.user)

    @extend_schema(responses=CrisisSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CrisisSerializer(page, many=True).data)

    @extend_schema(
        request=CrisisCreateSerializer,
        # 404: an establishment the user is no member of, as if it did not exist (web.api_schema adds the body).
        responses={201: CrisisSerializer, 404: OpenApiResponse(description=gettext_lazy("Établissement introuvable."))},
    )
    def post(self, request: Request) -> Response:
        data = validated(CrisisCreateSerializer, request.data)
        establishment, _membership = get_establishment_for_user(request.user, data.pop("establishment"), Cap.DECIDE)
        crisis = services.crisis_create(establishment=establishment, by=request.user, **data)
        return Response(CrisisSerializer(crisis).data, status=status.HTTP_201_CREATED)


class CrisisDetailView(CrisisScopedView):
    capabilities = {"PATCH": Cap.DECIDE}
    serializer_class = CrisisSerializer

    @extend_schema(responses=CrisisSerializer)
    def get(self, request: Request, crisis_id: int) -> Response:
        return Response(CrisisSerializer(self.crisis).data)

    @extend_schema(request=CrisisUpdateSerializer, responses=CrisisSerializer)
    def patch(self, request: Request, crisis_id: int) -> Response:
        """Change the crisis record (e.g. the awareness time); kept in its history and journaled."""
        data = validated(CrisisUpdateSerializer, request.data)
        crisis = services.crisis_update(crisis=self.crisis, by=request.user, **data)
        return Response(CrisisSerializer(crisis).data)


class CrisisPhaseView(CrisisScopedView):
    """Change the crisis's phase: a decision, written in the journal by the service."""

    capabilities = {"POST": Cap.DECIDE}
    serializer_class = PhaseChangeSerializer

    @extend_schema(request=PhaseChangeSerializer, responses=CrisisSerializer)
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(PhaseChangeSerializer, request.data)
        services.crisis_change_phase(crisis=self.crisis, by=request.user, phase=data["phase"], note=data["note"])
        return Response(CrisisSerializer(self.crisis).data)
