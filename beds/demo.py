"""Demo beds (manage.py seed_demo): a hospital of about 700 beds in its care units, ~85 % occupied,
four days of movements (fiches navettes) and a few slips waiting to be typed.

Patients are pseudonymous and made up: a fake IPP, initials, a birth year, a sex. The history is
simulated in time order with the services' own rules, then written in bulk (one pass, a few
seconds); the beds' current state is the simulation's end, so replaying the movements gives it.
"""

import heapq
import random
import string
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from crisis import live
from crisis.models import Service
from crisis.services import service_named

from .models import Bed, BedStatus, Movement, Patient, PendingSlip, Room

# name, code, location, beds, kind of bed, birth years, share of women
UNITS = [
    ("Médecine polyvalente", "MED", "Bât. A, 1er", 70, Bed.Kind.STANDARD, (1935, 1990), 0.5),
    ("Cardiologie", "CAR", "Bât. A, 2e", 48, Bed.Kind.STANDARD, (1935, 1975), 0.4),
    ("Soins intensifs de cardiologie", "USIC", "Bât. A, 2e", 12, Bed.Kind.INTENSIVE, (1935, 1975), 0.35),
    ("Pneumologie", "PNE", "Bât. A, 3e", 40, Bed.Kind.STANDARD, (1935, 1980), 0.45),
    ("Gastro-entérologie", "GAS", "Bât. A, 4e", 36, Bed.Kind.STANDARD, (1940, 1995), 0.5),
    ("Neurologie", "NEU", "Bât. A, 5e", 36, Bed.Kind.STANDARD, (1935, 1995), 0.5),
    ("Néphrologie", "NEP", "Bât. A, 5e", 24, Bed.Kind.STANDARD, (1940, 1990), 0.45),
    ("Oncologie médicale", "ONC", "Bât. E, 1er", 30, Bed.Kind.STANDARD, (1940, 1990), 0.5),
    ("Chirurgie viscérale", "CHV", "Bât. B, 1er", 44, Bed.Kind.STANDARD, (1945, 2000), 0.5),
    ("Orthopédie", "ORT", "Bât. B, 2e", 44, Bed.Kind.STANDARD, (1935, 2005), 0.5),
    ("Chirurgie ambulatoire", "AMB", "Bât. B, RDC", 24, Bed.Kind.DAY, (1950, 2005), 0.5),
    ("Pédiatrie", "PED", "Bât. C, RDC", 30, Bed.Kind.STANDARD, (2010, 2025), 0.5),
    ("Maternité", "MAT", "Bât. C, 1er", 40, Bed.Kind.STANDARD, (1985, 2005), 1.0),
    ("Réanimation", "REA", "Bât. A, RDC", 20, Bed.Kind.INTENSIVE, (1940, 2000), 0.4),
    ("Unité d'hospitalisation de courte durée", "UHCD", "Urgences", 12, Bed.Kind.STANDARD, (1940, 2005), 0.5),
    ("Gériatrie", "GER", "Bât. D", 70, Bed.Kind.STANDARD, (1925, 1950), 0.6),
    ("Soins de suite et réadaptation", "SSR", "Bât. F", 60, Bed.Kind.STANDARD, (1930, 1960), 0.6),
    ("Psychiatrie adulte", "PSY", "Bât. G", 50, Bed.Kind.ISOLATION, (1960, 2005), 0.45),
]
COLUMNS = 12  # beds per row of a unit's grid
HISTORY_DAYS = 4
TARGET = 0.85
WAITING_SLIPS = ("FN-2291", "FN-2292", "FN-2293", "FN-2295", "FN-2296", "FN-2298", "FN-2301")


def seed_demo_data(*, establishment, users) -> None:
    if Bed.objects.filter(establishment=establishment).exists():
        return
    with transaction.atomic():
        units = _units(establishment)
        beds = _beds(establishment, units)
        author = users.get("soins") or next(iter(users.values()))
        _history(establishment, beds, units, author, random.Random(16))
        PendingSlip.objects.bulk_create(
            PendingSlip(establishment=establishment, number=n, received_by=users.get("secretaire", author))
            for n in WAITING_SLIPS
        )
        live.bump(establishment, "beds")


