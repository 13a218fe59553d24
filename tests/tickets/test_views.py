"""The pages: intake (no JavaScript needed), paper slips, the live board and its inline moves, a
ticket's triage, merge and escalation, the alerts' triage and report, the banner and its poll."""

import re

import pytest
from django.urls import reverse

from crisis.models import Service
from tickets import services
from tickets.models import Alert, Ticket

from .conftest import source_client
from .test_api import ALERT

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgences(establishment):
    return Service.objects.get_or_create(establishment=establishment, name="Urgences")[0]


def intake_url(establishment):
    return reverse("tickets:intake", args=[establishment.pk])


def board_url(establishment):
    return reverse("tickets:board", args=[establishment.pk])


def slip(urgences, **extra):
    return {
        "service": urgences.pk,
        "reporter_name": "Inès, IDE",
        "reporter_phone": "4412",
        "description": "Écran noir sur le poste de l'accueil",
        "application_name": "",
        "category": "poste_de_travail",
        "safety": "danger",
    } | extra


def test_a_nurse_files_a_signalement_and_gets_its_number(client, establishment, crisis, nurse, urgences):
    client.force_login(nurse)
    page = client.get(intake_url(establishment))
    assert page.status_code == 200 and b'name="safety"' in page.content
    answer = client.post(intake_url(establishment), slip(urgences))
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and answer.url.endswith(f"/signaler/{ticket.pk}/")
    assert ticket.crisis == crisis and ticket.channel == "formulaire" and ticket.priority == 1 and ticket.patient_safety
    assert ticket.reporter_service == "Urgences"
    assert "T-0001" in client.get(answer.url).content.decode()


def test_intake_bad_input_is_400_and_saves_nothing(client, establishment, nurse, urgences):
    client.force_login(nurse)
    answer = client.post(intake_url(establishment), slip(urgences, description="", safety="nope"))
    assert answer.status_code == 400 and b'class="errorlist' in answer.content
    assert not Ticket.objects.exists()


def test_intake_refuses_readers_and_hides_from_outsiders(client, establishment, observer, outsider, urgences):
    client.force_login(observer)
    assert client.post(intake_url(establishment), slip(urgences)).status_code == 403
    client.force_login(outsider)
    assert client.get(intake_url(establishment)).status_code == 404
    assert client.post(intake_url(establishment), slip(urgences)).status_code == 404
    assert not Ticket.objects.exists()


def test_intake_needs_login(client, establishment):
    assert client.get(intake_url(establishment)).status_code == 302


def test_paper_slips_keep_the_time_written_and_say_the_number(client, establishment, scribe, urgences):
    client.force_login(scribe)
    url = reverse("tickets:paper-slips", args=[establishment.pk])
    answer = client.post(url, slip(urgences, observed_at="2026-12-06T03:40", safety="aucun"), follow=True)
    ticket = Ticket.objects.get()
    assert ticket.channel == "papier" and ticket.priority == 3 and not ticket.patient_safety
    assert ticket.created_at.isoformat().startswith("2026-12-06T02:40")  # 03:40 in Paris
    assert "T-0001" in answer.content.decode() and b"autofocus" in answer.content
    assert client.post(url, slip(urgences, observed_at="1999-01-01T00:00")).status_code == 400


def test_the_board_shows_columns_filters_and_polls_with_a_204(client, establishment, ticket, observer):
    client.force_login(observer)
    page = client.get(board_url(establishment), {"priority": 2})
    body = page.content.decode()
    assert page.status_code == 200 and "T-0001" in body and 'id="col-nouveau"' in body
    assert "ticket-quick" not in body  # a reader moves nothing
    version = re.search(r"[?&]v=(\d+)", body).group(1)
    poll = client.get(board_url(establishment), {"priority": 2, "v": version}, HTTP_HX_REQUEST="true")
    assert poll.status_code == 204
    assert "T-0001" not in client.get(board_url(establishment), {"priority": 4}).content.decode()


def test_the_crisis_board_and_outsiders(client, crisis, establishment, ticket, outsider, director):
    client.force_login(director)
    assert "T-0001" in client.get(reverse("tickets:crisis-board", args=[crisis.pk])).content.decode()
    client.force_login(outsider)
    assert client.get(board_url(establishment)).status_code == 404
    assert client.get(reverse("tickets:crisis-board", args=[crisis.pk])).status_code == 404


def test_the_board_moves_and_assigns_inline(client, establishment, ticket, dsi):
    client.force_login(dsi)
    url = reverse("tickets:ticket-quick", args=[establishment.pk, ticket.pk])
    answer = client.post(url, {"status": "en_cours", "assigned_to": dsi.pk}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and f'id="ticket-{ticket.pk}"' in answer.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "en_cours" and ticket.assigned_to == dsi
    refused = client.post(url, {"status": "clos", "assigned_to": ""})
    assert refused.status_code == 400 and "interdit" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "en_cours"
    assert client.get(url).status_code == 405


def test_inline_moves_refuse_readers_and_outsiders(client, establishment, ticket, observer, outsider):
    url = reverse("tickets:ticket-quick", args=[establishment.pk, ticket.pk])
    client.force_login(observer)
    assert client.post(url, {"status": "en_cours"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"status": "en_cours"}).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "nouveau"


def test_the_ticket_page_triages_answers_and_shows_history(client, establishment, ticket, dsi):
    client.force_login(dsi)
    url = reverse("tickets:ticket", args=[establishment.pk, ticket.pk])
    assert client.get(url).status_code == 200
    form = {
        "status": "qualifie",
        "priority": 1,
        "category": "application_metier",
        "track": "fonctionnelle",
        "application_name": "DPI",
        "patient_safety": "on",
        "assigned_team": "Équipe applicative",
        "answer": "Passez en procédure dégradée.",
    }
    assert client.post(url, form).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.track, ticket.answer) == (
        "qualifie",
        1,
        "fonctionnelle",
        "Passez en procédure dégradée.",
    )
    assert "Équipe applicative" in client.get(url).content.decode()
    bad = client.post(url, form | {"status": "nouveau", "priority": 9})
    assert bad.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == "qualifie"


