"""What surrounds every page: the browser tab's icon, the admin's titles, the API documentation's description."""

from django.conf import settings
from django.contrib.staticfiles import finders
from drf_spectacular.generators import SchemaGenerator

from web.api_schema import app_resources

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
    """The core's resources in the settings' description, each app's from its AppConfig.api_resources."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    description = schema["info"]["description"]
    assert description.startswith(settings.SPECTACULAR_SETTINGS["DESCRIPTION"])
    words = {**RESOURCE_WORDS, **app_resources()}
    segments = {part for path in schema["paths"] for part in path.strip("/").split("/")[1:] if "{" not in part}
    unknown = segments - set(words)
    assert not unknown, f"API paths with no word in the description map (an app's: AppConfig.api_resources): {unknown}"
    missing = [word for segment, word in words.items() if segment in segments and word not in description]
    assert not missing


def test_an_app_names_its_resources_in_its_own_config(settings):
    from django.apps import apps

    config = apps.get_app_config("example_app")  # tests/example_app: an app the settings do not name
    assert config.api_resources and all(segment not in RESOURCE_WORDS for segment in config.api_resources)
    description = SchemaGenerator().get_schema(request=None, public=True)["info"]["description"]
    assert str(config.api_resources["consignes"]) in description
    assert "consignes" not in settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
