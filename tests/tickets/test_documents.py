"""Tickets' printable documents: the blank signalement form, in every kit."""

from printing import registry


def test_tickets_declares_its_documents_in_its_documents_module():
    declared = {d.name for d in registry.all_documents() if type(d).__module__ == "tickets.documents"}
    assert declared == {"signalement_form", "alerts_monthly_report"}


def test_the_signalement_form_is_in_an_empty_establishment_s_kit(establishment):
    assert "signalement_form" in [i.document for i in registry.kit_items(establishment)]
