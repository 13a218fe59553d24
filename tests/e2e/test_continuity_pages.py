"""Continuity in Chromium: an application goes down, the situation board (already open elsewhere) shows the
procedures in force and what can restart, without a reload; a procedure is printed; and continuity's pages
pass axe for a writer at 320 px and a read-only member at 640 px (the whole-console test covers them too,
this one runs in a minute)."""

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from continuity import services
from continuity.models import Application, Procedure
from crisis.demo.seed import DEMO_CRISIS_TITLE, seed_demo
from crisis.models import Crisis, Service
from printing.models import PrintJob
from printing.services import requests as print_requests
from tests.conftest import PASSWORD
from tests.e2e.accessibility import visit_all
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_an_application_down_shows_its_procedures_on_the_open_board_and_a_procedure_prints(
    browser, live_server, crisis, director, scribe
):
    establishment = crisis.establishment
    ad = services.application_create(establishment=establishment, by=director, name="Active Directory", priority=1)
    dpi = services.application_create(establishment=establishment, by=director, name="DPI", priority=1, depends_on=[ad])
    procedure = services.procedure_create_published(
        establishment=establishment,
        by=director,
        service=Service.objects.get(establishment=establishment, name="Urgences"),
        title="Urgences sans DPI",
        body="## Étapes\n1. Fiches d'admission papier",
        trigger_applications=[dpi],
    )
    board = f"{live_server.url}{reverse('continuity:situation', args=[crisis.pk])}"
    reader = logged_in_page(browser, live_server, "director", PASSWORD)
    reader.goto(board)
    reader.evaluate("window.notReloaded = true")
    assert reader.locator("#procedures-en-vigueur").inner_text().count("Urgences sans DPI") == 0

    # The scribe sets both down from the board's own form (no JavaScript needed: it posts and redirects).
    writer = logged_in_page(browser, live_server, "scribe", PASSWORD)
    writer.goto(board)
    for application in (ad, dpi):
        row = writer.locator(f"#app-{application.pk}")
        row.locator("summary").click()
        row.locator("select[name=status]").select_option("hors_service")
        row.locator("button[type=submit]").click()
        writer.wait_for_load_state()

    # The director's board follows by polling: the procedure in force, AD restartable, DPI waiting for it.
    reader.locator("#procedures-en-vigueur", has_text="Urgences sans DPI").wait_for(timeout=15000)
    assert reader.evaluate("window.notReloaded") is True
    assert "Active Directory" in reader.locator("#redemarrables").inner_text()
    assert "Active Directory" in reader.locator(f"#app-{dpi.pk}").inner_text()  # what it waits for
    reader.locator("details.card summary").click()  # the restart plan, folded under the board
    assert "Vague 2" in reader.locator("details.card").inner_text()

    # Printing the procedure from its page asks for a job of the "procedure" document.
    with mock.patch.object(print_requests, "dispatch_on_commit"):
        reader.goto(f"{live_server.url}{reverse('continuity:procedure', args=[establishment.pk, procedure.pk])}")
        reader.get_by_role("button", name="Imprimer : Procédure").click()
        reader.wait_for_load_state()
    job = PrintJob.objects.get(document="procedure")
    assert job.params == {"procedure": procedure.pk}


@pytest.fixture
def demo(transactional_db):
    with mock.patch.object(print_requests, "dispatch_on_commit"):
        seed_demo(password=PASSWORD)
    return Crisis.objects.get(title=DEMO_CRISIS_TITLE)


def continuity_pages(crisis) -> list[str]:
    e = crisis.establishment_id
    procedure = Procedure.objects.filter(establishment_id=e, version__gt=0).first()
    application = Application.objects.filter(establishment_id=e).first()
    return [
        reverse("continuity:procedures", args=[e]),
        reverse("continuity:procedure", args=[e, procedure.pk]),
        reverse("continuity:procedure-version", args=[e, procedure.pk, procedure.version]),
        reverse("continuity:applications", args=[e]),
        reverse("continuity:application", args=[e, application.pk]),
        reverse("continuity:graph", args=[e]),
        reverse("continuity:restart-plan", args=[e]),
        reverse("continuity:reentry", args=[e]),
        reverse("continuity:situation", args=[crisis.pk]),
        reverse("continuity:workarounds", args=[crisis.pk]),
        reverse("crisis:dashboard", args=[crisis.pk]),
        reverse("crisis:establishment", args=[e]),
    ]


def test_continuitys_pages_pass_axe_for_a_writer_and_a_reader(browser, live_server, demo):
    pages = continuity_pages(demo)
    problems = []
    for username, language, width in (("directeur", "fr", 320), ("observateur", "en", 640)):
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        page = logged_in_page(browser, live_server, username, PASSWORD)
        page.set_viewport_size({"width": width, "height": 800})
        if language == "en":
            page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        problems += visit_all(page, live_server.url, pages, username)
        page.context.close()
    assert not problems, "\n".join(problems)
