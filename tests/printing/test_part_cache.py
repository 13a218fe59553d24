"""Rendered parts are cached per establishment: never served to another one, even with the same name and data."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest

from continuity import services as continuity_services
from continuity.models import Procedure
from crisis.models import Establishment, Service
from printing import registry, services
from printing.models import PrintJob, RenderedPart

SAME_TIME = datetime(2025, 3, 1, 8, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def twin(establishment):
    """Another establishment with the very same name (two "Centre hospitalier" of different towns, say)."""
    return Establishment.objects.create(name=establishment.name, short_name="CH-A-BIS", ght=establishment.ght)


URGENCES = {"service": "Urgences"}


def same_procedures(director, *establishments):
    """The same published procedure in each: the same text, the same version."""
    for establishment in establishments:
        service, _ = Service.objects.get_or_create(establishment=establishment, name="Urgences")
        procedure = continuity_services.procedure_create(
            establishment=establishment, by=director, service=service, title="Sans DPI", body="Papier."
        )
        continuity_services.procedure_publish(procedure=procedure, by=director)


def test_twins_with_the_same_data_have_different_fingerprints(establishment, twin, director):
    same_procedures(director, establishment, twin)
    for name, params in (("procedures", URGENCES), ("message_form", {})):
        document = registry.get(name)
        assert document.fingerprint(establishment, params) != document.fingerprint(twin, params)


def test_twins_with_the_same_data_never_share_a_rendered_part(establishment, twin):
    mine = services.part_render(establishment=establishment, document="message_form", params={})
    theirs = services.part_render(establishment=twin, document="message_form", params={})
    assert theirs.pk != mine.pk and theirs.file.name != mine.file.name
    assert mine.establishment == establishment and theirs.establishment == twin
    # And each finds its own in the cache afterwards.
    assert services.part_render(establishment=twin, document="message_form", params={}).pk == theirs.pk
    assert services.part_render(establishment=establishment, document="message_form", params={}).pk == mine.pk


def test_twins_kits_are_made_of_their_own_parts(
    establishment, twin, director, inline_worker, django_capture_on_commit_callbacks
):
    same_procedures(director, establishment, twin)
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


def test_pruning_old_renderings_spares_other_establishments(establishment, twin, director):
    same_procedures(director, establishment, twin)
    mine = services.part_render(establishment=establishment, document="procedures", params=URGENCES)
    RenderedPart.objects.filter(pk=mine.pk).update(used_at=SAME_TIME)  # unused for long
    theirs = Procedure.objects.get(establishment=twin)
    continuity_services.procedure_update(procedure=theirs, by=director, body="Papier, puis coursier.")
    continuity_services.procedure_publish(procedure=theirs, by=director)
    services.part_render(establishment=twin, document="procedures", params=URGENCES)
    assert RenderedPart.objects.filter(pk=mine.pk).exists()
