"""A nurse files a signalement from her unit; the cell sees it on the triage board without reloading,
triages and answers it. A critical alert reaches the RSSI's page within 5 seconds."""

import pytest
from django.utils import timezone

from crisis.models import Membership, Role, Service
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import logged_in_page
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.e2e


def member(establishment, username: str, role: str, first: str, last: str):
    user = make_user(username, first, last)
    Membership.objects.create(user=user, establishment=establishment, role=role)
    return user


@pytest.mark.django_db(transaction=True)
def test_a_nurse_files_a_signalement_the_cell_sees_triages_and_answers_it(browser, live_server, crisis, establishment):
    Service.objects.get_or_create(establishment=establishment, name="Urgences")
    member(establishment, "nurse", Role.SOINS, "Inès", "Infirmière")
    member(establishment, "dsi", Role.DSI, "Denis", "Informaticien")
    board = logged_in_page(browser, live_server, "dsi", PASSWORD)
    board.goto(f"{live_server.url}/etablissements/{establishment.pk}/tickets/")
    board.evaluate("window.notReloaded = true")

    nurse = logged_in_page(browser, live_server, "nurse", PASSWORD)
    nurse.goto(f"{live_server.url}/etablissements/{establishment.pk}/signaler/")
    nurse.select_option("#id_service", label="Urgences")
    nurse.fill("#id_reporter_phone", "4412")
    nurse.fill("#id_description", "Écran noir sur le poste de tri des urgences")
    nurse.check("input[name=safety][value=retardes]")
    nurse.click("button[type=submit]")
    nurse.locator(".ticket-number", has_text="T-0001").wait_for(timeout=5000)

    card = board.locator(".ticket-card", has_text="Écran noir sur le poste de tri")
    card.wait_for(timeout=6000)  # the board polls every 4 s
    assert board.evaluate("window.notReloaded") is True
    ticket = Ticket.objects.get()
    card.locator(f"#st-{ticket.pk}").select_option("qualifie")
    card.locator("button", has_text="OK").click()
    board.locator(f"#ticket-{ticket.pk} [role=status]").wait_for(timeout=5000)
    assert board.evaluate("window.notReloaded") is True
    ticket.refresh_from_db()
    assert ticket.status == "qualifie"

    board.click(f"#ticket-{ticket.pk} a.num")
    board.fill("#triage_answer", "Poste débranché ; utilisez le poste de secours du box 2.")
    board.click("button:has-text('Enregistrer')")
    board.locator(".messages").wait_for(timeout=5000)
    ticket.refresh_from_db()
    assert ticket.answer.startswith("Poste débranché") and ticket.answered_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_critical_alert_shows_on_the_rssi_page_within_5_seconds(browser, live_server, crisis, establishment):
    member(establishment, "rssi", Role.RSSI, "Rose", "Sécurité")
    page = logged_in_page(browser, live_server, "rssi", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/main-courante/")
    source, _token = services.alert_source_create(establishment=establishment, name="EDR")
    services.alert_ingest(
        source=source,
        external_id="E-1",
        severity="critique",
        title="Chiffrement massif de fichiers",
        detected_at=timezone.now(),
        host="PC-URG-12",
    )
    page.locator(".alert-banner", has_text="Chiffrement massif de fichiers").wait_for(timeout=5000)
    page.click(".alert-banner button")  # "Je la prends": the banner goes
    page.locator(".messages").wait_for(timeout=5000)
    assert page.locator(".alert-banner").count() == 0
