"""The dashboard of an open crisis lists the paper kit once per render, for its freshness and its print button alike.

Persona: director may print. Listing the kit computes every document's fingerprint (queries
and template reads): it was done twice per dashboard render, once for the freshness line and
once more for the "reprint those" button's form.
"""

from unittest import mock

from django.urls import reverse

from printing import registry
from tests.conftest import login


def test_the_dashboard_lists_the_kit_once(client, crisis, director, kit_data):
    with mock.patch.object(registry, "kit_items", wraps=registry.kit_items) as listed:
        response = login(client, director).get(reverse("crisis:dashboard", args=[crisis.pk]))
    assert response.status_code == 200
    assert "Imprimer ceux-là" in response.content.decode()  # the freshness line and its button are there
    assert listed.call_count == 1


def test_the_kits_form_still_refuses_a_document_outside_the_kit(establishment, kit_data):
    form = registry.get("kit").form(establishment, data={"only": ["inconnu"]})
    assert not form.is_valid() and "only" in form.errors
    keys = [item.key for item in registry.kit_items(establishment)]
    assert registry.get("kit").form(establishment, data={"only": keys[:1]}).is_valid()
