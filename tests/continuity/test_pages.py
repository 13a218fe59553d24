"""Continuity's pages: who may open and post what, bad input, the live pages' 204, no raw HTML."""

import io

import pytest
from django.urls import reverse

from continuity import services
from continuity.models import Application, ApplicationStatus, Procedure, ReentryDay, ReentryKind, Workaround
from crisis.models import JournalEntry, Service

from ..conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgences(establishment):
    return Service.objects.get(establishment=establishment, name="Urgences")


@pytest.fixture
def dpi(establishment, director):
    return services.application_create(establishment=establishment, by=director, name="DPI", priority=1)


@pytest.fixture
def published(establishment, director, urgences, dpi):
    return services.procedure_create_published(
        establishment=establishment,
        by=director,
        service=urgences,
        title="Sans DPI",
        body="## Étapes\n\n<script>alert('x')</script>\n\n1. Papier",
        trigger_applications=[dpi],
    )


def establishment_pages(establishment, published, dpi):
    e = establishment.pk
    return [
        reverse("continuity:procedures", args=[e]),
        reverse("continuity:procedure", args=[e, published.pk]),
        reverse("continuity:procedure-version", args=[e, published.pk, 1]),
        reverse("continuity:applications", args=[e]),
        reverse("continuity:application", args=[e, dpi.pk]),
        reverse("continuity:graph", args=[e]),
        reverse("continuity:restart-plan", args=[e]),
        reverse("continuity:reentry", args=[e]),
        reverse("continuity:procedures-export", args=[e, "yaml"]),
    ]


def test_every_page_opens_for_a_reader_and_is_404_for_an_outsider(
    client, establishment, crisis, published, dpi, observer, outsider
):
    pages = establishment_pages(establishment, published, dpi) + [
        reverse("continuity:situation", args=[crisis.pk]),
        reverse("continuity:workarounds", args=[crisis.pk]),
    ]
    login(client, observer)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert url.endswith(".yaml") or b"<script>alert" not in response.content, url
    login(client, outsider)
    for url in pages:
        assert client.get(url).status_code == 404, url


