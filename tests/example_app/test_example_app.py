"""A feature app written only in the test tree (tests/example_app) plugs into the core without touching it.

Its establishment-scoped record keeps its history through the record kit and moves its live
topic; its page polls with the cheap 204; its navigation entry and card show to the members
whose capability allows; its API is the core's establishment-scoped base; its document prints.
Personas (tests/conftest.py): director and scribe keep the consignes; pris reads them only;
observer (ARS) does not see them; outsider belongs to another establishment.
"""

import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from crisis import live, plugins
from crisis.models import Service
from crisis.plugins import Scope
from crisis.services.records import record_history
from printing import registry
from printing import services as printing_services
from printing.models import PrintJob
from tests.printing.conftest import inline_worker  # noqa: F401 — the print pipeline's worker, inline

from . import services
from .models import TOPIC, Consigne

APP_DIR = Path(__file__).resolve().parent
ROOT = APP_DIR.parents[1]


@pytest.fixture
def urgences(establishment):
    return Service.objects.get_or_create(establishment=establishment, name="Urgences")[0]


@pytest.fixture
def consigne(establishment, director, urgences):
    return services.consigne_create(
        establishment=establishment, by=director, service=urgences, title="Fiches de passage papier"
    )


def page_url(establishment) -> str:
    return reverse("example_app:consignes", args=[establishment.pk])


def api_url(establishment) -> str:
    return reverse("example_app:api-consignes", args=[establishment.pk])


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- nothing outside tests/ ----------------------------------------------------


def test_the_example_lives_entirely_in_its_own_folder_of_the_test_tree():
    config = apps.get_app_config("example_app")
    assert Path(config.path) == APP_DIR and "tests.example_app" in settings.INSTALLED_APPS
    declared = [
        "models",
        "services",
        "selectors",
        "views",
        "urls",
        "api",
        "navigation",
        "cards",
        "documents",
        "demo",
        "accessibility",
        "migrations.0001_initial",
    ]
    for name in declared:
        module = __import__(f"tests.example_app.{name}", fromlist=["_"])
        assert Path(module.__file__).is_relative_to(APP_DIR), name
    templates = sorted(str(p.relative_to(APP_DIR)) for p in APP_DIR.rglob("*.html"))
    assert templates == [
        "templates/example_app/cards/consignes.html",
        "templates/example_app/consigne.html",
        "templates/example_app/consignes.html",
        "templates/example_app/pdf/consignes.html",
    ]


def test_no_file_of_the_project_outside_the_test_tree_names_the_example():
    outside = [
        path
        for folder in [*settings.PROJECT_APPS[:-1], "config", "templates", "static", "bin"]
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix in {".py", ".html", ".js", ".css", ".toml", ".txt"}
    ] + [ROOT / "pyproject.toml", ROOT / "Makefile"]
    assert settings.PROJECT_APPS[-1] == "tests.example_app"
    named = [str(p.relative_to(ROOT)) for p in outside if re.search(r"example_app|Consigne", p.read_text())]
    assert named == []


def test_the_example_s_migrations_are_up_to_date(db):
    call_command("makemigrations", "example_app", "--check", "--dry-run", verbosity=0)


# --- the record kit: history and live topic ---------------------------------------


def test_a_change_keeps_its_history_in_the_words_a_person_reads(establishment, director, scribe, consigne):
    assert services.consigne_update(consigne=consigne, by=scribe, status=Consigne.Status.LIFTED)
    assert services.consigne_update(consigne=consigne, by=scribe, status=Consigne.Status.LIFTED) == []  # no change
    latest, *created = record_history(consigne)
    assert (latest.action, latest.label, latest.before_shown, latest.after_shown, latest.by_label) == (
        "update",
        "état",
        "en vigueur",
        "levée",
        "Sam Secrétaire",
    )
    shown = {row.label: row.after_shown for row in created}
    assert shown == {"service": "Urgences", "consigne": "Fiches de passage papier", "état": "en vigueur"}
    assert {row.action for row in created} == {"create"} and created[0].by_label == "Claire Directrice"


def test_each_write_moves_the_establishment_s_own_topic(establishment, director, urgences):
    before = live.version(establishment, [TOPIC])
    consigne = services.consigne_create(establishment=establishment, by=director, service=urgences, title="Fax")
    created = live.version(establishment, [TOPIC])
    services.consigne_update(consigne=consigne, by=director, title="Fax et coursier")
    assert int(before) < int(created) < int(live.version(establishment, [TOPIC]))


def test_a_service_of_another_establishment_is_refused_and_nothing_is_saved(other_establishment, director, urgences):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.consigne_create(establishment=other_establishment, by=director, service=urgences, title="Ailleurs")
    assert not Consigne.objects.exists()


# --- navigation and card --------------------------------------------------------------


