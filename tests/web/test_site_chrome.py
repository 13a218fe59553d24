"""What surrounds every page: the browser tab's icon, the admin's titles, the API documentation's description."""

from django.conf import settings
from django.contrib.staticfiles import finders
from drf_spectacular.generators import SchemaGenerator

# Each resource of the API, as its description must name it.
RESOURCE_WORDS = {
    "auth": "jeton",
    "token": "jeton",
    "establishments": "Établissements",
    "memberships": "appartenances",
    "crises": "crises",
    "phase": "phases",
    "journal": "main courante",
    "attachment": "pièces jointes",
    "correct": "corrections",
    "rida": "RIDA",
    "history": "historique",
    "export": "export",
    "meetings": "points de situation",
    "agenda": "ordre du jour",
    "start": "ouverture",
    "end": "clôture",
    "decisions": "décisions",
    "documents": "documents",
    "prints": "impressions",
    "print-jobs": "travaux d'impression",
    "file": "fichiers",
}


def test_the_favicon_is_served_on_every_path_browsers_ask(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".ico")
    assert finders.find("img/favicon.ico")
    assert 'rel="icon"' in client.get("/connexion/").content.decode()


def test_the_admin_says_it_is_the_consoles(admin_client):
    body = admin_client.get("/admin/").content.decode()
    assert "Administration de Django" not in body and "Site d’administration de Django" not in body
    assert "Console de crise" in body


def test_the_api_description_names_every_resource_the_api_has():
    description = settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
    schema = SchemaGenerator().get_schema(request=None, public=True)
    segments = {part for path in schema["paths"] for part in path.strip("/").split("/")[1:] if "{" not in part}
    unknown = segments - set(RESOURCE_WORDS)
    assert not unknown, f"API paths with no word in the description map: {unknown}"
    missing = [word for segment, word in RESOURCE_WORDS.items() if segment in segments and word not in description]
    assert not missing
