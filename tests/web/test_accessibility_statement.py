"""The accessibility statement (RGAA 4.1): public, in the form the law asks for, linked from every page."""

from django.test import override_settings
from django.urls import reverse

from tests.conftest import login


def test_the_statement_is_public_and_says_the_state_what_is_not_accessible_and_how_to_report(client, db):
    response = client.get(reverse("web:accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    for part in (
        "État de conformité",
        "partiellement conforme",
        "RGAA",
        "Contenus non accessibles",
        "Retour d'information et contact",
        "Voies de recours",
        "Défenseur des droits",
    ):
        assert part in html, part
    assert "direction du système d'information" in html  # no contact configured


@override_settings(ACCESSIBILITY_CONTACT="accessibilite@chu-exemple.fr")
def test_the_statement_gives_the_configured_contact(client, db):
    html = client.get(reverse("web:accessibility")).content.decode()
    assert 'href="mailto:accessibilite@chu-exemple.fr"' in html


def test_every_page_links_to_the_statement_and_starts_with_a_skip_link(client, crisis, director):
    statement = f'href="{reverse("web:accessibility")}"'
    login_page = client.get(reverse("web:login")).content.decode()
    dashboard = login(client, director).get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    for html in (login_page, dashboard):
        assert statement in html and "Accessibilité : partiellement conforme" in html
        assert html.index('class="skip-link" href="#contenu"') < html.index("<header")
        assert '<main class="page" id="contenu" tabindex="-1">' in html


def test_the_api_documentation_declares_its_language(client, director):
    html = login(client, director).get(reverse("api-docs")).content.decode()
    assert '<html lang="fr">' in html and "<title>" in html
