"""The crisis app's printable documents: what it declares, and its blank sheets in the paper kit."""

from printing import registry
from printing.registry import Scope


def declared_by(module: str) -> set[str]:
    return {d.name for d in registry.all_documents() if type(d).__module__ == module}


def test_crisis_declares_its_documents_in_its_documents_module():
    assert declared_by("crisis.documents") == {"journal", "blank_journal", "blank_rida", "rida", "meeting_releve"}


def test_the_journal_rida_and_releve_are_crisis_documents_never_in_the_kit():
    kit = {d.name for d in registry.kit_documents()}
    for name in ("journal", "rida", "meeting_releve"):
        assert registry.get(name).scope == Scope.CRISIS and name not in kit


def test_the_blank_journal_then_the_blank_rida_are_in_an_empty_establishment_s_kit(establishment):
    names = [i.document for i in registry.kit_items(establishment)]
    assert names.index("blank_journal") < names.index("blank_rida")


def test_a_meeting_s_releve_prints_from_the_meetings_page():
    assert registry.get("meeting_releve").printed_from == "crisis:meetings"
