"""The comms pages: each works without JavaScript (forms post and redirect), answers 404 to an outsider and
403 to a member without the capability, and says what is wrong with bad input (400, nothing saved)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comms import services
from comms.models import CallList, ContactLogEntry, DirectoryEntry, FlashInfo, Message
from crisis.models import Service

from .conftest import url


@pytest.fixture
def recall(crisis, people, scribe):
    return services.call_list_create(crisis=crisis, by=scribe, title="Rappel", message="Venez", people=people[:3])


@pytest.fixture
def flash(crisis, scribe):
    return services.flash_create(crisis=crisis, by=scribe, still_down="DPI")


@pytest.fixture
def message(crisis, scribe, establishment):
    template = services.templates_of(establishment).get(kind="declaration_attente")
    return services.message_create(crisis=crisis, by=scribe, template=template)


def pages(crisis, recall, flash, message):
    return [
        url("directory", crisis.establishment_id),
        url("home", crisis.pk),
        url("call-lists", crisis.pk),
        url("call-list", crisis.pk, recall.pk),
        url("flash-list", crisis.pk),
        url("flash", crisis.pk, flash.pk),
        url("messages", crisis.pk),
        url("message", crisis.pk, message.pk),
        url("contacts-log", crisis.pk),
    ]


def test_every_page_shows_to_a_member_and_hides_from_an_outsider(
    client, crisis, recall, flash, message, observer, outsider
):
    client.force_login(observer)
    for page in pages(crisis, recall, flash, message):
        response = client.get(page)
        assert response.status_code == 200, page
    client.force_login(outsider)
    for page in pages(crisis, recall, flash, message):
        assert client.get(page).status_code == 404, page


def test_the_directory_page_searches_adds_and_imports(client, establishment, people, scribe, director, observer):
    client.force_login(scribe)
    found = client.get(url("directory", establishment.pk), {"q": "lefebvre"})
    assert "LEFÈVRE" in found.content.decode() and "CARPENTIER" not in found.content.decode()
    added = client.post(url("directory", establishment.pk), {"last_name": "Nouvelle", "mobile": "06 00 00 00 00"})
    assert added.status_code == 302 and DirectoryEntry.objects.filter(last_name="Nouvelle").exists()
    bad = client.post(url("directory", establishment.pk), {"last_name": "", "mobile": "x"})
    assert bad.status_code == 400
    csv = SimpleUploadedFile("a.csv", "nom;service\nBon;Urgences\n;Urgences\n".encode(), content_type="text/csv")
    assert client.post(url("directory", establishment.pk), {"import": "1", "file": csv}).status_code == 403
    client.force_login(director)
    csv.seek(0)
    report = client.post(url("directory", establishment.pk), {"import": "1", "file": csv, "dry_run": "on"})
    assert report.status_code == 200 and "ligne 3" in report.content.decode()
    assert not DirectoryEntry.objects.filter(last_name="Bon").exists()
    export = client.get(url("directory-export", establishment.pk))
    assert (
        export.status_code == 200 and "LEFÈVRE" not in export.content.decode() and "Lefèvre" in export.content.decode()
    )
    client.force_login(observer)
    assert client.post(url("directory", establishment.pk), {"last_name": "X"}).status_code == 403
    assert client.get(url("directory-export", establishment.pk)).status_code == 403


def test_a_call_list_is_made_from_a_service_and_worked_on_screen(
    client, crisis, establishment, people, scribe, observer
):
    client.force_login(scribe)
    urgences = Service.objects.get(establishment=establishment, name="Urgences")
    made = client.post(url("call-lists", crisis.pk), {"title": "Rappel urgences", "service": urgences.pk})
    assert made.status_code == 302
    the_list = CallList.objects.get(title="Rappel urgences")
    assert the_list.calls.count() == 3
    call = the_list.calls.first()
    page = url("call-list", crisis.pk, the_list.pk)
    assert client.post(page, {"call": call.pk, "outcome": "vient", "arrival": "20 min"}).status_code == 302
    call.refresh_from_db()
    assert (call.outcome, call.arrival) == ("vient", "20 min")
    assert client.post(page, {"call": call.pk, "outcome": "n'importe"}).status_code == 400
    assert client.post(url("call-lists", crisis.pk), {"title": "Sans personne"}).status_code == 400
    client.force_login(observer)
    assert client.post(page, {"call": call.pk, "outcome": "joint"}).status_code == 403


def test_flash_info_is_prepared_edited_and_published_from_its_page(client, crisis, scribe, director):
    client.force_login(scribe)
    assert client.post(url("flash-list", crisis.pk)).status_code == 302
    flash = FlashInfo.objects.get(crisis=crisis)
    page = url("flash", crisis.pk, flash.pk)
    assert client.post(page, {"incident_1": "DPI", "answer_1": "Papier", "still_down": "DPI"}).status_code == 302
    flash.refresh_from_db()
    assert flash.incidents == [{"title": "DPI", "answer": "Papier"}]
    assert client.post(page, {"action": "publish"}).status_code == 403
    client.force_login(director)
    assert client.post(page, {"action": "publish"}).status_code == 302
    flash.refresh_from_db()
    assert flash.status == "publie"
    assert client.post(page, {"action": "publish"}).status_code == 400


def test_a_message_is_drafted_filled_approved_published_and_acknowledged(
    client, crisis, establishment, scribe, director
):
    client.force_login(scribe)
    template = services.templates_of(establishment).get(kind="declaration_attente")
    assert client.post(url("messages", crisis.pk), {"template": template.pk}).status_code == 302
    message = Message.objects.get(crisis=crisis)
    page = url("message", crisis.pk, message.pk)
    client.force_login(director)
    refused = client.post(page, {"action": "approve"})
    assert refused.status_code == 400 and Message.objects.get(pk=message.pk).status == "brouillon"
    values = {f"v_{p}": "valeur" for p in services.placeholders(message.body)}
    assert client.post(page, {"title": message.title, "body": message.body, **values}).status_code == 302
    assert client.post(page, {"action": "approve"}).status_code == 302
    unit = Service.objects.filter(establishment=establishment).first()
    assert client.post(page, {"action": "publish", "channel": "papier", "units": [unit.pk]}).status_code == 302
    ack = Message.objects.get(pk=message.pk).acknowledgements.get()
    assert client.post(page, {"action": "ack", "ack": ack.pk, "by_name": "Cadre"}).status_code == 302
    ack.refresh_from_db()
    assert ack.acknowledged_at and ack.acknowledged_by == "Cadre"


def test_the_contacts_log_page(client, crisis, scribe, observer):
    client.force_login(scribe)
    body = {"direction": "entrant", "who": "Journaliste", "topic": "Fuite ?", "answer": "Orienté"}
    assert client.post(url("contacts-log", crisis.pk), body).status_code == 302
    assert client.post(url("contacts-log", crisis.pk), {"direction": "entrant"}).status_code == 400
    client.force_login(observer)
    assert client.post(url("contacts-log", crisis.pk), body).status_code == 403
    assert ContactLogEntry.objects.count() == 1


def test_the_dashboard_shows_the_comms_card(client, crisis, director, flash):
    services.flash_publish(flash=flash, by=director)
    client.force_login(director)
    page = client.get(f"/crises/{crisis.pk}/").content.decode()
    assert 'id="card-comms"' in page and "Flash info n°1" in page


def test_the_roster_shows_the_holders_numbers_from_the_directory(client, crisis, establishment, director, people):
    from crisis.models import Role
    from crisis.services import shift_start

    DirectoryEntryModel = type(people[0])
    DirectoryEntryModel.objects.filter(pk=people[0].pk).update(user=director, extension="1299")
    shift_start(crisis=crisis, by=director, role=Role.DIRECTEUR, holder=director)
    client.force_login(director)
    page = client.get(f"/crises/{crisis.pk}/cellule/").content.decode()
    assert "1299" in page and "06 12 34 56 01" in page


def test_an_entry_is_corrected_and_marked_checked_from_its_page(
    client, establishment, people, scribe, observer, outsider
):
    entry = people[1]
    page = url("directory-entry", establishment.pk, entry.pk)
    client.force_login(scribe)
    assert client.get(page).status_code == 200
    DirectoryEntry.objects.filter(pk=entry.pk).update(checked_at=None)
    assert client.post(page, {"checked": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.checked_at is not None
    body = {"last_name": "Carpentier", "first_name": "Inès", "mobile": "06 99 99 99 99"}
    assert client.post(page, body).status_code == 302
    entry.refresh_from_db()
    assert entry.mobile == "06 99 99 99 99" and "06 99 99 99 99" in client.get(page).content.decode()
    assert client.post(page, {"last_name": "", "mobile": "x"}).status_code == 400
    client.force_login(observer)
    assert client.get(page).status_code == 200 and client.post(page, {"checked": "1"}).status_code == 403
    client.force_login(outsider)
    assert client.get(page).status_code == 404


def test_the_call_list_s_poll_is_a_204_until_a_call_is_recorded(
    client, crisis, recall, scribe, django_assert_max_num_queries
):
    from crisis import live

    client.force_login(scribe)
    page = url("call-list", crisis.pk, recall.pk)
    version = live.version(crisis, ("comms",))
    with django_assert_max_num_queries(4):  # the session, the user, the counters
        assert client.get(page, {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    call = recall.calls.first()
    call.call_list = recall
    services.call_record(call=call, by=scribe, outcome="joint")
    fresh = client.get(page, {"v": version}, HTTP_HX_REQUEST="true")
    assert fresh.status_code == 200 and 'id="call-list-live"' in fresh.content.decode()
    assert "<html" not in fresh.content.decode()  # the live partial only


def test_the_establishment_s_home_counts_the_entries_to_check(client, establishment, people, observer):
    client.force_login(observer)
    page = client.get(f"/etablissements/{establishment.pk}/").content.decode()
    assert 'id="card-directory"' in page and "6 entrées" in page and "1 à vérifier" in page
