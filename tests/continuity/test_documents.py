"""Continuity's printable documents: the procedures in force per service (paper kit), one procedure, the
library; QR code and version on every procedure, no raw HTML from the Markdown."""

from datetime import date

import pytest
from django.utils import timezone

from continuity import services
from printing import registry

pytestmark = pytest.mark.django_db


def test_continuity_declares_its_documents_in_its_documents_module():
    declared = {d.name for d in registry.all_documents() if type(d).__module__ == "continuity.documents"}
    assert declared == {"procedures", "procedure", "procedure_library", "restart_plan"}


def test_an_empty_establishment_has_no_procedures_to_print(establishment):
    names = {i.document for i in registry.kit_items(establishment)}
    assert "procedures" not in names


def test_the_kit_prints_the_procedures_in_force_of_each_service(establishment, procedures):
    items = [i for i in registry.kit_items(establishment) if i.document == "procedures"]
    assert [i.params for i in items] == [{"service": "Laboratoire"}, {"service": "Urgences"}]


def test_a_draft_is_not_printed_and_does_not_change_the_fingerprint(establishment, procedures, director):
    document = registry.get("procedures")
    before = document.fingerprint(establishment, {"service": "Urgences"})
    urgences = [p for p in procedures if p.service.name == "Urgences"][0]
    services.procedure_update(procedure=urgences, by=director, body="Brouillon en cours")
    assert document.fingerprint(establishment, {"service": "Urgences"}) == before
    services.procedure_publish(procedure=urgences, by=director, review_due=date(2027, 1, 1))
    assert document.fingerprint(establishment, {"service": "Urgences"}) != before


def test_a_procedure_renders_with_its_version_qr_code_and_no_raw_html(establishment, procedures, director):
    procedure = procedures[0]
    services.procedure_update(
        procedure=procedure, by=director, body="## Étapes\n\n<script>alert('x')</script>\n\n- papier"
    )
    services.procedure_publish(procedure=procedure, by=director)
    rendered = registry.get("procedure").render(establishment, {"procedure": procedure.pk}, generated_at=timezone.now())
    html = rendered.html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "version 2" in html and 'src="data:image/svg+xml' in html
    assert f"/procedures/{procedure.pk}/" in html  # the QR code's link, written under it


def test_the_library_is_one_chunk_per_service_and_one_change_moves_one_chunk(establishment, procedures, director):
    document = registry.get("procedure_library")
    before = document.item(establishment, {})
    assert [c.params for c in before.chunks] == [{"service": "Laboratoire"}, {"service": "Urgences"}]
    # the renderer's own fingerprint of a chunk is the planned one (else the cache never hits)
    assert [document.fingerprint(establishment, c.params) for c in before.chunks] == [
        c.fingerprint for c in before.chunks
    ]
    services.procedure_update(procedure=procedures[1], by=director, body="changé")
    services.procedure_publish(procedure=procedures[1], by=director)
    after = document.item(establishment, {})
    assert before.chunks[0].fingerprint == after.chunks[0].fingerprint
    assert before.chunks[1].fingerprint != after.chunks[1].fingerprint


def test_the_restart_plan_prints_its_waves_and_moves_with_a_dependency(establishment, director):
    ad = services.application_create(establishment=establishment, by=director, name="Active Directory", priority=1)
    dpi = services.application_create(establishment=establishment, by=director, name="DPI", priority=1)
    document = registry.get("restart_plan")
    before = document.fingerprint(establishment, {})
    services.application_update(application=dpi, by=director, depends_on=[ad])
    assert document.fingerprint(establishment, {}) != before
    html = document.render(establishment, {}, generated_at=timezone.now()).html
    assert "Vague 2" in html and "attend Active Directory" in html
