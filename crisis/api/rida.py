"""API of the RIDA table: lines, history, exports."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from web.api_input import validated, validated_query
from web.pagination import Pagination

from .. import exports, selectors, services
from ..models import Crisis, JournalEntry, Meeting, RidaLine
from ..permissions import Cap, require_rida_fields
from ..serializers import (
    RidaExportQuerySerializer,
    RidaHistoryRowSerializer,
    RidaLineCreateSerializer,
    RidaLineSerializer,
    RidaLineUpdateSerializer,
    RidaQuerySerializer,
)
from .base import CrisisScopedView, _member


class RidaListView(CrisisScopedView):
    """The crisis's RIDA, newest first; filters kind, status, owner, theme, overdue=1, q (limit/offset pages)."""

    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = RidaLineSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[RidaQuerySerializer], responses=RidaLineSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        filters = validated_query(RidaQuerySerializer, request).filters()
        page = self.paginate_queryset(selectors.rida_lines(self.crisis, filters))
        return self.get_paginated_response(RidaLineSerializer(page, many=True).data)

    @extend_schema(request=RidaLineCreateSerializer, responses={201: RidaLineSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(RidaLineCreateSerializer, request.data)
        data["owner"] = _member(self.crisis, data.get("owner"), "owner")
        data["owner_other"] = data.pop("owner_label", "")
        data["source_entry"] = self.referenced(JournalEntry, data.get("source_entry"), "source_entry")
        data["meeting"] = self.referenced(Meeting, data.get("meeting"), "meeting")
        line = services.rida_create(crisis=self.crisis, by=request.user, **data)
        line = self.object_of(selectors.rida_lines(self.crisis), line.pk)
        return Response(RidaLineSerializer(line).data, status=status.HTTP_201_CREATED)


class RidaLineView(CrisisScopedView):
    """One line. No DELETE (405): a line is abandoned, with abandon_reason, never deleted."""

    serializer_class = RidaLineSerializer

    def _line(self, line_id: int) -> RidaLine:
        return self.object_of(selectors.rida_lines(self.crisis), line_id)

    @extend_schema(responses=RidaLineSerializer)
    def get(self, request: Request, crisis_id: int, line_id: int) -> Response:
        return Response(RidaLineSerializer(self._line(line_id)).data)

    @extend_schema(request=RidaLineUpdateSerializer, responses=RidaLineSerializer)
    def patch(self, request: Request, crisis_id: int, line_id: int) -> Response:
        """Change status, owner, due time, answer... RIDA managers change any field, a line's owner its follow-up."""
        line = self._line(line_id)
        require_rida_fields(self.membership, line, [])  # 403 before any validation for one who may change nothing
        data = validated(RidaLineUpdateSerializer, request.data)
        if "owner" in data:
            data["owner"] = _member(self.crisis, data["owner"], "owner")
        if "owner_label" in data:
            data["owner_other"] = data.pop("owner_label")
        require_rida_fields(self.membership, line, data)
        services.rida_update(line=line, by=request.user, **data)
        return Response(RidaLineSerializer(self.object_of(selectors.rida_lines(self.crisis), line.pk)).data)


class RidaHistoryView(CrisisScopedView):
    """Every change of the line, newest first, one row per field: [{at, by, field, before, after}]."""

    serializer_class = RidaHistoryRowSerializer
    pagination_class = None  # every change of one line, as one list (not paginated)

    @extend_schema(responses=RidaHistoryRowSerializer(many=True))
    def get(self, request: Request, crisis_id: int, line_id: int) -> Response:
        line = self.object_of(selectors.rida_lines(self.crisis), line_id)
        return Response(RidaHistoryRowSerializer(selectors.record_history(line), many=True).data)


class RidaExportView(CrisisScopedView):
    """The RIDA as XLSX or CSV (UTF-8 with BOM, ';'), the same filters as the list applied."""

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the file type here, not a DRF renderer: errors still answer in JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        parameters=[RidaExportQuerySerializer],
        responses={
            (200, exports.XLSX_TYPE): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description=gettext_lazy("Filtre ou format invalide.")),
        },
    )
    def get(self, request: Request, crisis_id: int) -> HttpResponse:
        query = validated_query(RidaExportQuerySerializer, request)
        lines = selectors.rida_in_number_order(self.crisis, query.filters())
        return rida_export_response(self.crisis, lines, query.validated_data["format"])


def rida_export_response(crisis: Crisis, lines, file_format: str) -> HttpResponse:
    """The export as a download (the page's export links come here too)."""
    if file_format == "csv":
        body, content_type = exports.rida_csv(lines), exports.CSV_TYPE
    else:
        body, content_type = exports.rida_xlsx(lines, title=f"RIDA — {crisis.title}"), exports.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(crisis, file_format)}"'
    response["Cache-Control"] = "private, no-store"
    return response
