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
