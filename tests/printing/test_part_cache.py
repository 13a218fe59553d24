"""Rendered parts are cached per establishment: never served to another one, even with the same name and data."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest

from continuity.models import Bed
from crisis.models import Establishment, Service
from printing import registry, services
from printing.models import PrintJob, RenderedPart

SAME_TIME = datetime(2025, 3, 1, 8, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def twin(establishment):
    """Another establishment with the very same name (two "Centre hospitalier" of different towns, say)."""
    return Establishment.objects.create(name=establishment.name, short_name="CH-A-BIS", ght=establishment.ght)


def same_beds(*establishments):
    """Identical units and beds, down to their updated_at: identical census data."""
    for establishment in establishments:
        unit = Service.objects.create(establishment=establishment, name="Médecine", location="Bât. B", has_beds=True)
        for i in range(4):
            Bed.objects.create(unit=unit, label=f"10{i}-A", position=i)
    Service.objects.update(updated_at=SAME_TIME)
    Bed.objects.update(updated_at=SAME_TIME)


def test_twins_with_the_same_data_have_different_fingerprints(establishment, twin):
    same_beds(establishment, twin)
    for name in ("bed_census", "message_form"):
        document = registry.get(name)
        assert document.fingerprint(establishment, {}) != document.fingerprint(twin, {})


def test_twins_with_the_same_data_never_share_a_rendered_part(establishment, twin):
    same_beds(establishment, twin)
    mine = services.part_render(establishment=establishment, document="bed_census", params={})
    theirs = services.part_render(establishment=twin, document="bed_census", params={})
    assert theirs.pk != mine.pk and theirs.file.name != mine.file.name
    assert mine.establishment == establishment and theirs.establishment == twin
    # And each finds its own in the cache afterwards.
    assert services.part_render(establishment=twin, document="bed_census", params={}).pk == theirs.pk
    assert services.part_render(establishment=establishment, document="bed_census", params={}).pk == mine.pk


def test_twins_kits_are_made_of_their_own_parts(
    establishment, twin, director, inline_worker, django_capture_on_commit_callbacks
):
    same_beds(establishment, twin)
    kits = []
    for where in (establishment, twin):
        with django_capture_on_commit_callbacks(execute=True):
            kits.append(services.kit_build(establishment=where, by=None))
    for kit in kits:
        kit.refresh_from_db()
        assert kit.status == PrintJob.Status.DONE, kit.error
        parts = RenderedPart.objects.filter(
            pk__in=[c["part"] or kit.children.get(pk=c["job"]).part_id for entry in kit.plan for c in entry["chunks"]]
        )
        assert parts.count() == len(registry.kit_items(kit.establishment))
        assert set(parts.values_list("establishment_id", flat=True)) == {kit.establishment_id}


def test_pruning_old_renderings_spares_other_establishments(establishment, twin):
    same_beds(establishment, twin)
    mine = services.part_render(establishment=establishment, document="bed_census", params={})
    RenderedPart.objects.filter(pk=mine.pk).update(used_at=SAME_TIME)  # unused for long
    Bed.objects.filter(unit__establishment=twin).first().delete()
    services.part_render(establishment=twin, document="bed_census", params={})
    assert RenderedPart.objects.filter(pk=mine.pk).exists()
