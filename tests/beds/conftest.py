"""Fixtures of the bed tests: two care units of the establishment, six beds, a patient reference.

Personas (tests/conftest.py): director sees patient data and types movements; scribe reads the map
(statuses and totals) but no patient reference; observer (ARS) reads totals; outsider belongs to
another establishment; dpo reads the access log, not the patient data.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from beds import services
from beds.models import Bed, Room
from crisis.models import Membership, Role, Service
from tests.conftest import make_user
from tests.printing.conftest import inline_worker  # noqa: F401 — the print pipeline's worker, inline


@pytest.fixture
def units(establishment):
    return [
        Service.objects.create(establishment=establishment, name=name, code=code, has_beds=True, position=50 + i)
        for i, (name, code) in enumerate([("Cardiologie", "CAR"), ("Gériatrie", "GER")])
    ]


@pytest.fixture
def ward(establishment, units):
    """Three beds per unit: CAR-101A, CAR-101B, CAR-102A, GER-101A..."""
    beds = []
    for unit in units:
        for i, (room, letter) in enumerate([("101", "A"), ("101", "B"), ("102", "A")]):
            r, _ = Room.objects.get_or_create(establishment=establishment, unit=unit, label=room)
            beds.append(
                Bed.objects.create(
                    establishment=establishment,
                    unit=unit,
                    room=r,
                    label=f"{unit.code}-{room}{letter}",
                    row=1,
                    col=i + 1,
                )
            )
    return beds


@pytest.fixture
def dpo(establishment):
    user = make_user("dpo", "Dana", "Déléguée")
    Membership.objects.create(user=user, establishment=establishment, role=Role.DPO)
    return user


def ref(n: int = 1, **changes) -> services.PatientRef:
    values = {"ref": f"IPP{n:05d}", "initials": "JD", "birth_year": 1950 + n, "sex": "F"} | changes
    return services.PatientRef(**values)


def ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def admit(establishment, by, bed, n=1, minutes=60, **kwargs):
    return services.movement_record(
        establishment=establishment,
        by=by,
        kind="admission",
        bed=bed,
        occurred_at=ago(minutes),
        patient=ref(n),
        **kwargs,
    )
