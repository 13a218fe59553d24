"""A fingerprint changes with the data a document shows, its templates, the print stylesheet and the language."""

import copy
import io
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.utils import translation
from pypdf import PdfReader

from comms.models import DirectoryEntry
from continuity import services as continuity_services
from continuity.models import Procedure
from crisis import services as crisis_services
from crisis.models import Establishment, Service
from printing import engine, registry, services


def urgences(establishment) -> Service:
    return Service.objects.get(establishment=establishment, name="Urgences")


def fp(establishment, name, params=None):
    return registry.get(name).fingerprint(establishment, params or {})


def test_the_journal_changes_with_a_new_entry(crisis, director, establishment):
    before = fp(establishment, "journal", {"crisis_id": crisis.pk})
    crisis_services.journal_append(crisis=crisis, by=director, text="Coupure internet.")
    crisis.refresh_from_db()
    assert fp(establishment, "journal", {"crisis_id": crisis.pk}) != before


def test_the_journal_ignores_another_crisis(crisis, exercise, director, establishment):
    before = fp(establishment, "journal", {"crisis_id": crisis.pk})
    crisis_services.journal_append(crisis=exercise, by=director, text="Inject n° 3.")
    assert fp(establishment, "journal", {"crisis_id": crisis.pk}) == before


def publish_change(procedure, by):
    continuity_services.procedure_update(
        procedure=procedure, by=by, body=procedure.body + "\n\nNouveau : double vérification des étiquettes."
    )
    continuity_services.procedure_publish(procedure=procedure, by=by)


def test_a_procedure_change_moves_its_service_only(establishment, procedures, director):
    lab, urgences = {"service": "Laboratoire"}, {"service": "Urgences"}
    before_lab, before_urg = fp(establishment, "procedures", lab), fp(establishment, "procedures", urgences)
    publish_change(Procedure.objects.get(service__name="Urgences"), director)
    assert fp(establishment, "procedures", urgences) != before_urg
    assert fp(establishment, "procedures", lab) == before_lab


def test_bulk_and_single_fingerprints_agree(establishment, procedures):
    items = registry.get("procedures").items(establishment, [{"service": "Urgences"}])
    assert items[0].chunks[0].fingerprint == fp(establishment, "procedures", {"service": "Urgences"})


def test_a_removed_procedure_changes_the_fingerprint(establishment, procedures, director):
    before = fp(establishment, "procedures", {"service": "Urgences"})
    draft = continuity_services.procedure_create(
        establishment=establishment, by=director, service=urgences(establishment), title="Bis", body="x"
    )
    assert fp(establishment, "procedures", {"service": "Urgences"}) == before  # a draft is printed nowhere
    draft.delete()
    Procedure.objects.filter(service__name="Urgences").delete()
    other = continuity_services.procedure_create(
        establishment=establishment, by=director, service=urgences(establishment), title="Autre", body="x"
    )
    continuity_services.procedure_publish(procedure=other, by=director)
    assert fp(establishment, "procedures", {"service": "Urgences"}) != before


def test_the_directory_changes_with_a_person_not_with_a_procedure(establishment, directory, procedures, director):
    before = fp(establishment, "directory", {"chunk": 0})
    publish_change(Procedure.objects.get(service__name="Urgences"), director)
    assert fp(establishment, "directory", {"chunk": 0}) == before
    entry = DirectoryEntry.objects.first()
    entry.mobile = "07 00 00 00 00"
    entry.save()
    assert fp(establishment, "directory", {"chunk": 0}) != before


def test_blank_forms_depend_on_the_establishment_name_only(establishment, procedures, director):
    before = fp(establishment, "message_form")
    publish_change(Procedure.objects.get(service__name="Urgences"), director)
    assert fp(establishment, "message_form") == before
    Establishment.objects.filter(pk=establishment.pk).update(name="CH A renommé")
    establishment.refresh_from_db()
    assert fp(establishment, "message_form") != before


# --- what the mechanism adds: templates, stylesheet, language ----------------------------------


@pytest.fixture
def template_copy(tmp_path, settings):
    """The project's templates copied to a temporary folder that takes precedence: edit them freely."""
    folder = tmp_path / "templates"
    shutil.copytree(Path(settings.BASE_DIR) / "templates", folder)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [folder]
    settings.TEMPLATES = templates  # setting_changed resets the template engines
    return folder


def deploy():
    """What a deployment does to a worker: a new process, whose template loader reads the files again."""
    for loader in engines["django"].engine.template_loaders:
        loader.reset()


def test_editing_a_documents_template_moves_its_fingerprint_and_re_renders_the_part(establishment, template_copy):
    before = fp(establishment, "message_form")
    first = services.part_render(establishment=establishment, document="message_form", params={})
    page = template_copy / "pdf" / "message_form.html"
    page.write_text(page.read_text().replace("{% block content %}", "{% block content %}<p>Version corrigée</p>", 1))
    deploy()
    assert fp(establishment, "message_form") != before
    second = services.part_render(establishment=establishment, document="message_form", params={})
    assert second.pk != first.pk
    assert "Version corrigée" in PdfReader(io.BytesIO(second.file.read())).pages[0].extract_text()
    assert services.part_render(establishment=establishment, document="message_form", params={}).pk == second.pk


def test_editing_an_included_or_extended_template_moves_the_fingerprint(establishment, template_copy):
    sheet_before, form_before = fp(establishment, "blank_journal"), fp(establishment, "message_form")
    with (template_copy / "pdf" / "_sheet.html").open("a") as included:  # included by blank_sheet.html
        included.write("{# changed #}")
    deploy()
    assert fp(establishment, "blank_journal") != sheet_before
    assert fp(establishment, "message_form") == form_before  # does not include it
    with (template_copy / "pdf" / "base.html").open("a") as base:  # extended by every document
        base.write("{# changed #}")
    deploy()
    assert fp(establishment, "message_form") != form_before


def test_the_print_stylesheet_is_in_every_fingerprint(establishment, monkeypatch):
    before = fp(establishment, "message_form")
    real = engine._read_static
    monkeypatch.setattr(engine, "_read_static", lambda name: real(name) + "\n/* changed */")
    engine.style_version.cache_clear()
    try:
        assert fp(establishment, "message_form") != before
    finally:
        monkeypatch.undo()
        engine.style_version.cache_clear()
    assert fp(establishment, "message_form") == before


def test_the_language_is_in_the_fingerprint(establishment):
    french = fp(establishment, "message_form")
    with translation.override("en"):
        assert fp(establishment, "message_form") != french


def test_a_document_may_render_only_the_templates_it_declares(establishment, procedures, monkeypatch):
    document = registry.get("procedures")
    monkeypatch.setattr(type(document), "templates", ("pdf/signalement_form.html",))
    with pytest.raises(ImproperlyConfigured, match="procedures.html"):
        services.part_render(establishment=establishment, document="procedures", params={"service": "Urgences"})


def test_a_missing_declared_template_fails_the_start_up_checks(monkeypatch):
    from printing.checks import document_templates

    assert document_templates() == []
    monkeypatch.setattr(type(registry.get("message_form")), "templates", ("pdf/nowhere.html",))
    assert [e.id for e in document_templates()] == ["printing.E004"]
