"""The paper kit: fan-out of stale parts, assembly with a cover, incremental rebuild, bundle, freshness."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from pypdf import PdfReader

from continuity import services as continuity_services
from printing import registry, selectors, services, tasks
from printing.models import PrintJob, RenderedPart

Status = PrintJob.Status


def build(establishment, director, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.kit_build(establishment=establishment, by=director, **kwargs)
    job.refresh_from_db()
    return job


def test_a_kit_fans_out_one_part_per_stale_document_then_assembles(
    establishment, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    job = build(establishment, director, django_capture_on_commit_callbacks)
    assert job.status == Status.DONE, job.error
    items = registry.kit_items(establishment)
    parts = job.children.all()
    assert parts.count() == sum(len(i.chunks) for i in items) and all(p.status == Status.DONE for p in parts)
    # The heaviest part (directory) is sent first.
    assert inline_worker[1] == ("render_print_job", parts.get(document="directory").pk)
    assert ("render_assemble", job.pk) in inline_worker
    reader = PdfReader(io.BytesIO(job.file.read()))
    assert len(reader.pages) == job.page_count == 1 + sum(p.part.page_count for p in parts)
    cover = reader.pages[0].extract_text()
    assert "Sommaire" in cover and "Procédures dégradées — Urgences" in cover
    # Page numbers in the table of contents come from the parts' page counts.
    assert "p. 2" in cover
    assert [o.title for o in reader.outline][:2] == ["Sommaire", "Annuaire de crise"]


def test_a_rebuild_after_one_change_renders_only_that_document(
    establishment, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    build(establishment, director, django_capture_on_commit_callbacks)
    procedure = next(p for p in kit_data["procedures"] if p.service.name == "Urgences")
    continuity_services.procedure_update(procedure=procedure, by=director, body="Nouvelle version.")
    continuity_services.procedure_publish(procedure=procedure, by=director)
    inline_worker.clear()
    job = build(establishment, director, django_capture_on_commit_callbacks)
    assert job.status == Status.DONE
    assert [(c.document, c.params) for c in job.children.all()] == [("procedures", {"service": "Urgences"})]
    assert RenderedPart.objects.filter(document="procedures", params={"service": "Urgences"}).count() == 2


def test_an_unchanged_kit_is_assembled_from_cache_without_parts(
    establishment, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    build(establishment, director, django_capture_on_commit_callbacks)
    job = build(establishment, director, django_capture_on_commit_callbacks)
    assert job.status == Status.DONE and not job.children.exists()


def test_freshness_lists_what_changed_since_the_last_kit(
    establishment, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    assert selectors.kit_freshness(establishment).last_kit is None
    kit = build(establishment, director, django_capture_on_commit_callbacks)
    freshness = selectors.kit_freshness(establishment)
    assert freshness.last_kit == kit and freshness.stale_items == []
    procedure = next(p for p in kit_data["procedures"] if p.service.name == "Laboratoire")
    continuity_services.procedure_update(procedure=procedure, by=director, body="Nouvelle version.")
    continuity_services.procedure_publish(procedure=procedure, by=director)
    freshness = selectors.kit_freshness(establishment)
    assert [i.item.label for i in freshness.stale_items] == ["Procédures dégradées — Laboratoire"]
    # Reprinting just those makes the kit fresh again; the last complete kit stays the reference date.
    partial = build(establishment, director, django_capture_on_commit_callbacks, only=freshness.stale_keys)
    assert partial.status == Status.DONE and "à réimprimer" in partial.title
    freshness = selectors.kit_freshness(establishment)
    assert freshness.stale_items == [] and freshness.last_kit == kit


def test_a_failed_part_fails_the_kit(
    establishment, director, kit_data, inline_worker, monkeypatch, django_capture_on_commit_callbacks
):
    from unittest import mock

    monkeypatch.setattr(registry.get("procedures"), "render", mock.Mock(side_effect=RuntimeError("plus de papier")))
    job = build(establishment, director, django_capture_on_commit_callbacks)
    assert job.status == Status.FAILED and "plus de papier" in job.error


def test_only_known_kit_documents_can_be_reprinted(establishment, director, kit_data):
    for only in (["nope"], [], "x", [1]):
        with pytest.raises(ValidationError):
            services.kit_build(establishment=establishment, by=director, only=only)


def test_a_long_document_renders_in_chunks_and_is_merged(
    establishment, director, kit_data, inline_worker, monkeypatch, django_capture_on_commit_callbacks
):
    directory = registry.get("directory")
    monkeypatch.setattr(type(directory), "CHUNK_PAGES", 1)
    monkeypatch.setattr("printing.sheets.rows_per_page", lambda *a, **k: 8)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_job_request(establishment=establishment, by=director, document="directory")
    job.refresh_from_db()
    assert job.status == Status.DONE and job.children.count() == 3
    reader = PdfReader(io.BytesIO(job.file.read()))
    assert len(reader.pages) == 3
    # Page numbers are the document's, not the chunk's.
    assert "page 3 / 3" in reader.pages[2].extract_text()


def test_the_offline_bundle_has_every_pdf_and_a_static_index(
    establishment, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bundle_build(establishment=establishment, by=director)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.file.name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(job.file.read()))
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert "index.html" in names and len(pdfs) == 1 + len(registry.kit_items(establishment))
    index = archive.read("index.html").decode()
    assert "<script" not in index and all(f'href="{n}"' in index for n in pdfs)
    assert all(archive.read(n).startswith(b"%PDF-") for n in pdfs)


def test_the_nightly_task_builds_every_establishment_once(establishment, other_establishment, kit_data, sent):
    assert len(tasks.build_all_paper_kits()) == 2
    assert tasks.build_all_paper_kits() == []  # still pending: not twice


def test_the_command_requests_a_kit(establishment, kit_data, sent):
    out = io.StringIO()
    call_command("build_paper_kit", "ch-a", stdout=out)
    assert "Kit papier demandé" in out.getvalue()
    assert PrintJob.objects.filter(document="kit", establishment=establishment).count() == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("build_paper_kit", "CH-Z")


def test_a_kits_duration_counts_its_parts_not_only_the_assembly(
    establishment, director, kit_data, sent, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    with django_capture_on_commit_callbacks(execute=True):
        job = services.kit_build(establishment=establishment, by=director)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.render_print_job(job.pk)  # planned: the parts go to other workers
    job.refresh_from_db()
    assert job.waiting_for_parts
    # The parts took 6 s on the other workers (planned 6 s ago).
    PrintJob.objects.filter(pk=job.pk).update(started_at=job.started_at - timedelta(seconds=6))
    for child in job.children.all():
        tasks.render_print_job(child.pk)
    tasks.render_assemble(job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE, job.error
    assert job.duration >= timedelta(seconds=6)
