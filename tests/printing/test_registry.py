from pathlib import Path

import pytest

from printing import registry
from printing.registry import PrintableDocument


def test_each_app_declares_its_own_documents_in_its_documents_module():
    where = {d.name: type(d).__module__ for d in registry.all_documents()}
    assert where == {
        "journal": "crisis.documents",
        "blank_journal": "crisis.documents",
        "blank_rida": "crisis.documents",
        "rida": "crisis.documents",
        "meeting_releve": "crisis.documents",
        "signalement_form": "tickets.documents",
        "message_form": "comms.documents",
        "directory": "comms.documents",
        "procedures": "continuity.documents",
        "bed_census": "continuity.documents",
        "kit": "printing.collections",
        "bundle": "printing.collections",
    }


def test_comms_no_longer_imports_continuity_to_print():
    source = (Path(__file__).resolve().parents[2] / "comms" / "documents.py").read_text()
    assert "continuity" not in source and "from printing.declare import" in source


def test_the_kit_lists_documents_in_kit_order():
    kit = [(d.kit_order, d.name) for d in registry.kit_documents()]
    assert [name for _order, name in kit] == [
        "directory",
        "procedures",
        "bed_census",
        "blank_journal",
        "message_form",
        "blank_rida",
        "signalement_form",
    ]
    assert "journal" not in {name for _order, name in kit}


def test_an_unknown_document_is_a_lookup_error():
    with pytest.raises(registry.UnknownDocument):
        registry.get("nope")


def test_two_documents_cannot_share_a_name():
    class Other(PrintableDocument):
        name = "journal"

    with pytest.raises(ValueError):
        registry.register(Other())


def test_a_document_needs_a_name():
    with pytest.raises(ValueError):
        registry.register(PrintableDocument())


def test_kit_items_of_an_empty_establishment_are_the_blank_forms(establishment):
    names = [i.document for i in registry.kit_items(establishment)]
    assert names == ["blank_journal", "message_form", "blank_rida", "signalement_form"]


def test_kit_items_follow_the_data(establishment, kit_data):
    items = registry.kit_items(establishment)
    assert [i.document for i in items][:4] == ["directory", "procedures", "procedures", "bed_census"]
    assert [i.params for i in items if i.document == "procedures"] == [
        {"service": "Laboratoire"},
        {"service": "Urgences"},
    ]
    assert len({i.key for i in items}) == len(items)
