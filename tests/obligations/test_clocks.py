"""Obligations: deadlines (time zones, the daylight-saving change inside the 72 hours), statuses, the card,
a reference recorded and the journal written, the API's contract, permissions and bad input."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crisis import services as crisis_services
from crisis.models import JournalEntry
from obligations import services
from obligations.models import Kind, Obligation
from obligations.selectors import obligations_of

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def obligation(crisis, kind):
    services.obligations_ensure(crisis)
    found = Obligation.objects.get(crisis=crisis, kind=kind)
    found.crisis = crisis
    return found


@pytest.fixture
def fresh(establishment, director):
    at = timezone.now() - timedelta(hours=2)
    return crisis_services.crisis_create(
        establishment=establishment, by=director, title="Crise du jour", detected_at=at, awareness_at=at
    )


@pytest.fixture
def old(establishment, director):
    at = timezone.now() - timedelta(days=29)
    return crisis_services.crisis_create(
        establishment=establishment, by=director, title="Vieille crise", detected_at=at, awareness_at=at
    )


def test_each_crisis_gets_its_seven_obligations_once(crisis):
    assert [o.kind for o in obligations_of(crisis)] == list(Kind.values)
    obligations_of(crisis)
    assert Obligation.objects.filter(crisis=crisis).count() == 7


def test_the_72_hours_cross_the_october_daylight_saving_change_in_real_hours(establishment, director):
    # Awareness on Friday 23 October 2026 at 12:00 in Paris (UTC+2); clocks go back on Sunday the 25th.
    awareness = datetime(2026, 10, 23, 12, 0, tzinfo=PARIS)
    crisis = crisis_services.crisis_create(
        establishment=establishment, by=director, title="Octobre", detected_at=awareness, awareness_at=awareness
    )
    cnil = obligation(crisis, Kind.CNIL)
    assert cnil.deadline == datetime(2026, 10, 26, 10, 0, tzinfo=UTC)
    assert (cnil.deadline - awareness) == timedelta(hours=72)
    # 72 real hours end at 11:00 Paris time (UTC+1 by then), not at the 12:00 a wall clock would say.
    assert cnil.deadline.astimezone(PARIS).hour == 11


def test_the_card_shows_the_deadline_in_paris_time_across_the_change(client, establishment, director):
    awareness = datetime(2026, 10, 23, 12, 0, tzinfo=PARIS)
    crisis = crisis_services.crisis_create(
        establishment=establishment, by=director, title="Octobre", detected_at=awareness, awareness_at=awareness
    )
    client.force_login(director)
    body = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    card = body[body.index('id="card-obligations"') :]
    cnil = card[card.index('id="clock-cnil"') :][:900]
    assert "26/10 11:00" in cnil


def test_an_obligation_past_its_deadline_is_en_retard_and_red_on_the_card(client, old, director):
    assert obligation(old, Kind.PLAINTE).shown_status() == Obligation.Status.EN_RETARD
    client.force_login(director)
    body = client.get(reverse("crisis:dashboard", args=[old.pk])).content.decode()
    clock = body[body.index('id="clock-plainte"') :][:600]
    assert 'class="overdue"' in clock and "dépassée de 26 j" in clock


def test_the_card_shows_the_time_left_and_the_core_card_no_longer_has_a_72_hour_line(client, fresh, director):
    client.force_login(director)
    body = client.get(reverse("crisis:dashboard", args=[fresh.pk])).content.decode()
    assert "Échéance 72 h" not in body
    clock = body[body.index('id="clock-cnil"') :][:700]
    assert "data-due-at=" in clock and ("reste 2 j 21 h" in clock or "reste 2 j 22 h" in clock)


def test_no_awareness_time_means_the_72_hour_clocks_do_not_run(client, crisis, director):
    cnil = obligation(crisis, Kind.CNIL)
    assert cnil.deadline is None and cnil.waits_for_awareness
    assert obligation(crisis, Kind.SIGNALEMENT_PORTAIL).deadline == crisis.detected_at + timedelta(hours=24)


def test_marking_the_complaint_done_records_its_receipt_writes_the_journal_and_greys_the_card(client, fresh, director):
    plainte = obligation(fresh, Kind.PLAINTE)
    client.force_login(director)
    url = reverse("obligations:api-obligation", args=[fresh.pk, plainte.pk])
    response = client.patch(url, {"status": "fait", "reference": "PV 2026/123456"}, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "fait" and data["reference"] == "PV 2026/123456"
    assert data["done_by"] == director.pk and data["done_by_label"] == "Claire Directrice" and data["done_at"]
    last = JournalEntry.objects.filter(crisis=fresh).order_by("-seq").first()
    assert "Dépôt de plainte" in last.text and "PV 2026/123456" in last.text
    assert last.recorded_by == director and last.kind == JournalEntry.Kind.ACTION
    body = client.get(reverse("crisis:dashboard", args=[fresh.pk])).content.decode()
    clock = body[body.index('id="clock-plainte"') :][:600]
    assert 'class="muted"' in clock and "PV 2026/123456" in clock


def test_the_cnil_done_after_72_hours_without_a_reason_is_a_400_and_saves_nothing(client, old, director):
    cnil = obligation(old, Kind.CNIL)
    client.force_login(director)
    url = reverse("obligations:api-obligation", args=[old.pk, cnil.pk])
    entries = JournalEntry.objects.filter(crisis=old).count()
    response = client.patch(url, {"status": "fait"}, content_type="application/json")
    assert response.status_code == 400 and "late_reason" in response.json()
    cnil.refresh_from_db()
    assert cnil.status == "a_faire" and JournalEntry.objects.filter(crisis=old).count() == entries
    response = client.patch(
        url,
        {"status": "fait", "late_reason": "Périmètre de la fuite établi au 5e jour.", "reference": "CNIL-1234"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["late_reason"].startswith("Périmètre")


def test_a_complaint_done_late_needs_no_reason(client, old, director):
    plainte = obligation(old, Kind.PLAINTE)
    client.force_login(director)
    url = reverse("obligations:api-obligation", args=[old.pk, plainte.pk])
    assert client.patch(url, {"status": "fait"}, content_type="application/json").status_code == 200


def test_the_list_api_has_the_contract_s_fields(client, fresh, observer):
    client.force_login(observer)
    rows = client.get(reverse("obligations:api-obligations", args=[fresh.pk])).json()
    assert {r["kind"] for r in rows} == set(Kind.values)
    expected = {"id", "kind", "deadline", "status", "done_at", "done_by", "reference", "late_reason", "notes"}
    assert expected <= set(rows[0])
    assert {r["status"] for r in rows} == {"a_faire"}


@pytest.mark.parametrize(
    "body",
    [{"status": "peut-etre"}, {"done_at": "hier"}, {"reference": "x" * 200}, {"done_at": "2999-01-01T00:00:00Z"}],
)
def test_bad_input_is_a_400_with_the_field(client, fresh, director, body):
    target = obligation(fresh, Kind.ARS)
    client.force_login(director)
    url = reverse("obligations:api-obligation", args=[fresh.pk, target.pk])
    response = client.patch(url, body, content_type="application/json")
    assert response.status_code == 400 and set(body) & set(response.json())


def test_an_outsider_gets_404_and_a_read_only_member_403(client, fresh, outsider, observer):
    target = obligation(fresh, Kind.ARS)
    url = reverse("obligations:api-obligation", args=[fresh.pk, target.pk])
    client.force_login(outsider)
    assert client.get(reverse("obligations:api-obligations", args=[fresh.pk])).status_code == 404
    assert client.patch(url, {"status": "fait"}, content_type="application/json").status_code == 404
    client.force_login(observer)
    assert client.patch(url, {"status": "fait"}, content_type="application/json").status_code == 403
    page = reverse("obligations:obligation", args=[fresh.pk, target.pk])
    assert client.post(page, {"status": "fait"}).status_code == 403


def test_the_page_form_marks_done_and_says_why_when_refused(client, old, director):
    cnil = obligation(old, Kind.CNIL)
    client.force_login(director)
    page = reverse("obligations:obligation", args=[old.pk, cnil.pk])
    response = client.post(page, {"status": "fait", "reference": "N-1"})
    assert response.status_code == 400 and "RGPD" in response.content.decode()
    response = client.post(page, {"status": "fait", "reference": "N-1", "late_reason": "Retard de l'expertise."})
    assert response.status_code == 302
    cnil.refresh_from_db()
    assert cnil.status == "fait" and cnil.reference == "N-1"


def test_the_cnil_not_applicable_needs_the_breach_register_note(client, fresh, director):
    cnil = obligation(fresh, Kind.CNIL)
    client.force_login(director)
    url = reverse("obligations:api-obligation", args=[fresh.pk, cnil.pk])
    response = client.patch(url, {"status": "non_applicable"}, content_type="application/json")
    assert response.status_code == 400 and "notes" in response.json()


def test_the_list_page_polls_with_204_when_nothing_moved(client, fresh, director):
    client.force_login(director)
    url = reverse("obligations:list", args=[fresh.pk])
    page = client.get(url)
    assert page.status_code == 200
    version = page.content.decode().split("?v=")[1].split('"')[0]
    poll = client.get(f"{url}?v={version}", headers={"HX-Request": "true"})
    assert poll.status_code == 204
    services.obligation_update(obligation=obligation(fresh, Kind.ARS), by=director, status="fait")
    assert client.get(f"{url}?v={version}", headers={"HX-Request": "true"}).status_code == 200


def test_the_complaint_s_receipt_is_attached_and_a_fake_pdf_refused(client, fresh, director):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import pdf_bytes

    plainte = obligation(fresh, Kind.PLAINTE)
    client.force_login(director)
    page = reverse("obligations:obligation", args=[fresh.pk, plainte.pk])
    fake = SimpleUploadedFile("recepisse.pdf", b"%PDF-1.4 <script>alert(1)</script>", content_type="application/pdf")
    response = client.post(page, {"status": "fait", "reference": "PV-1", "attachment": fake})
    assert response.status_code == 400
    plainte.refresh_from_db()
    assert plainte.status == "a_faire" and not plainte.attachment
    real = SimpleUploadedFile("recepisse.pdf", pdf_bytes(), content_type="application/pdf")
    assert client.post(page, {"status": "fait", "reference": "PV-1", "attachment": real}).status_code == 302
    plainte.refresh_from_db()
    assert plainte.attachment.name.startswith("obligations/") and len(plainte.attachment_sha256) == 64
