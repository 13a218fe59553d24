"""Reads of the beds: the map (current state), the map at any past time, replay, census comparison.

The map at a time T is, for each bed, the effect of its latest movement at or before T (as the
bed a movement starts from, or the bed a transfer arrives in): two index-backed subqueries per
bed, whatever the length of the history. ``replay`` recomputes the current map from the
movements alone, in order: the tests check it equals the state kept on the beds.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from crisis.models import Establishment, Service

from .models import Bed, BedStatus, Movement, PendingSlip

Kind = Movement.Kind


@dataclass
class Totals:
    capacity: int = 0
    occupied: int = 0
    free: int = 0
    blocked: int = 0  # blocked or being cleaned: in capacity, not available
    closed: int = 0

    @property
    def rate(self) -> float:
        return round(100 * self.occupied / self.capacity, 1) if self.capacity else 0.0

    def add(self, status: str) -> None:
        if status == BedStatus.CLOSED:
            self.closed += 1
            return
        self.capacity += 1
        if status == BedStatus.OCCUPIED:
            self.occupied += 1
        elif status == BedStatus.FREE:
            self.free += 1
        else:
            self.blocked += 1


@dataclass(slots=True)
class BedRow:
    """What the map needs of a bed: read as plain values (700 model instances, with their room and
    patient, were most of the map's time)."""

    pk: int
    unit_id: int
    label: str
    row: int
    col: int
    kind: str
    room_label: str
    is_closed: bool
    admitted_at: datetime | None = None
    expected_discharge: date | None = None


@dataclass(slots=True)
class PatientRow:
    ref: str
    initials: str
    birth_year: int
    sex: str


BED_FIELDS = ("pk", "unit_id", "label", "row", "col", "kind", "room__label", "is_closed")
PATIENT_FIELDS = ("ref", "initials", "birth_year", "sex")


def _patient_row(values) -> PatientRow | None:
    return PatientRow(*values) if values[0] is not None else None


@dataclass
class Cell:
    """A bed as a map shows it, now or at a past time."""

    bed: BedRow
    status: str
    patient: PatientRow | None = None
    admitted_at: datetime | None = None

    @property
    def label(self) -> str:
        return str(BedStatus(self.status).label)


@dataclass
class UnitMap:
    unit: Service
    cells: list[Cell] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)

    @property
    def rows(self) -> int:
        return max((c.bed.row for c in self.cells), default=0)


def units_of(establishment: Establishment) -> QuerySet[Service]:
    return Service.objects.filter(establishment=establishment, has_beds=True, is_active=True)


def beds_of(establishment: Establishment) -> QuerySet[Bed]:
    return Bed.objects.filter(establishment=establishment).select_related("room", "unit")


def _group(establishment: Establishment, cells: list[Cell]) -> tuple[list[UnitMap], Totals]:
    maps = {u.pk: UnitMap(u) for u in units_of(establishment)}
    hospital = Totals()
    for cell in cells:
        unit_map = maps.get(cell.bed.unit_id)
        if unit_map is None:  # a unit deactivated or without beds any more: off the map
            continue
        unit_map.cells.append(cell)
        unit_map.totals.add(cell.status)
        hospital.add(cell.status)
    return [m for m in maps.values() if m.cells], hospital


def current_map(establishment: Establishment, *, with_patients: bool) -> tuple[list[UnitMap], Totals]:
    """The map now: two queries (units; beds with their rooms and patients), whatever the history."""
    fields = (*BED_FIELDS, "admitted_at", "expected_discharge", "status")
    if with_patients:
        fields += tuple(f"patient__{f}" for f in PATIENT_FIELDS)
    rows = (
        Bed.objects.filter(establishment=establishment).order_by("unit_id", "row", "col", "label").values_list(*fields)
    )
    n = len(BED_FIELDS) + 2
    cells = []
    for values in rows:
        bed = BedRow(*values[:n])
        status = BedStatus.CLOSED if bed.is_closed else values[n]
        patient = _patient_row(values[n + 1 :]) if with_patients else None
        cells.append(Cell(bed, status, patient, bed.admitted_at))
    return _group(establishment, cells)


