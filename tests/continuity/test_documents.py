"""Continuity's printable documents: degraded procedures per service, and the bed census."""

from printing import registry


def test_continuity_declares_its_documents_in_its_documents_module():
    declared = {d.name for d in registry.all_documents() if type(d).__module__ == "continuity.documents"}
    assert declared == {"procedures", "bed_census"}


def test_an_empty_establishment_has_no_procedures_nor_census_to_print(establishment):
    names = {i.document for i in registry.kit_items(establishment)}
    assert not names & {"procedures", "bed_census"}


def test_the_kit_prints_the_procedures_of_each_service_then_the_census(establishment, procedures, beds):
    items = [i for i in registry.kit_items(establishment) if i.document in ("procedures", "bed_census")]
    assert [i.document for i in items] == ["procedures", "procedures", "bed_census"]
    assert [i.params for i in items if i.document == "procedures"] == [
        {"service": "Laboratoire"},
        {"service": "Urgences"},
    ]
