"""The document registry, whatever the apps declare: each app's own documents are tested in tests/<app>/."""

import pytest
from django.apps import apps

from printing import registry
from printing.registry import PrintableDocument, Scope


def test_each_document_is_declared_in_its_own_app_s_documents_module():
    app_documents = {f"{config.name}.documents" for config in apps.get_app_configs()}
    for document in registry.all_documents():
        module = type(document).__module__
        assert module in app_documents or (document.is_collection and module == "printing.collections"), document.name


def test_every_registered_document_has_a_title_templates_and_a_known_scope():
    for document in registry.all_documents():
        assert document.name and str(document.title), document
        assert document.scope in (Scope.ESTABLISHMENT, Scope.CRISIS), document.name
        assert document.is_collection or document.templates, document.name


def test_the_kit_lists_documents_in_kit_order_and_only_establishment_ones():
    kit = registry.kit_documents()
    assert [d.kit_order for d in kit] == sorted(d.kit_order for d in kit)
    assert kit and all(d.scope == Scope.ESTABLISHMENT and not d.is_collection for d in kit)
    assert not {d.name for d in kit} & {d.name for d in registry.documents_of_scope(Scope.CRISIS)}


def test_an_unknown_document_is_a_lookup_error():
    with pytest.raises(registry.UnknownDocument):
        registry.get("nope")


def test_two_documents_cannot_share_a_name():
    class Other(PrintableDocument):
        name = registry.all_documents()[0].name

    with pytest.raises(ValueError):
        registry.register(Other())


def test_a_document_needs_a_name():
    with pytest.raises(ValueError):
        registry.register(PrintableDocument())


def test_kit_items_come_in_kit_order_each_once(establishment, kit_data):
    items = registry.kit_items(establishment)
    order = {d.name: d.kit_order for d in registry.kit_documents()}
    assert [order[i.document] for i in items] == sorted(order[i.document] for i in items)
    assert len({i.key for i in items}) == len(items)


def test_an_empty_establishment_s_kit_prints_each_document_that_needs_no_data_once(establishment):
    items = registry.kit_items(establishment)
    assert items and all(i.params == {} for i in items)
    assert len({i.document for i in items}) == len(items)
