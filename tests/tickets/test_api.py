"""The tickets' and alerts' API: the issue's table is the contract (paths, field names, values)."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from tickets import services
from tickets.models import Alert, Ticket

from .conftest import api_for, source_client

FIELDS = {
    "id",
    "number",
    "reporter_name",
    "reporter_service",
    "reporter_phone",
    "channel",
    "service",
    "category",
    "application",
    "description",
    "patient_safety",
    "priority",
    "status",
    "track",
    "assigned_to",
    "answer",
    "resolved_at",
    "merged_into",
    "rida_line",
    "created_at",
}


def tickets_url(crisis) -> str:
    return f"/api/crises/{crisis.pk}/tickets/"


def test_the_paths_are_the_contract(crisis, establishment):
    assert reverse("tickets:api-tickets", args=[crisis.pk]) == tickets_url(crisis)
    assert reverse("tickets:api-tickets-top", args=[crisis.pk]) == f"/api/crises/{crisis.pk}/tickets/top/"
    assert reverse("tickets:api-alerts-push") == "/api/alerts/"
    assert reverse("tickets:api-alerts-report", args=[establishment.pk]).endswith("/alerts/report/")


def test_post_then_list_with_filters(crisis, nurse, director):
    body = {
        "reporter_name": "Inès",
        "reporter_service": "Urgences",
        "reporter_phone": "4412",
        "category": "telephonie",
        "description": "Plus de tonalité sur les DECT",
        "priority": 1,
    }
    created = api_for(nurse).post(tickets_url(crisis), body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert FIELDS <= set(data) and data["number"] == "T-0001" and data["status"] == "nouveau"
    assert data["channel"] == "api" and data["track"] == "technique" and data["priority"] == 1
    listed = api_for(director).get(tickets_url(crisis), {"priority": 1, "category": "telephonie", "q": "dect"})
    assert [t["id"] for t in listed.json()["results"]] == [data["id"]]
    assert api_for(director).get(tickets_url(crisis), {"status": "clos"}).json()["results"] == []
    assert api_for(director).get(tickets_url(crisis), {"priority": 9}).status_code == 400


def test_patch_a_forbidden_move_is_a_400_naming_the_allowed_ones(crisis, ticket, dsi):
    url = f"{tickets_url(crisis)}{ticket.pk}/"
    refused = api_for(dsi).patch(url, {"status": "clos"}, format="json")
    assert refused.status_code == 400
    assert "qualifié" in refused.content.decode() and "en cours" in refused.content.decode()
    moved = api_for(dsi).patch(url, {"status": "qualifie", "assigned_to": dsi.pk, "answer": "Vu."}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "qualifie" and moved.json()["assigned_to"] == dsi.pk


def test_delete_is_405_and_people_outside_get_404_readers_403(crisis, ticket, observer, outsider, dsi):
    url = f"{tickets_url(crisis)}{ticket.pk}/"
    assert api_for(dsi).delete(url).status_code == 405
    assert api_for(outsider).get(url).status_code == 404
    assert api_for(outsider).post(tickets_url(crisis), {}, format="json").status_code == 404
    assert api_for(observer).get(url).status_code == 200
    assert api_for(observer).patch(url, {"status": "qualifie"}, format="json").status_code == 403
    assert api_for(observer).post(tickets_url(crisis), {"description": "x"}, format="json").status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "nouveau"


def test_bad_bodies_are_400_with_field_errors(crisis, nurse):
    answer = api_for(nurse).post(
        tickets_url(crisis), {"reporter_name": 3, "description": "", "priority": 7, "service": 999}, format="json"
    )
    assert answer.status_code == 400
    assert {"reporter_name", "description", "priority"} <= set(answer.json())
    assert not Ticket.objects.exists()


def test_merge_and_escalate(crisis, establishment, ticket, nurse, dsi, director):
    other = services.ticket_create(establishment=establishment, by=nurse, reporter_name="Paul", description="DPI")
    merged = api_for(dsi).post(f"{tickets_url(crisis)}{other.pk}/merge/", {"into": ticket.pk}, format="json")
    assert merged.status_code == 200 and merged.json()["id"] == ticket.pk
    assert merged.json()["reporters"] == ["Inès Infirmière", "Paul"]
    assert api_for(dsi).post(f"{tickets_url(crisis)}{other.pk}/merge/", {"into": 0}, format="json").status_code == 400
    assert api_for(dsi).post(f"{tickets_url(crisis)}{ticket.pk}/escalate/").status_code == 403
    escalated = api_for(director).post(f"{tickets_url(crisis)}{ticket.pk}/escalate/")
    assert escalated.status_code == 201 and escalated.json()["rida_line"]
    again = api_for(director).post(f"{tickets_url(crisis)}{ticket.pk}/escalate/")
    assert again.status_code == 200 and again.json()["rida_line"] == escalated.json()["rida_line"]


def test_top_incidents(crisis, ticket, director):
    answer = api_for(director).get(f"{tickets_url(crisis)}top/", {"hours": 72})
    assert answer.status_code == 200
    [group] = answer.json()
    assert {"category", "application", "count", "tickets", "score"} <= set(group)
    assert group["application"] == "DPI" and group["count"] == 1 and group["tickets"][0]["number"] == "T-0001"
    assert api_for(director).get(f"{tickets_url(crisis)}top/", {"hours": "x"}).status_code == 400


# --- alerts -----------------------------------------------------------------------------

ALERT = {
    "external_id": "EDR-1",
    "host": "PC-URG-12",
    "user": "jdupont",
    "severity": "critique",
    "title": "Chiffrement massif de fichiers",
    "detected_at": "2026-12-06T03:10:00Z",
    "payload": {"rule": "ransomware.behaviour", "files": 1200},
}


def test_a_pushed_alert_is_stored_once(source):
    _source, token = source
    first = source_client(token).post("/api/alerts/", ALERT, format="json")
    assert first.status_code == 201, first.content
    second = source_client(token).post("/api/alerts/", ALERT, format="json")
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Alert.objects.count() == 1


def test_the_token_is_kept_hashed_only(source):
    created, token = source
    assert token not in created.token_hash and created.token_hash == services.token_digest(token)


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "enorme"},
        {"detected_at": "hier"},
        {"payload": {"blob": "x" * 70_000}},
        {"payload": [1, 2]},
        {"external_id": ""},
        {"title": None},
    ],
)
def test_bad_pushes_are_400_with_field_errors(source, change):
    _source, token = source
    answer = source_client(token).post("/api/alerts/", ALERT | change, format="json")
    assert answer.status_code == 400 and set(change) <= set(answer.json())
    assert not Alert.objects.exists()


def test_a_source_token_gets_403_anywhere_else(source, crisis, establishment):
    _source, token = source
    client = source_client(token)
    assert client.get(tickets_url(crisis)).status_code == 403
    assert client.get(f"/api/establishments/{establishment.pk}/alerts/").status_code == 403
    assert client.get("/api/alerts/").status_code == 403
    assert source_client("soc_wrong").post("/api/alerts/", ALERT, format="json").status_code == 401


def test_a_member_cannot_push_and_anonymous_gets_401(director):
    assert api_for(director).post("/api/alerts/", ALERT, format="json").status_code in (401, 403)
    from rest_framework.test import APIClient

    assert APIClient().get("/api/establishments/1/alerts/").status_code == 401


def test_a_source_pushes_only_for_its_establishment(source, other_establishment, outsider):
    _source, token = source
    source_client(token).post("/api/alerts/", ALERT, format="json")
    assert api_for(outsider).get(f"/api/establishments/{other_establishment.pk}/alerts/").json()["results"] == []


def test_list_patch_and_report(source, establishment, dsi, observer, outsider):
    _source, token = source
    alert_id = source_client(token).post("/api/alerts/", ALERT, format="json").json()["id"]
    base = f"/api/establishments/{establishment.pk}/alerts/"
    assert [a["id"] for a in api_for(dsi).get(base, {"severity": "critique", "host": "URG"}).json()["results"]] == [
        alert_id
    ]
    assert api_for(dsi).get(base, {"since": "nope"}).status_code == 400
    assert api_for(observer).patch(f"{base}{alert_id}/", {"status": "confirmee"}, format="json").status_code == 403
    assert api_for(outsider).get(f"{base}{alert_id}/").status_code == 404
    assert api_for(dsi).delete(f"{base}{alert_id}/").status_code == 405
    patched = api_for(dsi).patch(f"{base}{alert_id}/", {"status": "resolue", "host_isolated": True}, format="json")
    assert patched.status_code == 200 and patched.json()["status"] == "resolue" and patched.json()["host_isolated_at"]
    assert api_for(dsi).patch(f"{base}{alert_id}/", {"status": "nouvelle"}, format="json").status_code == 400
    report = api_for(dsi).get(f"{base}report/", {"month": "2026-12"}).json()
    assert report["received"] == 1 and report["by_severity"]["critique"] == 1
    assert set(report) >= {
        "received",
        "resolved",
        "false_positives",
        "by_severity",
        "by_host",
        "median_minutes_to_resolve",
    }
    assert api_for(dsi).get(f"{base}report/", {"month": "2026-13"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_concurrent_pushes_of_one_alert_leave_one_row(establishment):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL")
    _source, token = services.alert_source_create(establishment=establishment, name="EDR")
    barrier, codes = threading.Barrier(6), []

    def push():
        try:
            barrier.wait()
            codes.append(source_client(token).post("/api/alerts/", ALERT, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=push) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] * 5 + [201]
    assert Alert.objects.count() == 1


def test_application_by_id_of_the_map_or_free_text(crisis, establishment, other_establishment, nurse):
    from continuity.models import Application

    dpi = Application.objects.create(establishment=establishment, name="DPI")
    pacs = Application.objects.create(establishment=other_establishment, name="PACS")
    body = {"reporter_name": "Inès", "description": "Lenteur", "application_id": dpi.pk}
    created = api_for(nurse).post(tickets_url(crisis), body, format="json").json()
    assert created["application"] == "DPI" and created["application_id"] == dpi.pk
    refused = api_for(nurse).post(tickets_url(crisis), body | {"application_id": pacs.pk}, format="json")
    assert refused.status_code == 400 and "application_id" in refused.json()


def test_the_command_prints_the_token_once_and_keeps_its_hash(establishment, capsys):
    from django.core.management import CommandError, call_command

    from tickets.models import AlertSource

    call_command("create_alert_source", establishment.short_name, "SOC Régional")
    token = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    source = AlertSource.objects.get()
    assert token.startswith("soc_") and source.token_hash == services.token_digest(token)
    assert token not in str(AlertSource.objects.values_list().get())
    assert source_client(token).post("/api/alerts/", ALERT, format="json").status_code == 201
    with pytest.raises(CommandError):
        call_command("create_alert_source", establishment.short_name, "SOC Régional")
    with pytest.raises(CommandError):
        call_command("create_alert_source", "NOPE", "EDR")


def test_a_source_created_in_the_admin_shows_its_token_once(client, establishment):
    from django.contrib.auth import get_user_model

    from tickets.models import AlertSource

    admin = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(admin)
    answer = client.post(
        "/admin/tickets/alertsource/add/",
        {"establishment": establishment.pk, "name": "EDR", "is_active": "on"},
        follow=True,
    )
    assert answer.status_code == 200
    token = next(str(m) for m in answer.context["messages"]).rsplit(" ", 1)[-1]
    assert AlertSource.objects.get().token_hash == services.token_digest(token)


def test_the_meeting_agenda_api_lists_new_signalements_through_the_core_hook(crisis, ticket, director):
    from datetime import timedelta

    from django.utils import timezone

    from crisis.models import Meeting

    meeting = Meeting.objects.create(crisis=crisis, scheduled_at=timezone.now() + timedelta(minutes=10))
    agenda = api_for(director).get(f"/api/crises/{crisis.pk}/meetings/{meeting.pk}/agenda/").json()
    section = next(s for s in agenda["sections"] if s["key"] == "new_signalements")
    assert [(i["type"], i["id"]) for i in section["items"]] == [("signalement", ticket.pk)]
    assert section["items"][0]["label"].startswith("T-0001")


@pytest.mark.parametrize("body", ['{"external_id": ', "[1, 2, 3]", '"text"', "null"])
def test_malformed_pushes_are_400_never_500(source, body):
    _source, token = source
    answer = source_client(token).post("/api/alerts/", body, content_type="application/json")
    assert answer.status_code == 400
    assert not Alert.objects.exists()
