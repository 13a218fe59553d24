"""The RIDA, meetings and decisions API: the contract's names, permissions, bad input, exports read back."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from crisis import services
from crisis.models import JournalEntry, RidaLine

HUGE_ID = 2**70


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_login(user)
    return api


def rida_url(crisis):
    return reverse("crisis:api-rida-list", args=[crisis.pk])


def line_url(line):
    return reverse("crisis:api-rida-line", args=[line.crisis_id, line.pk])


def add(crisis, by, text="Prévenir la pharmacie.", **fields):
    return services.rida_create(crisis=crisis, by=by, text=text, **fields)


def test_a_member_creates_a_line_with_the_contracts_fields(api, crisis, scribe, director):
    entry = services.journal_append(crisis=crisis, by=scribe, text="Le standard est saturé.")
    due = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    response = as_user(api, scribe).post(
        rida_url(crisis),
        {
            "kind": "action",
            "theme": "Téléphonie",
            "text": "Ouvrir une deuxième ligne.",
            "source_entry": entry.pk,
            "owner": director.pk,
            "due_at": due.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "RIDA-001" and body["kind"] == "action" and body["status"] == "a_faire"
    assert body["source_entry"] == entry.pk and body["owner"] == director.pk
    assert body["owner_label"] == "Claire Directrice" and body["created_by"] == scribe.pk
    for name in ("id", "theme", "text", "due_at", "answer", "answered_at", "abandon_reason", "meeting", "created_at"):
        assert name in body


def test_the_list_filters_by_kind_status_owner_overdue_and_text(api, crisis, director, scribe):
    late = add(
        crisis, director, text="Étiqueter les prélèvements.", owner=scribe, due_at=timezone.now() - timedelta(hours=1)
    )
    add(crisis, director, kind="information", text="Le PRIS arrive demain.")
    add(crisis, director, text="Autre action", status="en_cours")
    client = as_user(api, director)

    def ids(**params):
        response = client.get(rida_url(crisis), params)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(overdue=1) == [late.pk]
    assert ids(owner=scribe.pk) == [late.pk]
    assert ids(q="etiqueter PRELEVEMENTS") == [late.pk]
    assert len(ids(kind="information")) == 1 and len(ids(status="en_cours")) == 1
    assert len(ids()) == 3


def test_bad_filters_are_a_400_not_a_500(api, crisis, director):
    client = as_user(api, director)
    for params in ({"kind": "x"}, {"status": "ferme"}, {"owner": HUGE_ID}, {"overdue": "peut-etre"}):
        response = client.get(rida_url(crisis), params)
        assert response.status_code == 400, params
        assert list(response.json()) == list(params)


def test_bad_input_is_a_400_with_field_errors_and_nothing_saved(api, crisis, director, outsider):
    client = as_user(api, director)
    cases = [
        ({"text": ""}, "text"),
        ({"text": "x", "kind": "tache"}, "kind"),
        ({"text": "x", "owner": outsider.pk}, "owner"),
        ({"text": "x", "owner": HUGE_ID}, "owner"),
        ({"text": "x", "status": "abandonne"}, "abandon_reason"),
        ({"text": "x", "due_at": "demain"}, "due_at"),
        ({"text": "x", "source_entry": 999999}, "source_entry"),
        ({"text": "x", "owner": director.pk, "owner_label": "Pharmacie"}, "owner_other"),
    ]
    for data, field in cases:
        response = client.post(rida_url(crisis), data, format="json")
        assert response.status_code == 400, data
        assert field in response.json(), (data, response.json())
    assert not RidaLine.objects.exists()


def test_patch_changes_status_owner_due_and_answer(api, crisis, director, scribe):
    line = add(crisis, director)
    due = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    response = as_user(api, director).patch(
        line_url(line),
        {"status": "en_cours", "owner": scribe.pk, "due_at": due.isoformat(), "answer": "En cours."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["owner"], body["answer"]) == ("en_cours", scribe.pk, "En cours.")
    assert body["answered_at"] is not None


def test_abandon_without_a_reason_is_a_400_and_delete_is_a_405(api, crisis, director):
    line = add(crisis, director)
    client = as_user(api, director)
    response = client.patch(line_url(line), {"status": "abandonne"}, format="json")
    assert response.status_code == 400 and "abandon_reason" in response.json()
    assert client.delete(line_url(line)).status_code == 405
    ok = client.patch(line_url(line), {"status": "abandonne", "abandon_reason": "Doublon."}, format="json")
    assert ok.status_code == 200 and ok.json()["abandon_reason"] == "Doublon."
    assert RidaLine.objects.filter(pk=line.pk).exists()


def test_the_history_lists_each_field_change(api, crisis, director, scribe):
    line = add(crisis, director)
    services.rida_update(line=line, by=scribe, status="en_cours")
    response = as_user(api, director).get(reverse("crisis:api-rida-history", args=[crisis.pk, line.pk]))
    assert response.status_code == 200
    rows = response.json()
    assert {"at", "by", "field", "before", "after"} <= set(rows[0])
    assert (rows[0]["field"], rows[0]["before"], rows[0]["after"], rows[0]["by"]) == (
        "status",
        "a_faire",
        "en_cours",
        scribe.pk,
    )
    assert any(row["action"] == "create" and row["field"] == "text" for row in rows)


def test_the_observer_reads_and_cannot_write(api, crisis, director, observer):
    line = add(crisis, director)
    client = as_user(api, observer)
    assert client.get(rida_url(crisis)).status_code == 200
    assert client.get(line_url(line)).status_code == 200
    assert client.post(rida_url(crisis), {"text": "x"}, format="json").status_code == 403
    assert client.patch(line_url(line), {"status": "fait"}, format="json").status_code == 403
    assert client.patch(line_url(line), {"status": "nimporte"}, format="json").status_code == 403
    meetings = reverse("crisis:api-meeting-list", args=[crisis.pk])
    assert client.post(meetings, {"scheduled_at": timezone.now().isoformat()}, format="json").status_code == 403
    decisions = reverse("crisis:api-decision-list", args=[crisis.pk])
    assert client.post(decisions, {"gate": "coupure_reseau"}, format="json").status_code == 403
    assert client.get(decisions).status_code == 200


def test_an_owner_without_rida_rights_updates_the_follow_up_of_their_own_line_only(api, crisis, director, pris):
    own = add(crisis, director, owner=pris)
    other = add(crisis, director)
    client = as_user(api, pris)
    assert (
        client.patch(line_url(own), {"status": "fait", "answer": "Analyse rendue."}, format="json").status_code == 200
    )
    assert client.patch(line_url(own), {"due_at": None}, format="json").status_code == 403
    assert client.patch(line_url(other), {"status": "fait"}, format="json").status_code == 403


def test_an_outsider_gets_404_everywhere(api, crisis, director, outsider):
    line = add(crisis, director)
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    client = as_user(api, outsider)
    urls = [
        rida_url(crisis),
        line_url(line),
        reverse("crisis:api-rida-history", args=[crisis.pk, line.pk]),
        reverse("crisis:api-rida-export", args=[crisis.pk]) + "?format=csv",
        reverse("crisis:api-meeting-list", args=[crisis.pk]),
        reverse("crisis:api-meeting-agenda", args=[crisis.pk, meeting.pk]),
        reverse("crisis:api-decision-list", args=[crisis.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.patch(line_url(line), {"status": "fait"}, format="json").status_code == 404
    assert client.delete(line_url(line)).status_code == 404
    assert client.post(reverse("crisis:api-meeting-start", args=[crisis.pk, meeting.pk])).status_code == 404
    assert (
        client.post(reverse("crisis:api-decision-list", args=[crisis.pk]), {"gate": "coupure_reseau"}).status_code
        == 404
    )


def test_a_line_of_another_crisis_is_a_404(api, crisis, director, establishment):
    other = services.crisis_create(establishment=establishment, by=director, title="Autre crise")
    line = add(other, director)
    url = reverse("crisis:api-rida-line", args=[crisis.pk, line.pk])
    assert as_user(api, director).get(url).status_code == 404


# --- exports ---------------------------------------------------------------------


def test_the_xlsx_export_has_every_field_real_dates_a_frozen_header_and_the_filters(api, crisis, director, scribe):
    due = timezone.now() + timedelta(hours=2)
    entry = services.journal_append(crisis=crisis, by=scribe, text="Appel des urgences.")
    add(
        crisis,
        director,
        text="Réquisitionner des coursiers.",
        owner=scribe,
        due_at=due,
        source_entry=entry,
        theme="Logistique",
    )
    add(crisis, director, kind="information", text="Ne doit pas sortir.")
    response = as_user(api, director).get(
        reverse("crisis:api-rida-export", args=[crisis.pk]), {"format": "xlsx", "kind": "action"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("Numéro", "Type", "Thème", "Texte", "Source", "Porteur", "Échéance", "Statut")
    assert len(rows) == 2
    assert rows[1][0] == "RIDA-001" and rows[1][3] == "Réquisitionner des coursiers."
    assert rows[1][4] == f"Main courante n° {entry.seq}" and rows[1][5] == "Sam Secrétaire"
    assert rows[1][6] == timezone.localtime(due).replace(tzinfo=None, microsecond=rows[1][6].microsecond)
    assert sheet.freeze_panes == "A2"


def test_the_csv_export_is_utf8_with_bom_and_semicolons(api, crisis, director):
    add(crisis, director, text="Prévenir l'équipe ; puis rappeler", theme="Sécurité")
    response = as_user(api, director).get(reverse("crisis:api-rida-export", args=[crisis.pk]), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Numéro" and rows[1][0] == "RIDA-001"
    assert rows[1][2] == "Sécurité" and rows[1][3] == "Prévenir l'équipe ; puis rappeler"


@pytest.mark.parametrize(
    ("language", "text", "cell_format"),
    [("fr", "16/12/2030 17:37", "dd/mm/yyyy hh:mm"), ("en", "16 Dec 2030 17:37", "d mmm yyyy hh:mm")],
)
def test_the_exports_write_dates_in_the_readers_language(crisis, director, language, text, cell_format):
    from crisis import exports

    add(crisis, director, due_at=datetime(2030, 12, 16, 17, 37, tzinfo=ZoneInfo("Europe/Paris")))
    lines = RidaLine.objects.filter(crisis=crisis)
    with translation.override(language):
        rows = list(csv.reader(io.StringIO(exports.rida_csv(lines).decode("utf-8-sig")), delimiter=";"))
        sheet = load_workbook(io.BytesIO(exports.rida_xlsx(lines, title="RIDA"))).active
    assert rows[1][6] == text
    assert sheet["G2"].number_format == cell_format


def test_an_unknown_export_format_is_a_400(api, crisis, director):
    response = as_user(api, director).get(reverse("crisis:api-rida-export", args=[crisis.pk]), {"format": "pdf"})
    assert response.status_code == 400 and "format" in response.json()


# --- meetings and decisions ----------------------------------------------------------


def test_a_meeting_is_created_started_and_ended_with_its_overrun(api, crisis, director, scribe):
    client = as_user(api, director)
    scheduled = timezone.now() - timedelta(minutes=40)
    response = client.post(
        reverse("crisis:api-meeting-list", args=[crisis.pk]),
        {
            "kind": "point_technique",
            "scheduled_at": scheduled.isoformat(),
            "chair": director.pk,
            "attendees": [scribe.pk],
            "guests": ["ANSSI", "ARS"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    meeting = response.json()
    assert (
        meeting["max_minutes"] == 30 and meeting["guests"] == ["ANSSI", "ARS"] and meeting["attendees"] == [scribe.pk]
    )
    start = client.post(
        reverse("crisis:api-meeting-start", args=[crisis.pk, meeting["id"]]),
        {"started_at": scheduled.isoformat()},
        format="json",
    )
    assert start.status_code == 200 and start.json()["started_at"]
    end_url = reverse("crisis:api-meeting-end", args=[crisis.pk, meeting["id"]])
    end = client.post(end_url, {"ended_at": (scheduled + timedelta(minutes=40)).isoformat()}, format="json")
    assert end.status_code == 200
    assert end.json()["ended_at"] and end.json()["overrun_minutes"] == 10
    again = client.post(end_url, {}, format="json")
    assert again.status_code == 400 and "ended_at" in again.json()


def test_meeting_bad_input_is_a_400(api, crisis, director, outsider):
    client = as_user(api, director)
    url = reverse("crisis:api-meeting-list", args=[crisis.pk])
    for data, field in [
        ({}, "scheduled_at"),
        ({"scheduled_at": "x"}, "scheduled_at"),
        ({"scheduled_at": timezone.now().isoformat(), "max_minutes": 0}, "max_minutes"),
        ({"scheduled_at": timezone.now().isoformat(), "attendees": [outsider.pk]}, "attendees"),
        ({"scheduled_at": timezone.now().isoformat(), "kind": "pot"}, "kind"),
    ]:
        response = client.post(url, data, format="json")
        assert response.status_code == 400 and field in response.json(), data


def test_the_agenda_lists_its_sections(api, crisis, director):
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now(), agenda_items=["Presse"])
    late = add(crisis, director, due_at=timezone.now() - timedelta(hours=1))
    response = as_user(api, director).get(reverse("crisis:api-meeting-agenda", args=[crisis.pk, meeting.pk]))
    assert response.status_code == 200
    sections = {s["key"]: s for s in response.json()["sections"]}
    assert list(sections) == ["actions_due", "decisions_to_confirm", "new_signalements", "free_items"]
    assert [item["id"] for item in sections["actions_due"]["items"]] == [late.pk]
    assert sections["new_signalements"]["items"] == []
    assert sections["free_items"]["items"][0]["label"] == "Presse"


def test_a_decision_writes_the_journal_and_a_d_line_and_shows_in_the_state(api, crisis, director):
    client = as_user(api, director)
    url = reverse("crisis:api-decision-list", args=[crisis.pk])
    reassess = timezone.now() + timedelta(hours=12)
    response = client.post(
        url, {"gate": "urgences_fermees", "reassess_at": reassess.isoformat(), "details": "24 h"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    entry = JournalEntry.objects.get(pk=body["journal_entry"])
    line = RidaLine.objects.get(pk=body["rida_line"])
    assert entry.kind == "decision" and "Urgences fermées" in entry.text
    assert line.kind == "decision" and line.due_at == reassess and line.source_entry == entry
    state = client.get(url).json()
    gates = {g["gate"]: g for g in state["state"]}
    assert gates["urgences_fermees"]["in_effect"] is True and gates["urgences_rouvertes"]["in_effect"] is False
    assert state["reassessment_due"] is False and state["results"][0]["id"] == body["id"]


def test_closing_the_emergency_department_without_a_reassessment_time_is_a_400(api, crisis, director):
    client = as_user(api, director)
    url = reverse("crisis:api-decision-list", args=[crisis.pk])
    for data, field in [
        ({"gate": "urgences_fermees"}, "reassess_at"),
        ({"gate": "fermer"}, "gate"),
        ({"gate": "reconnexion_internet"}, "opinion"),
        ({"gate": "detournement_patients", "pathway": "SMUR"}, "destination"),
    ]:
        response = client.post(url, data, format="json")
        assert response.status_code == 400 and field in response.json(), data
    assert (
        not JournalEntry.objects.filter(crisis=crisis, kind="decision").exclude(text__startswith="Ouverture").exists()
    )


def test_a_scribe_without_decision_rights_gets_403_on_decisions(api, crisis, scribe):
    response = as_user(api, scribe).post(
        reverse("crisis:api-decision-list", args=[crisis.pk]), {"gate": "coupure_reseau"}
    )
    assert response.status_code == 403
