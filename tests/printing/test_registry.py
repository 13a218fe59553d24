import pytest

from printing import registry
from printing.registry import PrintableDocument


def test_apps_register_their_documents_at_start_up():
    names = {d.name for d in registry.all_documents()}
    assert {"journal", "blank_journal", "message_form", "blank_rida", "signalement_form", "procedures"} <= names
    assert "directory" in names  # from comms/documents.py, found by autodiscovery


def test_the_kit_lists_documents_in_kit_order():
    orders = [d.kit_order for d in registry.kit_documents()]
    assert orders == sorted(orders)
    assert "journal" not in {d.name for d in registry.kit_documents()}


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
