"""Communication's printable documents: the crisis directory and the blank message form."""

from pathlib import Path

from printing import registry


def test_comms_declares_its_documents_in_its_documents_module():
    declared = {d.name for d in registry.all_documents() if type(d).__module__ == "comms.documents"}
    assert declared == {
        "message_form",
        "directory",
        "directory_by_service",
        "external_contacts",
        "pocket_cards",
        "call_list",
        "flash_info",
        "message",
    }


def test_comms_does_not_import_continuity_to_print():
    source = (Path(__file__).resolve().parents[2] / "comms" / "documents.py").read_text()
    assert "continuity" not in source and "from printing.declare import" in source


def test_the_directory_opens_the_kit_once_there_are_entries_and_the_message_form_is_always_there(
    establishment, other_establishment, directory
):
    assert "directory" not in [i.document for i in registry.kit_items(other_establishment)]
    names = [i.document for i in registry.kit_items(establishment)]
    assert names[0] == "directory" and names.count("directory") == 1 and "message_form" in names


def _pdf_texts(establishment, name: str, params: dict) -> list[str]:
    import io

    from django.utils import timezone
    from pypdf import PdfReader
    from weasyprint import HTML

    from printing import engine

    html = registry.get(name).render(establishment, params, generated_at=timezone.now()).html
    pdf = HTML(string=html, base_url=engine.base_url(), url_fetcher=engine.url_fetcher()).write_pdf(
        stylesheets=[engine.stylesheet()]
    )
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_printed_directory_follows_the_french_alphabet_and_says_when_it_was_up_to_date(establishment, people):
    (text,) = _pdf_texts(establishment, "directory", {"chunk": 0})
    order = [text.index(name) for name in ("CARPENTIER", "ÇELIK", "DUPONT", "LEFÈVRE", "MARTIN", "PERMANENCE")]
    assert order == sorted(order) and "À jour du" in text


def test_every_comms_document_prints_with_its_date_on_every_page(establishment, crisis, people, director):
    from comms import services

    the_list = services.call_list_create(crisis=crisis, by=director, title="Rappel", people=people[:2])
    flash = services.flash_create(crisis=crisis, by=director, incidents=[{"title": "DPI coupé", "answer": "Papier"}])
    template = services.templates_of(establishment).get(kind="declaration_attente")
    message = services.message_create(
        crisis=crisis, by=director, template=template, values={p: "X" for p in services.placeholders(template.body)}
    )
    services.message_approve(message=message, by=director)
    documents = [
        ("directory_by_service", {}, "LEFÈVRE"),
        ("external_contacts", {}, "CERT Santé"),
        ("pocket_cards", {}, "LEFÈVRE"),
        ("call_list", {"crisis_id": crisis.pk, "call_list": the_list.pk}, "Rappel"),
        ("flash_info", {"crisis_id": crisis.pk, "flash": flash.pk}, "DPI coupé"),
        ("message", {"crisis_id": crisis.pk, "message": message.pk}, "Déclaration d'attente"),
    ]
    for name, params, shown in documents:
        texts = _pdf_texts(establishment, name, registry.get(name).clean_params(establishment, params))
        assert shown in " ".join(texts), name
        assert all("À jour du" in text for text in texts), name


def test_a_draft_message_does_not_print(establishment, crisis, director):
    import pytest
    from django.core.exceptions import ValidationError

    from comms import services

    template = services.templates_of(establishment).get(kind="declaration_attente")
    draft = services.message_create(crisis=crisis, by=director, template=template)
    with pytest.raises(ValidationError):
        registry.get("message").clean_params(establishment, {"crisis_id": crisis.pk, "message": draft.pk})


def test_every_ruled_list_fills_the_page_width_and_prints_a_phone_number_on_one_line():
    from printing import sheets

    for name in ("directory", "directory_by_service", "external_contacts"):
        columns = registry.get(name).columns()
        assert sum(c.width for c in columns) == 186, name
        for column in columns:
            if column.css == "digits" and column.width > 20:
                assert sheets.wrap("04 90 00 10 01", column.width, 8.0) == ["04 90 00 10 01"], (name, column.label)


def test_the_directory_parts_say_what_each_kit_document_lists(establishment, other_establishment):
    from comms.documents import directory_parts
    from comms.models import DirectoryEntry
    from crisis.models import Service

    def expected(establishment):
        entries = DirectoryEntry.objects.filter(establishment=establishment)
        return {
            "any": entries.exists(),
            "by_service": entries.filter(is_external=False, service__isnull=False).exists(),
            "external": entries.filter(is_external=True).exists(),
            "holders": entries.filter(is_external=False).exclude(crisis_role="").exists(),
        }

    assert directory_parts(establishment.pk) == expected(establishment) == dict.fromkeys(expected(establishment), False)
    urgences = Service.objects.get(establishment=establishment, name="Urgences")
    rows = [
        {"last_name": "Sans service"},
        {"last_name": "ARS", "is_external": True, "crisis_role": "Autorité"},
        {"last_name": "Urgentiste", "service": urgences},
        {"last_name": "Cadre", "crisis_role": "Coordinateur"},
    ]
    for row in rows:
        DirectoryEntry.objects.create(establishment=establishment, **row)
        assert directory_parts(establishment.pk) == expected(establishment)
    assert all(directory_parts(establishment.pk).values())
    assert not any(directory_parts(other_establishment.pk).values())


def test_the_directory_plans_its_chunks_as_each_chunk_fingerprints_itself(establishment, directory):
    for name in ("directory", "directory_by_service"):
        document = registry.get(name)
        (planned,) = document.items(establishment, [{}])
        assert planned == document.item(establishment, {})