def test_a_reader_sees_no_form_and_is_refused_every_post(client, establishment, crisis, published, dpi, observer):
    login(client, observer)
    page = client.get(reverse("continuity:procedure", args=[establishment.pk, published.pk])).content.decode()
    assert "Modifier le brouillon" not in page
    e = establishment.pk
    posts = [
        reverse("continuity:procedures", args=[e]),
        reverse("continuity:procedure", args=[e, published.pk]),
        reverse("continuity:procedure-publish", args=[e, published.pk]),
        reverse("continuity:procedures-import", args=[e]),
        reverse("continuity:applications", args=[e]),
        reverse("continuity:application", args=[e, dpi.pk]),
        reverse("continuity:reentry", args=[e]),
        reverse("continuity:situation", args=[crisis.pk]),
        reverse("continuity:workarounds", args=[crisis.pk]),
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 403, url


def test_a_draft_is_edited_then_published_by_a_decider(client, establishment, published, scribe, director, urgences):
    url = reverse("continuity:procedure", args=[establishment.pk, published.pk])
    form = {
        "draft-service": urgences.pk,
        "draft-kind": "procedure",
        "draft-title": "Sans DPI (révisée)",
        "draft-body": "## Étapes\n1. Fiches papier numérotées",
        "draft-owner": "Dr Martin",
    }
    login(client, scribe)
    assert client.post(url, form).status_code == 302
    publish = reverse("continuity:procedure-publish", args=[establishment.pk, published.pk])
    assert client.post(publish, {}).status_code == 403
    page = client.get(url).content.decode()
    assert "Brouillon (non publié)" in page and "Publier cette version" not in page
    login(client, director)
    assert "Publier cette version" in client.get(url).content.decode()
    assert client.post(publish, {"publish-review_due": "2027-06-01"}).status_code == 302
    published.refresh_from_db()
    assert (published.version, published.status, published.title) == (2, "publiee", "Sans DPI (révisée)")


def test_a_bad_draft_is_refused_with_its_message(client, establishment, published, scribe):
    login(client, scribe)
    url = reverse("continuity:procedure", args=[establishment.pk, published.pk])
    response = client.post(url, {"draft-title": "", "draft-kind": "x", "draft-body": "y"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    published.refresh_from_db()
    assert published.status == "publiee"


def test_a_new_procedure_starts_from_a_template(client, establishment, scribe, urgences):
    login(client, scribe)
    url = reverse("continuity:procedures", args=[establishment.pk])
    response = client.post(url, {"new-service": urgences.pk, "new-template": "fiche_reflexe", "new-title": "Panne"})
    assert response.status_code == 302
    procedure = Procedure.objects.get()
    assert procedure.kind == "fiche_reflexe" and "## Conclusions attendues" in procedure.body
    bad = client.post(url, {"new-service": 999999, "new-template": "nope", "new-title": ""})
    assert bad.status_code == 400 and Procedure.objects.count() == 1


def test_import_of_a_shared_file(client, establishment, scribe):
    login(client, scribe)
    url = reverse("continuity:procedures-import", args=[establishment.pk])
    good = io.BytesIO(
        "format: console-crise/procedures\nversion: 1\nprocedures:\n- {service: Urgences, title: Sans GAM, body: Papier}\n".encode()
    )
    good.name = "partage.yaml"
    assert client.post(url, {"import-file": good}).status_code == 302
    bad = io.BytesIO(b"{not json")
    bad.name = "x.json"
    response = client.post(url, {"import-file": bad}, follow=True)
    assert "Fichier illisible" in response.content.decode()
    assert list(Procedure.objects.values_list("title", flat=True)) == ["Sans GAM"]


def test_the_map_add_and_edit(client, establishment, scribe, observer, dpi):
    login(client, scribe)
    url = reverse("continuity:applications", args=[establishment.pk])
    form = {"app-name": "SIL", "app-kind": "application", "app-hosting": "sur_site", "app-criticality": "haute"}
    response = client.post(url, {**form, "app-priority": 2, "app-depends_on": [dpi.pk]})
    assert response.status_code == 302
    sil = Application.objects.get(name="SIL")
    assert list(sil.depends_on.all()) == [dpi]
    assert client.post(url, {**form, "app-priority": 9}).status_code == 400
    assert client.post(url, {**form, "app-name": "dpi", "app-priority": 1}).status_code == 400
    edit = reverse("continuity:application", args=[establishment.pk, dpi.pk])
    assert (
        client.post(edit, {**form, "app-name": "DPI", "app-priority": 1, "app-depends_on": [sil.pk]}).status_code == 302
    )
    plan = client.get(reverse("continuity:restart-plan", args=[establishment.pk])).content.decode()
    assert "Dépendances circulaires" in plan
    graph = client.get(reverse("continuity:graph", args=[establishment.pk]) + "?format=svg")
    assert graph["Content-Type"] == "image/svg+xml" and b"<svg" in graph.content
    assert Application.objects.count() == 2


def test_the_situation_board_sets_a_status_and_polls_cheaply(client, crisis, establishment, pris, published, dpi):
    login(client, pris)
    url = reverse("continuity:situation", args=[crisis.pk])
    page = client.get(url)
    version = page.context["live_version"]
    assert client.get(url, {"v": version}, headers={"HX-Request": "true"}).status_code == 204
    response = client.post(url, {"application": dpi.pk, "status": "hors_service", "comment": "chiffré"})
    assert response.status_code == 302
    assert ApplicationStatus.objects.get().status == "hors_service"
    assert JournalEntry.objects.filter(crisis=crisis, text__contains="DPI : hors service").exists()
    polled = client.get(url, {"v": version}, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "Sans DPI" in polled.content.decode()  # the procedure now in force
    assert client.post(url, {"application": dpi.pk, "status": "cassé"}).status_code == 400
    assert client.post(url, {"application": 999999, "status": "degrade"}).status_code == 404


def test_the_dashboard_card_lists_what_is_down(client, crisis, establishment, director, published, dpi):
    services.application_status_set(crisis=crisis, application=dpi, by=director, status="hors_service")
    login(client, director)
    page = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert 'id="card-applications"' in page and "Sans DPI" in page
    home = client.get(reverse("crisis:establishment", args=[establishment.pk])).content.decode()
    assert 'id="card-procedures"' in home and "services sans procédure" in home


def test_workarounds_and_reentry_pages(client, crisis, establishment, pris, dpi):
    login(client, pris)
    url = reverse("continuity:workarounds", args=[crisis.pk])
    assert client.post(url, {"wa-description": "Taxi pour les CD d'imagerie", "wa-cost": "180"}).status_code == 302
    assert client.post(url, {"wa-description": "", "wa-cost": "-1"}).status_code == 400
    assert Workaround.objects.count() == 1
    url = reverse("continuity:reentry", args=[establishment.pk])
    assert client.post(url, {"kind-kind": "Actes", "kind-total": 40000}).status_code == 302
    row = ReentryKind.objects.get()
    assert client.post(url, {"day-reentry": row.pk, "day-count": 200}).status_code == 302
    assert client.post(url, {"kind-kind": "", "kind-total": -1}).status_code == 400
    assert ReentryDay.objects.get().count == 200
    assert "200" in client.get(url).content.decode()


def test_a_workaround_is_ended_once(client, crisis, pris, observer, director):
    workaround = services.workaround_create(crisis=crisis, by=director, description="Clé 4G")
    url = reverse("continuity:workarounds", args=[crisis.pk])
    login(client, observer)
    assert client.post(url, {"end": workaround.pk}).status_code == 403
    login(client, pris)
    assert client.post(url, {"end": "x"}).status_code == 404
    assert client.post(url, {"end": workaround.pk}).status_code == 302
    workaround.refresh_from_db()
    ended = workaround.until
    assert ended is not None
    client.post(url, {"end": workaround.pk})
    workaround.refresh_from_db()
    assert workaround.until == ended