def _units(establishment) -> dict:
    units = {}
    for position, (name, code, location, *_rest) in enumerate(UNITS):
        unit = service_named(establishment=establishment, name=name, kind=Service.Kind.CARE)
        Service.objects.filter(pk=unit.pk).update(has_beds=True, code=code, location=location, position=100 + position)
        units[code] = unit
    return units


def _beds(establishment, units) -> list[Bed]:
    beds = []
    for _name, code, _location, count, kind, *_rest in UNITS:
        unit = units[code]
        single = kind in (Bed.Kind.INTENSIVE, Bed.Kind.ISOLATION)
        rooms = {}
        for i in range(count):
            number = f"{i + 1:02d}" if single else str(101 + i // 2)
            if number not in rooms:
                rooms[number] = Room(establishment=establishment, unit=unit, label=number)
            label = f"{code}-{number}" if single else f"{code}-{number}{'AB'[i % 2]}"
            beds.append(
                Bed(
                    establishment=establishment,
                    unit=unit,
                    room=rooms[number],
                    label=label,
                    kind=kind,
                    row=i // COLUMNS + 1,
                    col=i % COLUMNS + 1,
                )
            )
        Room.objects.bulk_create(rooms.values())
    for bed in beds:
        bed.room_id = bed.room.pk
    return Bed.objects.bulk_create(beds)


class _Sim:
    """The ward's state while the history is written, with the services' rules (one bed, one patient)."""

    def __init__(self, establishment, beds, author, rng):
        self.establishment, self.author, self.rng = establishment, author, rng
        self.beds = beds
        self.state = {b.pk: (BedStatus.FREE, None, None, None) for b in beds}  # status, patient, admitted, expected
        self.movements: list[Movement] = []
        self.slip = 1800

    def move(self, kind, bed, at, patient=None, to_bed=None, expected=None):
        source = self.rng.choices(
            [Movement.Source.PAPER, Movement.Source.CALL, Movement.Source.DIRECT], weights=[7, 2, 1]
        )[0]
        number = ""
        if source == Movement.Source.PAPER:
            self.slip += 1
            number = f"FN-{self.slip}"
        self.movements.append(
            Movement(
                establishment=self.establishment,
                kind=kind,
                bed=bed,
                to_bed=to_bed,
                patient=patient,
                occurred_at=at,
                author=self.author,
                source=source,
                slip_number=number,
                expected_discharge=expected,
            )
        )

    def free_beds(self, unit_id=None):
        return [b for b in self.beds if self.state[b.pk][0] == BedStatus.FREE and unit_id in (None, b.unit_id)]

    def occupied(self):
        return [b for b in self.beds if self.state[b.pk][0] == BedStatus.OCCUPIED]


def _patient(establishment, unit_code, rng, n) -> Patient:
    profile = next(u for u in UNITS if u[1] == unit_code)
    first, last = profile[5]
    return Patient(
        establishment=establishment,
        ref=f"8{n:07d}",
        initials=rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase),
        birth_year=rng.randint(first, last),
        sex="F" if rng.random() < profile[6] else "M",
    )


