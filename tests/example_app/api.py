"""The consignes' API, under /api/establishments/{establishment_id}/consignes/ (the core's scoped base)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from crisis.api import EstablishmentScopedView
from crisis.models import Service
from web import api_fields
from web.api_fields import ModelSerializer
from web.api_input import validated
from web.pagination import Pagination

from . import access, selectors, services
from .models import Consigne


class ConsigneSerializer(ModelSerializer):
    service_name = api_fields.CharField(source="service.name")
    status_label = api_fields.CharField(source="get_status_display")

    class Meta:
        model = Consigne
        fields = ["id", "service", "service_name", "title", "status", "status_label", "updated_at"]
        read_only_fields = fields


class ConsigneCreateSerializer(serializers.Serializer):
    service = serializers.IntegerField(label=_("service"), min_value=1)
    title = api_fields.CharField(label=_("consigne"), max_length=200)


class ConsigneListView(EstablishmentScopedView):
    """The establishment's consignes, by service; POST adds one."""

    capabilities = {"GET": access.READ, "POST": access.WRITE}
    serializer_class = ConsigneSerializer
    pagination_class = Pagination

    @extend_schema(responses=ConsigneSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        page = self.paginate_queryset(selectors.consignes_of(self.establishment))
        return self.get_paginated_response(ConsigneSerializer(page, many=True).data)

    @extend_schema(request=ConsigneCreateSerializer, responses={201: ConsigneSerializer})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = validated(ConsigneCreateSerializer, request.data)
        data["service"] = self.referenced(Service, data["service"], "service")
        consigne = services.consigne_create(establishment=self.establishment, by=request.user, **data)
        return Response(ConsigneSerializer(consigne).data, status=status.HTTP_201_CREATED)
