"""The crisis API's main courante: appending, correcting, reading, filtering, attachments; append-only."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from crisis import services
from crisis.models import JournalEntry, Phase
from tests.conftest import image_bytes

from .api_helpers import append, as_user, entry_url, journal_url

HUGE_ID = 2**70
PNG = image_bytes()


# --- journal: writing -------------------------------------------------------


def test_the_scribe_appends_an_entry(api, scribe, crisis):
    payload = {
        "text": "Appel du laboratoire : fichiers chiffrés.",
        "kind": "fait",
        "priority": "urgent",
        "channel": "telephone",
        "sender": "Laboratoire",
        "recipient": "Astreinte informatique",
        "occurred_at": "2025-03-02T03:00:00+01:00",
    }
    response = as_user(api, scribe).post(journal_url(crisis), payload, format="json")
    assert response.status_code == 201
    body = response.json()
    first = crisis.journal_entries.get(seq=1)
    assert body["seq"] == 2
    assert body["recorded_by"] == {"id": scribe.pk, "username": "scribe", "full_name": "Sam Secrétaire"}
    assert body["priority"] == "urgent"
    assert body["sender"] == "Laboratoire"
    assert body["prev_hash"] == first.hash
    assert body["hash"] == JournalEntry.objects.get(pk=body["id"]).hash
    assert body["is_corrected"] is False
    assert body["corrects"] is None
    assert body["attachment"] is None
    assert body["phase"] == Phase.ALERTE


def test_an_entry_can_carry_a_photo_of_a_paper_note(api, scribe, crisis):
    upload = SimpleUploadedFile("note.png", PNG, content_type="image/png")
    response = as_user(api, scribe).post(journal_url(crisis), {"text": "Fiche papier", "attachment": upload})
    assert response.status_code == 201
    assert "/attachment/" in response.json()["attachment"] and "/media/" not in response.json()["attachment"]


def test_it_refuses_an_attachment_whose_content_lies_about_its_type(api, scribe, crisis):
    upload = SimpleUploadedFile("note.png", b"MZ not a picture", content_type="image/png")
    response = as_user(api, scribe).post(journal_url(crisis), {"text": "Fiche papier", "attachment": upload})
    assert response.status_code == 400
    assert "attachment" in response.json()


def test_it_refuses_journal_writes_to_a_read_only_member(api, observer, crisis):
    response = as_user(api, observer).post(journal_url(crisis), {"text": "Je ne devrais pas"}, format="json")
    assert response.status_code == 403
    assert crisis.journal_entries.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"kind": "rumeur"}, "kind"),
        ({"priority": "vital"}, "priority"),
        ({"channel": "pigeon"}, "channel"),
        ({"sender": "x" * 201}, "sender"),
        ({"occurred_at": "demain 8h"}, "occurred_at"),
        ({"occurred_at": "2025-02-30T10:00:00"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00"}, "occurred_at"),
        ({"corrects": "premier"}, "corrects"),
        ({"corrects": HUGE_ID}, "corrects"),
        ({"text": "\x00\x01 "}, "text"),  # control characters are dropped: nothing is left
    ],
)
def test_it_answers_400_with_field_errors_on_bad_journal_input(api, scribe, crisis, payload, field):
    body = {"text": "Ligne valide", **payload}
    response = as_user(api, scribe).post(journal_url(crisis), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert crisis.journal_entries.count() == 1


def test_it_refuses_an_event_time_in_the_future(api, scribe, crisis):
    later = (timezone.now() + timedelta(hours=2)).isoformat()
    response = as_user(api, scribe).post(journal_url(crisis), {"text": "Prévu", "occurred_at": later}, format="json")
    assert response.status_code == 400
    assert "futur" in response.json()["occurred_at"][0]


def test_it_answers_400_on_malformed_json(api, scribe, crisis):
    response = as_user(api, scribe).post(journal_url(crisis), '{"text": ', content_type="application/json")
    assert response.status_code == 400


def test_a_correction_points_at_the_entry_it_corrects_and_both_stay(api, scribe, director, crisis):
    original = append(crisis, director, "Serveur de messagerie chiffré.", kind="fait", priority="urgent")
    response = as_user(api, scribe).post(
        journal_url(crisis), {"text": "Rectificatif : messagerie intacte.", "corrects": original.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["corrects"] == original.pk
    assert body["corrects_seq"] == original.seq
    # A correction keeps the corrected entry's kind and priority unless told otherwise.
    assert (body["kind"], body["priority"]) == ("fait", "urgent")

    shown = api.get(entry_url(original)).json()
    assert shown["is_corrected"] is True
    assert shown["text"] == "Serveur de messagerie chiffré."


def test_it_refuses_to_correct_an_entry_of_another_crisis(api, director, crisis, exercise):
    elsewhere = append(exercise, director, "Ligne de l'exercice")
    response = as_user(api, director).post(
        journal_url(crisis), {"text": "Correction", "corrects": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400
    assert "corrects" in response.json()
    assert crisis.journal_entries.count() == 1
    assert exercise.journal_entries.count() == 2


def test_it_does_not_reveal_an_entry_of_another_hospital_through_corrects(api, director, crisis, other_crisis):
    foreign = other_crisis.journal_entries.get()
    response = as_user(api, director).post(
        journal_url(crisis), {"text": "Correction", "corrects": foreign.pk}, format="json"
    )
    missing = api.post(journal_url(crisis), {"text": "Correction", "corrects": 999_999}, format="json")
    assert response.status_code == missing.status_code == 400
    assert response.json() == missing.json()


# --- journal: reading -------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted(api, director, crisis):
    entry = append(crisis, director)
    as_user(api, director)
    assert api.put(entry_url(entry), {"text": "Réécrit"}, format="json").status_code == 405
    assert api.patch(entry_url(entry), {"text": "Réécrit"}, format="json").status_code == 405
    assert api.delete(entry_url(entry)).status_code == 405
    assert api.put(journal_url(crisis), {"text": "Réécrit"}, format="json").status_code == 405
    assert api.delete(journal_url(crisis)).status_code == 405
    entry.refresh_from_db()
    assert entry.text == "Le laboratoire signale des fichiers chiffrés."
    assert crisis.journal_entries.count() == 2


def test_a_member_reads_one_entry(api, observer, director, crisis):
    entry = append(crisis, director)
    response = as_user(api, observer).get(entry_url(entry))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["seq"], body["text"]) == (entry.pk, 2, entry.text)
    assert body["recorded_by"]["full_name"] == "Claire Directrice"


def test_an_entry_is_only_found_under_its_own_crisis(api, director, crisis, exercise):
    entry = append(exercise, director)
    url = reverse("crisis:api-journal-entry", args=[crisis.pk, entry.pk])
    assert as_user(api, director).get(url).status_code == 404


def test_the_journal_lists_newest_first(api, observer, director, crisis):
    append(crisis, director, "deuxième")
    append(crisis, director, "troisième")
    response = as_user(api, observer).get(journal_url(crisis))
    assert response.status_code == 200
    assert [e["seq"] for e in response.json()["results"]] == [3, 2, 1]
    assert response.json()["next"] is None


def test_the_journal_pages_by_keyset_without_gaps_or_repeats(api, observer, director, crisis):
    for n in range(6):
        append(crisis, director, f"ligne {n}")
    as_user(api, observer)
    seen, url = [], journal_url(crisis) + "?limit=3&kind=fait"
    while url:
        page = api.get(url).json()
        seen += [e["seq"] for e in page["results"]]
        url = page["next"]
    assert seen == [7, 6, 5, 4, 3, 2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=decision", [1]),
        ("priority=urgent", [3]),
        ("q=standard", [3]),
        ("q=ARS", [2]),
        ("since=2025-03-02T04:00:00%2B01:00", [3, 1]),
        ("until=2025-03-02T04:00:00%2B01:00", [2]),
        ("since=2025-03-02T02:00:00%2B01:00&until=2025-03-02T03:30:00%2B01:00", [2]),
    ],
)
def test_the_journal_filters(api, observer, director, scribe, crisis, query, expected):
    night = timezone.datetime(2025, 3, 2, 3, 0, tzinfo=timezone.get_fixed_timezone(60))
    append(crisis, scribe, "Point ARS", kind="information", recipient="ARS", occurred_at=night)
    append(crisis, director, "Standard saturé", priority="urgent", occurred_at=night + timedelta(hours=2))
    response = as_user(api, observer).get(f"{journal_url(crisis)}?{query}")
    assert response.status_code == 200
    assert [e["seq"] for e in response.json()["results"]] == expected


def test_the_journal_filters_by_author(api, observer, director, scribe, crisis):
    append(crisis, scribe, "Saisie de la secrétaire")
    response = as_user(api, observer).get(f"{journal_url(crisis)}?author={scribe.pk}")
    assert [e["recorded_by"]["username"] for e in response.json()["results"]] == ["scribe"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=rumeur", "kind"),
        ("since=hier", "since"),
        ("author=moi", "author"),
        (f"author={HUGE_ID}", "author"),
        (f"before={HUGE_ID}", "before"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("since=2025-03-02T10:00:00&until=2025-03-01T10:00:00", "until"),
        ("q=%00", "q"),
    ],
)
def test_it_answers_400_on_bad_journal_filters(api, observer, crisis, query, field):
    response = as_user(api, observer).get(f"{journal_url(crisis)}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_an_attachment_is_linked_through_the_access_checked_address(api, crisis, scribe):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = services.journal_append(
        crisis=crisis,
        by=scribe,
        text="Note papier",
        attachment=SimpleUploadedFile("n.png", PNG),
    )
    api.force_authenticate(scribe)
    data = api.get(f"/api/crises/{crisis.pk}/journal/{entry.pk}/").json()
    assert data["attachment"].endswith(reverse("crisis:api-journal-attachment", args=[crisis.pk, entry.pk]))
    assert "/media/" not in data["attachment"] and data["attachment_sha256"] == entry.attachment_sha256
    download = api.get(data["attachment"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_an_outsider_cannot_fetch_an_attachment(api, crisis, scribe, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = services.journal_append(
        crisis=crisis,
        by=scribe,
        text="Note",
        attachment=SimpleUploadedFile("n.png", PNG),
    )
    api.force_authenticate(outsider)
    assert api.get(reverse("crisis:api-journal-attachment", args=[crisis.pk, entry.pk])).status_code == 404
