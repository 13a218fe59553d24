"""C0 control characters (all but tab, newline and carriage return) never get into the database.

A U+0001 pasted into a RIDA line was stored, and from then on the RIDA's XLSX export
answered 500 for everyone (openpyxl refuses such characters) until the line was edited.
Text is cleaned at input, for every form and every API body, and exports never fail on
what is already stored. Personas: scribe manages the RIDA.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from crisis import services
from crisis.models import RidaLine
from tests.conftest import login
from web.text import without_control_characters


def test_control_characters_go_and_tab_newline_and_carriage_return_stay():
    assert without_control_characters("a\x00b\x01c\x1fd\te\nf\r\ng") == "abcd\te\nf\r\ng"
    # A manual line break pasted from a word processor (vertical tab, form feed) becomes a newline.
    assert without_control_characters("ligne 1\x0bligne 2\x0c") == "ligne 1\nligne 2\n"
    assert without_control_characters("Élément – ok") == "Élément – ok"


def test_a_rida_line_posted_with_a_control_character_is_stored_without_it(client, crisis, scribe):
    response = login(client, scribe).post(
        reverse("crisis:rida", args=[crisis.pk]), {"kind": "action", "text": "Prévenir\x01 la pharmacie\x07."}
    )
    assert response.status_code == 302
    assert RidaLine.objects.get().text == "Prévenir la pharmacie."


def test_a_rida_line_sent_to_the_api_with_a_control_character_is_stored_without_it(crisis, scribe):
    api = APIClient()
    api.force_login(scribe)
    url = reverse("crisis:api-rida-list", args=[crisis.pk])
    response = api.post(url, {"kind": "action", "text": "Appeler\x01 le SAMU", "theme": "Tél\x02"}, format="json")
    assert response.status_code == 201, response.json()
    line = RidaLine.objects.get()
    assert (line.text, line.theme) == ("Appeler le SAMU", "Tél")


def test_a_journal_entry_sent_as_a_multipart_form_to_the_api_is_cleaned_too(crisis, scribe):
    api = APIClient()
    api.force_login(scribe)
    response = api.post(reverse("crisis:api-journal-list", args=[crisis.pk]), {"text": "Panne\x01 du standard"})
    assert response.status_code == 201, response.json()
    assert response.json()["text"] == "Panne du standard"


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_an_export_answers_even_with_a_control_character_already_stored(crisis, scribe, export_format):
    services.rida_create(crisis=crisis, by=scribe, text="Stockée avant le correctif :\x01 à exporter.")
    api = APIClient()
    api.force_login(scribe)
    response = api.get(reverse("crisis:api-rida-export", args=[crisis.pk]), {"format": export_format})
    assert response.status_code == 200
    if export_format == "xlsx":
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1][3] == "Stockée avant le correctif : à exporter."
