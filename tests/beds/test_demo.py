"""The demo hospital: about 700 beds, ~85 % occupied, a history whose replay gives the beds' state."""

import pytest

from beds import demo, selectors
from beds.models import Bed, BedStatus, Movement, PendingSlip
from crisis.models import Service


@pytest.fixture
def seeded(establishment, director):
    demo.seed_demo_data(establishment=establishment, users={"soins": director, "secretaire": director})
    return establishment


def test_the_demo_hospital_has_about_700_beds_mostly_occupied(seeded):
    beds = Bed.objects.filter(establishment=seeded)
    assert 680 <= beds.count() <= 720
    maps, hospital = selectors.current_map(seeded, with_patients=False)
    assert 80 <= hospital.rate <= 90 and hospital.free > 20
    assert Service.objects.filter(establishment=seeded, has_beds=True).count() >= len(demo.UNITS)
    assert Movement.objects.filter(establishment=seeded).count() > 1000
    assert PendingSlip.objects.filter(establishment=seeded, movement=None).count() == len(demo.WAITING_SLIPS)


def test_replaying_the_demo_s_movements_gives_its_map_and_seeding_twice_adds_nothing(seeded, director):
    replayed = selectors.replay(Movement.objects.filter(establishment=seeded))
    kept = {b.pk: (b.status, b.patient_id) for b in Bed.objects.filter(establishment=seeded)}
    assert {pk: replayed.get(pk, (BedStatus.FREE, None)) for pk in kept} == kept
    count = Movement.objects.count()
    demo.seed_demo_data(establishment=seeded, users={"soins": director})
    assert Movement.objects.count() == count
