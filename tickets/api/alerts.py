"""The alerts' API: POST /api/alerts/ for the SOC/EDR sources (their token only), and the
establishment's list, triage and monthly report under /api/establishments/{id}/alerts/."""

import json
import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crisis.api import EstablishmentScopedView
from web import api_fields
from web.api_fields import ModelSerializer
from web.api_input import validated, validated_query
from web.pagination import Pagination

from .. import access, selectors, services
from ..authentication import AlertSourceAuthentication, SourcePrincipal
from ..models import Alert

MAX_PAYLOAD = 64 * 1024  # bytes of the payload, as JSON


class AlertSerializer(ModelSerializer):
    source = api_fields.CharField(source="source.name")

    class Meta:
        model = Alert
        fields = [
            "id",
            "source",
            "external_id",
            "host",
            "user",
            "severity",
            "title",
            "detected_at",
            "received_at",
            "status",
            "status_by",
            "status_at",
            "resolved_at",
            "host_isolated_at",
            "ticket",
            "journal_entry",
            "payload",
        ]
        read_only_fields = fields


class AlertPushSerializer(serializers.Serializer):
    source = api_fields.CharField(max_length=80, required=False, allow_blank=True)
    external_id = api_fields.CharField(max_length=200)
    host = api_fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    user = api_fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Alert.Severity.choices)
    title = api_fields.CharField(max_length=300)
    detected_at = api_fields.DateTimeField()
    payload = serializers.JSONField(required=False, default=dict)

    def validate_payload(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Un objet JSON est attendu."))
        if len(json.dumps(value, ensure_ascii=False).encode("utf-8")) > MAX_PAYLOAD:
            raise serializers.ValidationError(_("Données brutes trop volumineuses (64 Ko au plus)."))
        return value

    def validate_detected_at(self, value):
        if not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("Date hors des limites acceptées."))
        return value


class OnlyPushBySource(permissions.BasePermission):
    """A source pushes, and only pushes: any other method is a 403."""

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.user, SourcePrincipal):
            return False
        if request.method != "POST":
            raise exceptions.PermissionDenied(_("Un jeton de source ne sert qu'à pousser des alertes (POST)."))
        return True


class AlertPushView(APIView):
    """A SOC/EDR pushes an alert with its source token. Pushed twice (same external_id): stored once,
    the second answer a 200 with the same id; the first a 201."""

    authentication_classes = [AlertSourceAuthentication]
    permission_classes = [OnlyPushBySource]
    throttle_classes = []

    @extend_schema(request=AlertPushSerializer, responses={201: AlertSerializer, 200: AlertSerializer})
    def post(self, request: Request) -> Response:
        source = request.auth
        data = validated(AlertPushSerializer, request.data)
        named = data.pop("source", "")
        if named and named != source.name:
            raise exceptions.ValidationError({"source": [_("Ce jeton est celui de la source « %s ».") % source.name]})
        alert, created = services.alert_ingest(source=source, **data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(AlertSerializer(alert).data, status=code)


class AlertQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Alert.Status.choices, required=False)
    severity = serializers.ChoiceField(choices=Alert.Severity.choices, required=False)
    host = api_fields.CharField(max_length=200, required=False, allow_blank=True)
    since = api_fields.DateTimeField(required=False)


class AlertUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Alert.Status.choices, required=False)
    host_isolated = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Rien à modifier."))
        if attrs.get("host_isolated") is False:
            raise serializers.ValidationError({"host_isolated": _("Un isolement enregistré ne s'efface pas.")})
        return attrs


class ReportQuerySerializer(serializers.Serializer):
    month = api_fields.CharField(max_length=7)

    def validate_month(self, value):
        if not re.fullmatch(r"(20\d\d)-(0[1-9]|1[0-2])", value):
            raise serializers.ValidationError(_("Mois attendu sous la forme AAAA-MM."))
        return value


class AlertReportSerializer(serializers.Serializer):
    month = serializers.CharField()
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    false_positives = serializers.IntegerField()
    by_severity = serializers.DictField(child=serializers.IntegerField())
    by_host = serializers.ListField(child=serializers.DictField())
    median_minutes_to_resolve = serializers.FloatField(allow_null=True)


class AlertListView(EstablishmentScopedView):
    """The establishment's alerts, newest first; filters status, severity, host, since."""

    serializer_class = AlertSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[AlertQuerySerializer], responses=AlertSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        filters = validated_query(AlertQuerySerializer, request).validated_data
        alerts = selectors.alerts_filtered(selectors.alerts_of(self.establishment.pk), filters)
        page = self.paginate_queryset(alerts)
        return self.get_paginated_response(AlertSerializer(page, many=True).data)


class AlertView(EstablishmentScopedView):
    """One alert. PATCH triages it (status; host_isolated: true records the isolation). No DELETE (405)."""

    capabilities = {"PATCH": access.ALERTS_TRIAGE}
    serializer_class = AlertSerializer

    def _alert(self, alert_id: int) -> Alert:
        return self.object_of(selectors.alerts_of(self.establishment.pk), alert_id)

    @extend_schema(responses=AlertSerializer)
    def get(self, request: Request, establishment_id: int, alert_id: int) -> Response:
        return Response(AlertSerializer(self._alert(alert_id)).data)

    @extend_schema(request=AlertUpdateSerializer, responses=AlertSerializer)
    def patch(self, request: Request, establishment_id: int, alert_id: int) -> Response:
        alert = self._alert(alert_id)
        data = validated(AlertUpdateSerializer, request.data)
        if "status" in data:
            services.alert_update(alert=alert, by=request.user, status=data["status"])
        if data.get("host_isolated"):
            services.alert_isolate_host(alert=alert, by=request.user)
        return Response(AlertSerializer(self._alert(alert_id)).data)


class AlertReportView(EstablishmentScopedView):
    """A month of alerts (?month=YYYY-MM): received, resolved, false positives, by severity, by host, median."""

    serializer_class = AlertReportSerializer
    pagination_class = None

    @extend_schema(parameters=[ReportQuerySerializer], responses=AlertReportSerializer)
    def get(self, request: Request, establishment_id: int) -> Response:
        month = validated_query(ReportQuerySerializer, request).validated_data["month"]
        return Response(AlertReportSerializer(selectors.monthly_report(self.establishment.pk, month)).data)