def test_merge_and_escalate_pages(client, establishment, crisis, ticket, nurse, dsi, director, observer):
    other = services.ticket_create(establishment=establishment, by=nurse, reporter_name="Paul", description="DPI")
    merge_url = reverse("tickets:ticket-merge", args=[establishment.pk, other.pk])
    client.force_login(observer)
    assert client.post(merge_url, {"into": "T-0001"}).status_code == 403
    client.force_login(dsi)
    assert client.post(merge_url, {"into": "T-9999"}).status_code == 400
    assert client.post(merge_url, {"into": "T-0001"}).status_code == 302
    other.refresh_from_db()
    assert other.merged_into == ticket
    escalate_url = reverse("tickets:ticket-escalate", args=[establishment.pk, ticket.pk])
    assert client.post(escalate_url).status_code == 403  # the DSI does not keep the RIDA
    client.force_login(director)
    assert client.post(escalate_url).status_code == 302
    ticket.refresh_from_db()
    assert ticket.rida_line is not None


def test_the_dashboard_card_and_the_meeting_agenda_show_tickets(client, crisis, ticket, director):
    from datetime import timedelta

    from django.utils import timezone

    from crisis.models import Meeting

    client.force_login(director)
    body = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert 'id="card-tickets"' in body and "ouverts en P2" in body
    meeting = Meeting.objects.create(crisis=crisis, scheduled_at=timezone.now() + timedelta(minutes=10))
    agenda = client.get(reverse("crisis:meeting", args=[crisis.pk, meeting.pk])).content.decode()
    assert "T-0001" in agenda


# --- alerts pages and the banner --------------------------------------------------------


def push(token, **change):
    return source_client(token).post("/api/alerts/", ALERT | change, format="json").json()


def test_alert_triage_opens_a_ticket_and_writes_the_journal(client, establishment, crisis, source, dsi, observer):
    _source, token = source
    alert_id = push(token)["id"]
    url = reverse("tickets:alert-action", args=[establishment.pk, alert_id])
    client.force_login(observer)
    assert client.post(url, {"action": "ticket"}).status_code == 403
    client.force_login(dsi)
    assert client.post(url, {"action": "bogus"}).status_code == 400
    assert client.post(url, {"action": "isolate"}).status_code == 302
    assert client.post(url, {"action": "ticket"}).status_code == 302
    assert client.post(url, {"action": "journal"}).status_code == 302
    alert = Alert.objects.get()
    assert alert.status == "confirmee" and alert.host_isolated_at and alert.ticket.priority == 1
    entry = alert.journal_entry
    assert entry.recorded_by_id is None and entry.source == "SOC Régional" and "PC-URG-12" in entry.text
    page = client.get(reverse("tickets:alert", args=[establishment.pk, alert_id])).content.decode()
    assert alert.ticket.number in page


def test_the_alerts_page_and_report(client, establishment, source, dsi, outsider):
    _source, token = source
    push(token)
    client.force_login(dsi)
    page = client.get(reverse("tickets:alerts", args=[establishment.pk]))
    assert page.status_code == 200 and "Chiffrement massif" in page.content.decode()
    report = client.get(reverse("tickets:alert-report", args=[establishment.pk]), {"month": "2026-12"})
    assert report.status_code == 200 and b"<svg" in report.content
    assert client.get(reverse("tickets:alert-report", args=[establishment.pk]), {"month": "x"}).status_code == 400
    client.force_login(outsider)
    assert client.get(reverse("tickets:alerts", args=[establishment.pk])).status_code == 404


def test_a_critical_alert_shows_on_every_page_of_the_rssi_until_taken(client, establishment, source, rssi, director):
    _source, token = source
    client.force_login(rssi)
    home = client.get(reverse("crisis:establishment", args=[establishment.pk])).content.decode()
    version = re.search(r"alertes/bandeau/\?v=(\d+)", home).group(1)
    banner = reverse("tickets:banner")
    assert client.get(banner, {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    push(token)
    push(token, external_id="EDR-2", severity="basse", title="Scan de ports")
    polled = client.get(banner, {"v": version}, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "Chiffrement massif" in polled.content.decode()
    assert "Scan de ports" not in polled.content.decode()
    assert "Chiffrement massif" in client.get(reverse("tickets:board", args=[establishment.pk])).content.decode()
    client.force_login(director)  # not a banner role
    assert "alert-banner" not in client.get(reverse("tickets:board", args=[establishment.pk])).content.decode()
    client.force_login(rssi)
    alert = Alert.objects.get(external_id="EDR-1")
    services.alert_update(alert=alert, by=rssi, status="en_analyse")
    assert "Chiffrement massif" not in client.get(banner, HTTP_HX_REQUEST="true").content.decode()


def test_the_board_s_cached_cards_follow_their_ticket_and_carry_the_viewer_s_token(client, establishment, ticket, dsi):
    client.force_login(dsi)
    first = client.get(board_url(establishment)).content.decode()
    assert "slot-->" not in first and 'name="csrfmiddlewaretoken"' in first
    assert '<option value="nouveau" selected>' in first
    services.ticket_update(ticket=ticket, by=dsi, status="en_cours", assigned_to=dsi)
    again = client.get(board_url(establishment)).content.decode()
    assert '<option value="en_cours" selected>' in again and f'<option value="{dsi.pk}" selected>' in again