def _history(establishment, beds, units, author, rng, *, days: float = HISTORY_DAYS, step=(4, 14)) -> int:
    """Simulate `days` of movements, one event every `step` minutes (bench/bed_map.py asks for more); how many."""
    now = timezone.now().replace(second=0, microsecond=0)
    start = now - timedelta(days=days)
    code_of = {u.pk: code for code, u in units.items()}
    sim = _Sim(establishment, beds, author, rng)
    patients: list[Patient] = []

    def new_patient(unit_id):
        p = _patient(establishment, code_of[unit_id], rng, 310000 + len(patients))
        patients.append(p)
        return p

    def expected_for(at, unit_id):
        stay = 1 if code_of[unit_id] in ("AMB", "UHCD") else rng.randint(2, 12)
        return timezone.localtime(at + timedelta(days=stay)).date()

    # The ward as it stood four days ago: admissions spread over the ten days before.
    for bed in beds:
        if rng.random() < TARGET:
            at = start - timedelta(minutes=rng.randint(60, 10 * 24 * 60))
            patient = new_patient(bed.unit_id)
            expected = expected_for(at, bed.unit_id)
            sim.state[bed.pk] = (BedStatus.OCCUPIED, patient, at, expected)
            sim.move(Movement.Kind.ADMISSION, bed, at, patient, expected=expected)
    sim.movements.sort(key=lambda m: m.occurred_at)
    # Four days of movements, in time order; a bed being cleaned is back in service an hour later.
    later: list[tuple] = []
    t = start
    while t < now - timedelta(minutes=20):
        t += timedelta(minutes=rng.randint(*step))
        while later and later[0][0] <= t:
            at, _n, bed = heapq.heappop(later)
            sim.state[bed.pk] = (BedStatus.FREE, None, None, None)
            sim.move(Movement.Kind.UNBLOCK, bed, at)
        occupied = sim.occupied()
        rate = len(occupied) / len(beds)
        roll = rng.random()
        if roll < 0.08:  # a transfer to another unit (or within)
            bed = rng.choice(occupied)
            targets = sim.free_beds()
            if targets:
                to_bed = rng.choice(targets)
                _status, patient, admitted, expected = sim.state[bed.pk]
                sim.state[to_bed.pk] = (BedStatus.OCCUPIED, patient, admitted, expected)
                sim.state[bed.pk] = (BedStatus.FREE, None, None, None)
                sim.move(Movement.Kind.TRANSFER, bed, t, patient, to_bed=to_bed)
        elif roll < 0.10:  # a bed blocked (a broken call bell) or back in service
            blocked = [b for b in beds if sim.state[b.pk][0] == BedStatus.BLOCKED]
            if blocked and rng.random() < 0.5:
                bed = rng.choice(blocked)
                sim.state[bed.pk] = (BedStatus.FREE, None, None, None)
                sim.move(Movement.Kind.UNBLOCK, bed, t)
            elif len(blocked) < 12:
                bed = rng.choice(sim.free_beds())
                sim.state[bed.pk] = (BedStatus.BLOCKED, None, None, None)
                sim.move(Movement.Kind.BLOCK, bed, t)
        elif rate > TARGET + rng.uniform(-0.02, 0.02):  # a discharge, the bed cleaned most of the time
            bed = rng.choice(occupied)
            patient = sim.state[bed.pk][1]
            sim.state[bed.pk] = (BedStatus.FREE, None, None, None)
            sim.move(Movement.Kind.DISCHARGE, bed, t, patient)
            if rng.random() < 0.6:
                sim.state[bed.pk] = (BedStatus.CLEANING, None, None, None)
                sim.move(Movement.Kind.CLEANING, bed, t)
                done = t + timedelta(minutes=rng.randint(40, 100))
                if done < now:
                    heapq.heappush(later, (done, len(sim.movements), bed))
        else:  # an admission
            free = sim.free_beds()
            if free:
                bed = rng.choice(free)
                patient = new_patient(bed.unit_id)
                expected = expected_for(t, bed.unit_id)
                sim.state[bed.pk] = (BedStatus.OCCUPIED, patient, t, expected)
                sim.move(Movement.Kind.ADMISSION, bed, t, patient, expected=expected)
    Patient.objects.bulk_create(patients)
    for m in sim.movements:
        m.patient_id = m.patient.pk if m.patient else None
    Movement.objects.bulk_create(sim.movements, batch_size=2000)
    # Typed a little after the fact (auto_now_add stamped them now): slips reach the cell late.
    Movement.objects.filter(establishment=establishment).update(recorded_at=F("occurred_at") + timedelta(minutes=12))
    last = {}
    for m in sim.movements:
        for bed in (m.bed, m.to_bed):
            if bed is not None:
                last[bed.pk] = max(last.get(bed.pk, m.occurred_at), m.occurred_at)
    for bed in beds:
        status, patient, admitted, expected = sim.state[bed.pk]
        bed.status, bed.patient, bed.admitted_at, bed.expected_discharge = status, patient, admitted, expected
        bed.last_movement_at = last.get(bed.pk)
    Bed.objects.bulk_update(
        beds, ["status", "patient", "admitted_at", "expected_discharge", "last_movement_at"], batch_size=500
    )
    return len(sim.movements)
