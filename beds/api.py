"""The beds' API, under /api/establishments/{establishment_id}/ (the core's scoped base).

units/ and beds/ answer plain lists (a hospital's whole map, ~700 beds, in one answer);
movements/ is paginated (the history grows). ``patient`` appears only for members who may see
patient data, and each answer that carries patient references is logged (AccessLog).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from crisis.api import EstablishmentScopedView
from web.api_input import validated
from web.pagination import Pagination

from . import permissions as access
from . import selectors, services
from .models import Bed, BedStatus, Movement


class PatientSerializer(serializers.Serializer):
    ref = serializers.CharField(label=gettext_lazy("IPP"), max_length=20)
    initials = serializers.CharField(label=gettext_lazy("initiales"), max_length=6)
    birth_year = serializers.IntegerField(label=gettext_lazy("année de naissance"), min_value=1900, max_value=2100)
    sex = serializers.ChoiceField(label=gettext_lazy("sexe"), choices=["F", "M", "I"])


class MovementInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Movement.Kind.choices)
    bed = serializers.IntegerField(min_value=1)
    to_bed = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    occurred_at = serializers.DateTimeField()
    patient = PatientSerializer(required=False, allow_null=True)
    source = serializers.ChoiceField(choices=Movement.Source.choices, default=Movement.Source.DIRECT)
    slip_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    expected_discharge = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- what the API answers, described for the schema (the views build plain dicts, for speed) ---------


class TotalsSerializer(serializers.Serializer):
    capacity = serializers.IntegerField(help_text=gettext_lazy("lits ouverts (hors lits fermés)"))
    occupied = serializers.IntegerField()
    free = serializers.IntegerField()
    blocked = serializers.IntegerField(help_text=gettext_lazy("bloqués ou en nettoyage"))
    rate = serializers.FloatField(help_text=gettext_lazy("occupés / capacité, en pourcentage"))


class UnitSerializer(TotalsSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    unit = serializers.IntegerField()
    room = serializers.CharField()
    # Plain text, not an enum: the schema's enum names would collide with the movement's "kind".
    kind = serializers.CharField(help_text=", ".join(Bed.Kind.values))
    status = serializers.ChoiceField(choices=BedStatus.choices)
    row = serializers.IntegerField()
    col = serializers.IntegerField()
    patient = PatientSerializer(
        required=False, allow_null=True, help_text=gettext_lazy("seulement avec « voir les données des patients »")
    )


class MovementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Movement.Kind.choices)
    bed = serializers.IntegerField()
    to_bed = serializers.IntegerField(allow_null=True)
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=Movement.Source.choices)
    slip_number = serializers.CharField()
    expected_discharge = serializers.DateField(allow_null=True)
    patient = PatientSerializer(required=False, allow_null=True)


class CensusUnitSerializer(UnitSerializer):
    entries = serializers.IntegerField()
    exits = serializers.IntegerField()
    transfers = serializers.IntegerField()
    previous = TotalsSerializer(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    entries = serializers.IntegerField()
    exits = serializers.IntegerField()
    transfers = serializers.IntegerField()


class CensusSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    previous_at = serializers.DateTimeField()
    totals = TotalsSerializer()
    previous_totals = TotalsSerializer()
    comparison = ComparisonSerializer()
    units = CensusUnitSerializer(many=True)
    beds = BedSerializer(many=True)


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    errors = ImportErrorSerializer(many=True)
    would_create = serializers.IntegerField()
    created = serializers.IntegerField(required=False)


class ImportFileSerializer(serializers.Serializer):
    file = serializers.FileField()


def _patient(p) -> dict | None:
    return None if p is None else {"ref": p.ref, "initials": p.initials, "birth_year": p.birth_year, "sex": p.sex}


def _totals(t) -> dict:
    return {"capacity": t.capacity, "occupied": t.occupied, "free": t.free, "blocked": t.blocked, "rate": t.rate}


def _cell(cell, with_patients: bool) -> dict:
    bed = cell.bed
    row = {
        "id": bed.pk,
        "label": bed.label,
        "unit": bed.unit_id,
        "room": bed.room_label,
        "kind": bed.kind,
        "status": cell.status,
        "row": bed.row,
        "col": bed.col,
    }
    if with_patients:
        row["patient"] = _patient(cell.patient)
    return row


def movement_json(m: Movement, with_patients: bool) -> dict:
    row = {
        "id": m.pk,
        "kind": m.kind,
        "bed": m.bed_id,
        "to_bed": m.to_bed_id,
        "occurred_at": timezone.localtime(m.occurred_at).isoformat(),
        "recorded_at": timezone.localtime(m.recorded_at).isoformat(),
        "source": m.source,
        "slip_number": m.slip_number,
        "expected_discharge": m.expected_discharge.isoformat() if m.expected_discharge else None,
    }
    if with_patients:
        row["patient"] = _patient(m.patient)
    return row


class _BedsView(EstablishmentScopedView):
    pagination_class = None

    @property
    def with_patients(self) -> bool:
        return self.membership.has(access.PATIENT)

    def log(self, what: str, patients: int, detail: str = "") -> None:
        if self.with_patients:
            services.access_log(
                establishment=self.establishment, user=self.request.user, what=what, detail=detail, patients=patients
            )


class UnitListView(_BedsView):
    """Each care unit: capacity (open beds), occupied, free, blocked (or being cleaned), rate in %."""

    capabilities = {"GET": access.READ}
    serializer_class = UnitSerializer

    @extend_schema(responses=UnitSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        units, _hospital = selectors.unit_totals(self.establishment)
        return Response([{"id": unit.pk, "name": unit.name, **_totals(totals)} for unit, totals in units])


class BedListView(_BedsView):
    """Every bed, its status (libre, occupe, bloque, nettoyage, ferme) and place on its unit's grid."""

    capabilities = {"GET": access.READ}
    serializer_class = BedSerializer

    @extend_schema(responses=BedSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        with_patients = self.with_patients
        maps, _hospital = selectors.current_map(self.establishment, with_patients=with_patients)
        rows = [_cell(c, with_patients) for m in maps for c in m.cells]
        self.log("api lits", sum(1 for r in rows if r.get("patient")))
        return Response(rows)


class MovementListView(_BedsView):
    """The movements, latest first (paginated); POST records one, or answers 400 naming why it is impossible."""

    capabilities = {"GET": access.READ, "POST": access.WRITE}
    pagination_class = Pagination
    serializer_class = MovementSerializer

    @extend_schema(responses=MovementSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        movements = Movement.objects.filter(establishment=self.establishment).order_by("-occurred_at", "-pk")
        if self.with_patients:
            movements = movements.select_related("patient")
        page = self.paginate_queryset(movements)
        rows = [movement_json(m, self.with_patients) for m in page]
        self.log("api mouvements", sum(1 for r in rows if r.get("patient")))
        return self.get_paginated_response(rows)

    @extend_schema(request=MovementInput, responses={201: MovementSerializer})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = validated(MovementInput, request.data)
        data["bed"] = self.referenced(Bed, data["bed"], "bed")
        if data.get("to_bed"):
            data["to_bed"] = self.referenced(Bed, data["to_bed"], "to_bed")
        if data.get("patient"):
            data["patient"] = services.PatientRef(**data["patient"])
        try:
            movement = services.movement_record(establishment=self.establishment, by=request.user, **data)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response(movement_json(movement, True), status=status.HTTP_201_CREATED)


class CensusQuery(serializers.Serializer):
    at = serializers.DateTimeField(required=False)


def census_json(establishment, at, with_patients: bool) -> dict:
    previous_at = selectors.previous_census_time(at)
    maps, hospital = selectors.map_at(establishment, at, with_patients=with_patients)
    before, hospital_before = selectors.map_at(establishment, previous_at, with_patients=False)
    before_by_unit = {m.unit.pk: m.totals for m in before}
    comparison = selectors.movements_between(establishment, previous_at, at)
    units = []
    for m in maps:
        changes = comparison.by_unit.get(m.unit.pk, {"entries": 0, "exits": 0, "transfers": 0})
        previous = before_by_unit.get(m.unit.pk)
        units.append(
            {
                "id": m.unit.pk,
                "name": m.unit.name,
                **_totals(m.totals),
                **changes,
                "previous": _totals(previous) if previous else None,
            }
        )
    return {
        "at": timezone.localtime(at).isoformat(),
        "previous_at": timezone.localtime(previous_at).isoformat(),
        "totals": _totals(hospital),
        "previous_totals": _totals(hospital_before),
        "comparison": {"entries": comparison.entries, "exits": comparison.exits, "transfers": comparison.transfers},
        "units": units,
        "beds": [_cell(c, with_patients) for m in maps for c in m.cells],
    }


class CensusView(_BedsView):
    """The map at `at` (ISO; now by default) with totals, compared with the census 24 hours before."""

    capabilities = {"GET": access.READ}
    serializer_class = CensusSerializer

    @extend_schema(parameters=[OpenApiParameter("at", str, description="ISO 8601")], responses=CensusSerializer)
    def get(self, request: Request, establishment_id: int) -> Response:
        query = CensusQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        at = query.validated_data.get("at") or timezone.now()
        body = census_json(self.establishment, at, self.with_patients)
        self.log("api recensement", sum(1 for b in body["beds"] if b.get("patient")), detail=body["at"])
        return Response(body)


class CsvParser(BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"csv": stream.read()}


class CensusImportView(_BedsView):
    """A census as CSV (columns lit;ipp;initiales;annee_naissance;sexe[;entree;sortie_prevue]), one admission a line.

    ``?dry_run=1`` checks every line and writes nothing; without it, all lines or none (400 with the errors).
    The CSV is the request body (text/csv) or the file field ``file`` of a form."""

    capabilities = {"POST": access.WRITE}
    parser_classes = [CsvParser, MultiPartParser, FormParser]
    serializer_class = ImportResultSerializer

    @extend_schema(
        request={"text/csv": OpenApiTypes.STR, "multipart/form-data": ImportFileSerializer},
        parameters=[OpenApiParameter("dry_run", bool, description="1: check every line, write nothing")],
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
    )
    def post(self, request: Request, establishment_id: int) -> Response:
        text = _csv_text(request)
        dry_run = request.query_params.get("dry_run") in ("1", "true", "oui")
        errors, created = services.census_import(
            establishment=self.establishment, by=request.user, text=text, dry_run=dry_run
        )
        body = {"dry_run": dry_run, "errors": errors, "would_create": created if (dry_run or errors) else 0}
        if not dry_run and not errors:
            body["created"] = created
        return Response(body, status=status.HTTP_400_BAD_REQUEST if errors else status.HTTP_200_OK)


MAX_CSV_BYTES = 2_000_000


def _csv_text(request: Request) -> str:
    data = request.data
    raw = data.get("csv") if hasattr(data, "get") else None
    if raw is None and "file" in request.FILES:
        upload = request.FILES["file"]
        if upload.size > MAX_CSV_BYTES:
            raise exceptions.ValidationError({"file": [_("Fichier trop volumineux (2 Mo au plus).")]})
        raw = upload.read()
    if raw is None:
        raise exceptions.ValidationError({"file": [_("Envoyez le CSV en corps (text/csv) ou dans le champ « file ».")]})
    if isinstance(raw, str):
        return raw
    if len(raw) > MAX_CSV_BYTES:
        raise exceptions.ValidationError({"file": [_("Fichier trop volumineux (2 Mo au plus).")]})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