def test_the_nav_entry_and_the_card_show_to_a_member_with_the_capability_only(
    client, establishment, director, pris, observer, consigne
):
    home = reverse("crisis:establishment", args=[establishment.pk])
    for user in (director, pris):
        client.force_login(user)
        page = client.get(home).content.decode()
        nav = page[page.index('<nav class="tabs"') : page.index("</nav>")]
        assert f'href="{page_url(establishment)}"' in nav
        assert 'id="card-consignes"' in page and "1 consigne en vigueur" in page
    client.force_login(observer)
    page = client.get(home).content.decode()
    assert page_url(establishment) not in page and 'id="card-consignes"' not in page
    observer_membership = observer.memberships.get()
    assert "example_app:consignes" not in [
        e.url_name for e in plugins.nav_entries(Scope.ESTABLISHMENT, observer_membership)
    ]
    assert "consignes" not in [c.name for c in plugins.cards_of(Scope.ESTABLISHMENT, observer_membership)]


def test_the_establishment_s_home_follows_the_card_s_topic(client, establishment, director, urgences):
    client.force_login(director)
    home = reverse("crisis:establishment", args=[establishment.pk])
    version = client.get(home).context["live_version"]
    assert client.get(home, {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    services.consigne_create(establishment=establishment, by=director, service=urgences, title="Coursiers")
    response = client.get(home, {"v": version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "1 consigne en vigueur" in response.content.decode()


# --- the live page ---------------------------------------------------------------------


def test_the_page_s_poll_is_a_204_in_two_queries_until_a_consigne_changes(
    client, establishment, director, consigne, django_assert_num_queries
):
    client.force_login(director)
    url = page_url(establishment)
    page = client.get(url)
    assert page.status_code == 200 and "Fiches de passage papier" in page.content.decode()
    version = page.context["live_version"]
    assert f'hx-get="{url}?v={version}"' in page.content.decode()
    live.bump(establishment, "beds")  # what the page does not show
    with django_assert_num_queries(2):  # the session with its user; the topic's counter with the membership
        assert client.get(url, {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    services.consigne_update(consigne=consigne, by=director, status=Consigne.Status.LIFTED)
    response = client.get(url, {"v": version}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="consignes-live"')
    assert "<html" not in body and 'value="levee" selected' in body


def test_the_page_and_its_poll_are_for_members_who_hold_the_capability(
    client, establishment, observer, outsider, consigne
):
    url = page_url(establishment)
    client.force_login(outsider)
    assert client.get(url).status_code == 404 and client.get(url, {"v": "1"}, HTTP_HX_REQUEST="true").status_code == 404
    client.force_login(observer)
    assert client.get(url).status_code == 403 and client.get(url, {"v": "1"}, HTTP_HX_REQUEST="true").status_code == 403


def test_a_keeper_adds_a_consigne_from_the_page(client, establishment, scribe, urgences):
    client.force_login(scribe)
    response = client.post(page_url(establishment), {"service": urgences.pk, "title": "Bracelets manuscrits"})
    assert response.status_code == 302
    consigne = Consigne.objects.get()
    assert (consigne.establishment, consigne.service, consigne.title) == (
        establishment,
        urgences,
        "Bracelets manuscrits",
    )
    assert [row.action for row in record_history(consigne)][0] == "create"


def test_the_page_s_form_refuses_bad_input_the_outsider_and_the_reader(
    client, establishment, other_establishment, director, pris, outsider, urgences
):
    elsewhere = Service.objects.create(establishment=other_establishment, name="Urgences B")
    client.force_login(director)
    url = page_url(establishment)
    response = client.post(url, {"service": urgences.pk, "title": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    assert client.post(url, {"service": elsewhere.pk, "title": "Ailleurs"}).status_code == 400
    assert client.get(url).context["form"] is not None
    client.force_login(pris)
    assert client.get(url).status_code == 200 and client.get(url).context["form"] is None  # reads, writes nothing
    assert client.post(url, {"service": urgences.pk, "title": "Lecteur"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"service": urgences.pk, "title": "Dehors"}).status_code == 404
    assert not Consigne.objects.exists()


def test_a_keeper_lifts_a_consigne_and_no_one_else_can(
    client, establishment, other_establishment, director, pris, outsider, consigne
):
    url = reverse("example_app:consigne-status", args=[establishment.pk])
    lift = {"consigne": consigne.pk, "status": Consigne.Status.LIFTED}
    client.force_login(pris)
    assert client.post(url, lift).status_code == 403
    client.force_login(outsider)
    assert client.post(url, lift).status_code == 404
    assert client.post(reverse("example_app:consigne-status", args=[other_establishment.pk]), lift).status_code == 404
    client.force_login(director)
    assert client.post(url, {"consigne": consigne.pk, "status": "perdue"}).status_code == 400
    consigne.refresh_from_db()
    assert consigne.status == Consigne.Status.IN_FORCE
    assert client.post(url, lift).status_code == 302
    consigne.refresh_from_db()
    assert consigne.status == Consigne.Status.LIFTED and record_history(consigne)[0].after_shown == "levée"


def test_a_consigne_s_page_shows_its_history_to_its_establishment_s_readers_only(
    client, establishment, other_establishment, director, pris, observer, outsider, consigne
):
    services.consigne_update(consigne=consigne, by=director, status=Consigne.Status.LIFTED)
    url = reverse("example_app:consigne", args=[establishment.pk, consigne.pk])
    client.force_login(pris)
    page = client.get(url)
    assert page.status_code == 200
    assert [(row.label, row.before_shown, row.after_shown) for row in page.context["history"]][0] == (
        "état",
        "en vigueur",
        "levée",
    )
    assert "<td>en vigueur</td><td>levée</td>" in re.sub(r">\s+<", "><", page.content.decode())
    client.force_login(observer)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("example_app:consigne", args=[other_establishment.pk, consigne.pk])).status_code == 404


def test_the_accessibility_test_finds_the_example_s_pages_with_ids_from_its_own_tests(establishment, consigne):
    from tests.e2e.accessibility import app_id_values, named_patterns, urls_of

    values = {"establishment_id": [establishment.pk]}
    values |= app_id_values(establishment, values)
    assert values["consigne_id"] == [consigne.pk]
    patterns = [p for p in named_patterns() if p.name.startswith("example_app:")]
    urls = [url for p in patterns for url in urls_of(p, values)]
    assert reverse("example_app:consigne", args=[establishment.pk, consigne.pk]) in urls and len(urls) == 4


# --- the API ---------------------------------------------------------------------------


def test_the_api_lists_and_creates_with_history(establishment, director, consigne, urgences):
    api = api_for(director)
    listed = api.get(api_url(establishment))
    assert listed.status_code == 200
    assert [(c["title"], c["status_label"]) for c in listed.json()["results"]] == [
        ("Fiches de passage papier", "en vigueur")
    ]
    before = live.version(establishment, [TOPIC])
    created = api.post(api_url(establishment), {"service": urgences.pk, "title": "Talkies-walkies"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["service_name"] == "Urgences" and created.json()["status"] == "en_vigueur"
    saved = Consigne.objects.get(pk=created.json()["id"])
    assert record_history(saved)[0].by_label == "Claire Directrice"
    assert int(live.version(establishment, [TOPIC])) > int(before)


def test_the_api_refuses_bad_input_the_outsider_and_the_reader(
    establishment, other_establishment, director, pris, observer, outsider, urgences
):
    elsewhere = Service.objects.create(establishment=other_establishment, name="Urgences B")
    url = api_url(establishment)
    api = api_for(director)
    response = api.post(url, {"service": urgences.pk, "title": ""}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    response = api.post(url, {"service": elsewhere.pk, "title": "Ailleurs"}, format="json")
    assert response.status_code == 400 and "service" in response.json()
    assert api.post(url, {"title": "Sans service"}, format="json").status_code == 400
    assert api_for(outsider).post(url, {"service": urgences.pk, "title": "Dehors"}, format="json").status_code == 404
    assert api_for(outsider).get(url).status_code == 404
    assert api_for(pris).post(url, {"service": urgences.pk, "title": "Lecteur"}, format="json").status_code == 403
    assert api_for(pris).get(url).status_code == 200
    assert api_for(observer).get(url).status_code == 403
    assert not Consigne.objects.exists()


# --- the printable document ----------------------------------------------------------


def test_the_document_is_declared_in_the_app_s_documents_module():
    document = registry.get("example_consignes")
    assert type(document).__module__ == "tests.example_app.documents"
    assert document.kit_order is None  # printed on demand, not part of the paper kit


def test_the_document_prints_the_consignes_in_force(
    establishment,
    director,
    consigne,
    urgences,
    inline_worker,  # noqa: F811 — the fixture imported above
    django_capture_on_commit_callbacks,
):
    lifted = services.consigne_create(establishment=establishment, by=director, service=urgences, title="Levée déjà")
    services.consigne_update(consigne=lifted, by=director, status=Consigne.Status.LIFTED)
    with django_capture_on_commit_callbacks(execute=True):
        job = printing_services.print_job_request(
            establishment=establishment, by=director, document="example_consignes"
        )
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Consignes de service" in text and "Fiches de passage papier" in text and "Levée déjà" not in text


def test_the_document_s_fingerprint_moves_with_a_consigne(establishment, director, consigne):
    document = registry.get("example_consignes")
    before = document.fingerprint(establishment, {})
    services.consigne_update(consigne=consigne, by=director, title="Fiches de passage numérotées")
    assert document.fingerprint(establishment, {}) != before


def test_the_page_offers_the_print_button_to_those_who_may_print(client, establishment, director, pris):
    button = reverse("printing:establishment-document-print", args=[establishment.pk, "example_consignes"])
    client.force_login(director)
    assert button in client.get(page_url(establishment)).content.decode()