def unit_totals(establishment: Establishment) -> tuple[list[tuple[Service, Totals]], Totals]:
    """Each unit's totals and the hospital's, counted by the database (two queries, a few dozen rows; one without beds):
    for the cards and the units' API, which show no bed."""
    counts = defaultdict(list)
    rows = (
        Bed.objects.filter(establishment=establishment)
        .values_list("unit_id", "status", "is_closed")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit_id, status, is_closed, n in rows:
        counts[unit_id].append((BedStatus.CLOSED if is_closed else status, n))
    hospital, units = Totals(), []
    if not counts:  # no bed at all: the units are not asked for
        return units, hospital
    for unit in units_of(establishment):
        if unit.pk not in counts:
            continue
        totals = Totals()
        for status, n in counts[unit.pk]:
            for _ in range(n):
                totals.add(status)
                hospital.add(status)
        units.append((unit, totals))
    return units, hospital


def _effect(movement: Movement, bed_id: int) -> tuple[str, int | None]:
    """What a movement leaves on one bed: (status, patient id)."""
    if movement.kind == Kind.ADMISSION or (movement.kind == Kind.TRANSFER and movement.to_bed_id == bed_id):
        return BedStatus.OCCUPIED, movement.patient_id
    if movement.kind == Kind.BLOCK:
        return BedStatus.BLOCKED, None
    if movement.kind == Kind.CLEANING:
        return BedStatus.CLEANING, None
    return BedStatus.FREE, None


def _latest(field_name: str, at: datetime) -> Subquery:
    return Subquery(
        Movement.objects.filter(**{field_name: OuterRef("pk")}, occurred_at__lte=at)
        .order_by("-occurred_at", "-pk")
        .values("pk")[:1]
    )


@dataclass(slots=True)
class MovementRow:
    pk: int
    kind: str
    bed_id: int
    to_bed_id: int | None
    patient_id: int | None
    occurred_at: datetime
    patient: PatientRow | None = None


def map_at(establishment: Establishment, at: datetime, *, with_patients: bool) -> tuple[list[UnitMap], Totals]:
    """The map as it stood at `at`, from the movements (the beds' state now plays no part): three queries."""
    beds = (
        Bed.objects.filter(establishment=establishment)
        .order_by("unit_id", "row", "col", "label")
        .annotate(left=_latest("bed", at), arrived=_latest("to_bed", at))
        .values_list(*BED_FIELDS, "left", "arrived")
    )
    beds = [(BedRow(*values[:-2]), values[-2], values[-1]) for values in beds]
    wanted = {pk for _b, left, arrived in beds for pk in (left, arrived) if pk}
    fields = ("pk", "kind", "bed_id", "to_bed_id", "patient_id", "occurred_at")
    if with_patients:
        fields += tuple(f"patient__{f}" for f in PATIENT_FIELDS)
    by_pk = {}
    for values in Movement.objects.filter(pk__in=wanted).values_list(*fields):
        row = MovementRow(*values[:6])
        if with_patients:
            row.patient = _patient_row(values[6:])
        by_pk[row.pk] = row
    cells = []
    for bed, left, arrived in beds:
        candidates = [by_pk[pk] for pk in (left, arrived) if pk]
        last = max(candidates, key=lambda m: (m.occurred_at, m.pk), default=None)
        status, patient_id = _effect(last, bed.pk) if last else (BedStatus.FREE, None)
        if bed.is_closed:
            status = BedStatus.CLOSED
        patient = last.patient if with_patients and patient_id else None
        cells.append(Cell(bed, status, patient, None))
    return _group(establishment, cells)


def replay(movements) -> dict[int, tuple[str, int | None]]:
    """Each bed's (status, patient id) after these movements applied in order of time: the map, recomputed."""
    state: dict[int, tuple[str, int | None]] = {}
    for movement in sorted(movements, key=lambda m: (m.occurred_at, m.pk)):
        state[movement.bed_id] = _effect(movement, movement.bed_id)
        if movement.to_bed_id:
            state[movement.to_bed_id] = _effect(movement, movement.to_bed_id)
    return state


@dataclass
class Comparison:
    """What changed between two censuses, by unit and for the hospital."""

    entries: int = 0
    exits: int = 0
    transfers: int = 0
    by_unit: dict = field(default_factory=lambda: defaultdict(lambda: {"entries": 0, "exits": 0, "transfers": 0}))


def movements_between(establishment: Establishment, start: datetime, end: datetime) -> Comparison:
    comparison = Comparison()
    rows = Movement.objects.filter(
        establishment=establishment,
        occurred_at__gt=start,
        occurred_at__lte=end,
        kind__in=[Kind.ADMISSION, Kind.DISCHARGE, Kind.TRANSFER],
    ).values_list("kind", "bed__unit_id", "to_bed__unit_id")
    for kind, unit_id, to_unit_id in rows:
        if kind == Kind.ADMISSION:
            comparison.entries += 1
            comparison.by_unit[unit_id]["entries"] += 1
        elif kind == Kind.DISCHARGE:
            comparison.exits += 1
            comparison.by_unit[unit_id]["exits"] += 1
        else:
            comparison.transfers += 1
            comparison.by_unit[unit_id]["transfers"] += 1
            if to_unit_id != unit_id:
                comparison.by_unit[to_unit_id]["transfers"] += 1
    return comparison


def previous_census_time(at: datetime) -> datetime:
    """The census before `at`: the same hour the day before (a census is a daily round)."""
    return at - timedelta(days=1)


def pending_slips(establishment: Establishment) -> QuerySet[PendingSlip]:
    return PendingSlip.objects.filter(establishment=establishment, movement=None).select_related("unit")


def unit_history(establishment: Establishment, unit: Service, *, limit: int = 200) -> list[Movement]:
    return list(
        Movement.objects.filter(establishment=establishment)
        .filter(Q(bed__unit=unit) | Q(to_bed__unit=unit))
        .select_related("bed", "to_bed", "author", "patient")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def occupancy_series(establishment: Establishment, unit: Service, *, days: int = 7, step_hours: int = 6, now=None):
    """(time, occupied, capacity) every `step_hours` over the last `days`, from the movements: the chart's points.

    One query: the unit's movements of the window plus the state at its start, replayed in Python."""
    now = now or timezone.now()
    start = now - timedelta(days=days)
    beds = list(
        Bed.objects.filter(unit=unit, establishment=establishment).annotate(
            left=_latest("bed", start), arrived=_latest("to_bed", start)
        )
    )
    capacity = sum(1 for b in beds if not b.is_closed)
    bed_ids = {b.pk for b in beds}
    before = {pk for b in beds for pk in (b.left, b.arrived) if pk}
    state: dict[int, str] = {}
    for m in sorted(Movement.objects.filter(pk__in=before), key=lambda m: (m.occurred_at, m.pk)):
        for bed_id in (m.bed_id, m.to_bed_id):
            if bed_id in bed_ids:
                state[bed_id] = _effect(m, bed_id)[0]
    window = list(
        Movement.objects.filter(establishment=establishment, occurred_at__gt=start, occurred_at__lte=now).filter(
            Q(bed_id__in=bed_ids) | Q(to_bed_id__in=bed_ids)
        )
    )
    window.sort(key=lambda m: (m.occurred_at, m.pk))
    points, i = [], 0
    t = start
    while t <= now:
        while i < len(window) and window[i].occurred_at <= t:
            m = window[i]
            for bed_id in (m.bed_id, m.to_bed_id):
                if bed_id in bed_ids:
                    state[bed_id] = _effect(m, bed_id)[0]
            i += 1
        points.append((t, sum(1 for s in state.values() if s == BedStatus.OCCUPIED), capacity))
        t += timedelta(hours=step_hours)
    return points
