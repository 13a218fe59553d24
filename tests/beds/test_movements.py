"""Movements (fiches navettes): each kind's effect, every refusal with its reason, the map derived from them."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from beds import selectors, services
from beds.models import Bed, BedStatus, Movement, Patient
from crisis import live

from .conftest import admit, ago, ref


def state(bed):
    bed.refresh_from_db()
    return bed.status, bed.patient_id


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return {field: " ".join(str(m) for m in messages) for field, messages in caught.value.message_dict.items()}


def test_an_admission_occupies_the_bed_and_moves_the_live_topic(establishment, director, ward):
    before = live.version(establishment, ["beds"])
    movement = admit(establishment, director, ward[0], expected_discharge=timezone.localdate() + timedelta(days=3))
    status, patient_id = state(ward[0])
    assert status == BedStatus.OCCUPIED and Patient.objects.get(pk=patient_id).ref == "IPP00001"
    assert movement.patient_id == patient_id and movement.author == director
    assert int(live.version(establishment, ["beds"])) > int(before)


def test_a_transfer_frees_the_first_bed_and_fills_the_second_keeping_the_admission_time(establishment, director, ward):
    admission = admit(establishment, director, ward[0], minutes=120)
    services.movement_record(
        establishment=establishment, by=director, kind="transfert", bed=ward[0], to_bed=ward[3], occurred_at=ago(30)
    )
    assert state(ward[0]) == (BedStatus.FREE, None)
    assert state(ward[3]) == (BedStatus.OCCUPIED, admission.patient_id)
    assert ward[3].admitted_at == admission.occurred_at


def test_discharge_block_cleaning_and_back_in_service(establishment, director, ward):
    admit(establishment, director, ward[0], minutes=120)
    for kind, minutes, expected in [
        ("sortie", 100, BedStatus.FREE),
        ("nettoyage", 90, BedStatus.CLEANING),
        ("deblocage", 80, BedStatus.FREE),
        ("blocage", 70, BedStatus.BLOCKED),
        ("deblocage", 60, BedStatus.FREE),
    ]:
        services.movement_record(
            establishment=establishment, by=director, kind=kind, bed=ward[0], occurred_at=ago(minutes)
        )
        assert state(ward[0]) == (expected, None), kind


def test_admitting_into_an_occupied_bed_is_refused(establishment, director, ward):
    admit(establishment, director, ward[0], n=1, minutes=60)
    errors = refusal(lambda: admit(establishment, director, ward[0], n=2, minutes=30))
    assert errors == {"bed": "Le lit CAR-101A est déjà occupé."}
    assert Movement.objects.count() == 1 and not Patient.objects.filter(ref="IPP00002").exists()


def test_discharging_an_empty_bed_is_refused(establishment, director, ward):
    errors = refusal(
        lambda: services.movement_record(
            establishment=establishment, by=director, kind="sortie", bed=ward[0], occurred_at=ago(5)
        )
    )
    assert errors == {"bed": "Le lit CAR-101A est vide : aucun patient à faire sortir."}


def test_a_time_before_the_bed_s_previous_movement_is_refused(establishment, director, ward):
    admit(establishment, director, ward[0], minutes=60)
    errors = refusal(
        lambda: services.movement_record(
            establishment=establishment, by=director, kind="sortie", bed=ward[0], occurred_at=ago(90)
        )
    )
    assert "après l'heure de cette fiche" in errors["occurred_at"]
    assert state(ward[0])[0] == BedStatus.OCCUPIED


def test_a_late_slip_is_accepted_when_nothing_came_after_it_on_its_beds(establishment, director, ward):
    admit(establishment, director, ward[1], n=2, minutes=10)  # another bed moved since: no matter
    movement = admit(establishment, director, ward[0], n=1, minutes=600)
    assert movement.occurred_at < movement.recorded_at - timedelta(hours=9)


def test_a_transfer_into_a_bed_moved_after_its_time_is_refused(establishment, director, ward):
    admit(establishment, director, ward[0], n=1, minutes=120)
    services.movement_record(
        establishment=establishment, by=director, kind="nettoyage", bed=ward[3], occurred_at=ago(10)
    )
    services.movement_record(
        establishment=establishment, by=director, kind="deblocage", bed=ward[3], occurred_at=ago(5)
    )
    errors = refusal(
        lambda: services.movement_record(
            establishment=establishment, by=director, kind="transfert", bed=ward[0], to_bed=ward[3], occurred_at=ago(30)
        )
    )
    assert "GER-101A" in errors["occurred_at"]


def test_a_patient_in_two_beds_at_once_is_refused(establishment, director, ward):
    admit(establishment, director, ward[0], n=1, minutes=60)
    errors = refusal(lambda: admit(establishment, director, ward[1], n=1, minutes=30))
    assert errors == {"patient": "Ce patient occupe déjà le lit CAR-101A : enregistrez sa sortie ou un transfert."}


def test_a_known_reference_with_other_initials_is_refused(establishment, director, ward):
    admit(establishment, director, ward[0], n=1, minutes=60)
    services.movement_record(establishment=establishment, by=director, kind="sortie", bed=ward[0], occurred_at=ago(50))
    errors = refusal(
        lambda: services.movement_record(
            establishment=establishment,
            by=director,
            kind="admission",
            bed=ward[1],
            occurred_at=ago(40),
            patient=ref(1, initials="XY"),
        )
    )
    assert "déjà connu avec d'autres initiales" in errors["patient"]


@pytest.mark.parametrize(
    ("kind", "to_bed", "minutes", "field"),
    [
        ("transfert", None, 5, "to_bed"),
        ("sortie", 1, 5, "to_bed"),
        ("admission", None, -60, "occurred_at"),
        ("teleportation", None, 5, "kind"),
    ],
)
def test_malformed_movements_are_refused(establishment, director, ward, kind, to_bed, minutes, field):
    errors = refusal(
        lambda: services.movement_record(
            establishment=establishment,
            by=director,
            kind=kind,
            bed=ward[0],
            to_bed=ward[to_bed] if to_bed is not None else None,
            occurred_at=ago(minutes),
            patient=ref(1),
        )
    )
    assert field in errors and not Movement.objects.exists()


def test_a_closed_bed_takes_no_one(establishment, director, ward):
    Bed.objects.filter(pk=ward[0].pk).update(is_closed=True)
    assert refusal(lambda: admit(establishment, director, ward[0])) == {"bed": "Le lit CAR-101A est fermé."}


def test_a_bed_of_another_establishment_is_refused(other_establishment, director, ward):
    errors = refusal(lambda: admit(other_establishment, director, ward[0]))
    assert "bed" in errors and not Movement.objects.exists()


# --- the map, derived ------------------------------------------------------------------------


def _history(establishment, director, ward):
    admit(establishment, director, ward[0], n=1, minutes=300)
    admit(establishment, director, ward[1], n=2, minutes=290)
    admit(establishment, director, ward[3], n=3, minutes=280)
    services.movement_record(
        establishment=establishment, by=director, kind="transfert", bed=ward[0], to_bed=ward[4], occurred_at=ago(200)
    )
    services.movement_record(establishment=establishment, by=director, kind="sortie", bed=ward[1], occurred_at=ago(150))
    services.movement_record(
        establishment=establishment, by=director, kind="nettoyage", bed=ward[1], occurred_at=ago(140)
    )
    services.movement_record(
        establishment=establishment, by=director, kind="blocage", bed=ward[5], occurred_at=ago(100)
    )
    admit(establishment, director, ward[0], n=4, minutes=50)  # a late slip, typed last


def test_replaying_the_movements_gives_the_map_kept_on_the_beds(establishment, director, ward):
    _history(establishment, director, ward)
    replayed = selectors.replay(Movement.objects.all())
    kept = {b.pk: (b.status, b.patient_id) for b in Bed.objects.all()}
    assert {pk: replayed.get(pk, (BedStatus.FREE, None)) for pk in kept} == kept
    maps, totals = selectors.current_map(establishment, with_patients=True)
    at_now, totals_now = selectors.map_at(establishment, timezone.now(), with_patients=True)
    assert [(c.bed.pk, c.status, c.patient) for m in maps for c in m.cells] == [
        (c.bed.pk, c.status, c.patient) for m in at_now for c in m.cells
    ]
    assert (
        (totals.capacity, totals.occupied, totals.free, totals.blocked)
        == (6, 3, 1, 2)
        == (
            totals_now.capacity,
            totals_now.occupied,
            totals_now.free,
            totals_now.blocked,
        )
    )


def test_the_map_at_a_past_time_is_the_state_then(establishment, director, ward):
    _history(establishment, director, ward)
    maps, totals = selectors.map_at(establishment, ago(250), with_patients=False)
    statuses = {c.bed.label: c.status for m in maps for c in m.cells}
    assert statuses == {
        "CAR-101A": "occupe",
        "CAR-101B": "occupe",
        "CAR-102A": "libre",
        "GER-101A": "occupe",
        "GER-101B": "libre",
        "GER-102A": "libre",
    }
    assert totals.rate == 50.0 and all(c.patient is None for m in maps for c in m.cells)
    comparison = selectors.movements_between(establishment, ago(250), timezone.now())
    assert (comparison.entries, comparison.exits, comparison.transfers) == (1, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_slips_typed_at_once_cannot_both_admit_into_one_bed(establishment, director, ward):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers anyway")
    barrier = threading.Barrier(2)
    outcomes = []

    def type_slip(n):
        barrier.wait()
        try:
            admit(establishment, director, ward[0], n=n, minutes=10)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=type_slip, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"] and Movement.objects.count() == 1


def test_the_units_totals_counted_by_the_database_are_the_map_s(establishment, director, ward):
    _history(establishment, director, ward)
    Bed.objects.filter(pk=ward[2].pk).update(is_closed=True)
    maps, hospital = selectors.current_map(establishment, with_patients=False)
    units, counted = selectors.unit_totals(establishment)
    assert [(m.unit, vars(m.totals)) for m in maps] == [(u, vars(t)) for u, t in units]
    assert vars(hospital) == vars(counted) and counted.closed == 1
