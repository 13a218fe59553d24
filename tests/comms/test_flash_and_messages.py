"""Flash info (numbering, draft, validation and publication rules, plain text), messages prepared ahead
(placeholders checked before approval, publication, acknowledgements) and the external contacts log."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comms import services
from comms.models import ContactLogEntry, FlashInfo, Message, MessageTemplate
from crisis.models import JournalEntry, Service

from .conftest import api_for, url

INCIDENTS = [{"title": "DPI inaccessible", "answer": "Prescriptions sur papier."}]


@pytest.fixture
def flash(crisis, scribe):
    return services.flash_create(crisis=crisis, by=scribe, incidents=INCIDENTS, still_down="Messagerie.")


def test_issues_are_numbered_per_crisis(crisis, exercise, scribe, flash):
    second = services.flash_create(crisis=crisis, by=scribe, zoom="Urgences sur papier.")
    other = services.flash_create(crisis=exercise, by=scribe, zoom="x")
    assert (flash.number, second.number, other.number) == (1, 2, 1)


def test_a_draft_is_prefilled_and_not_saved(crisis, flash):
    draft = services.flash_draft(crisis=crisis)
    assert draft["number"] == 2 and draft["status"] == "brouillon" and draft["next_due_at"] > timezone.now()
    assert {"incidents", "restored", "still_down", "zoom"} <= set(draft)
    assert FlashInfo.objects.filter(crisis=crisis).count() == 1


def test_publishing_validates_dates_and_journals_and_a_published_issue_is_frozen(crisis, director, flash):
    services.flash_publish(flash=flash, by=director)
    flash.refresh_from_db()
    assert flash.status == "publie" and flash.published_at and flash.validated_by == director and flash.next_due_at
    assert JournalEntry.objects.filter(crisis=crisis, text__contains="Flash info n°1").exists()
    with pytest.raises(ValidationError):
        services.flash_update(flash=flash, by=director, zoom="changé")
    with pytest.raises(ValidationError):
        services.flash_publish(flash=flash, by=director)


def test_an_empty_issue_is_neither_validated_nor_published(crisis, director):
    empty = services.flash_create(crisis=crisis, by=director)
    with pytest.raises(ValidationError):
        services.flash_validate(flash=empty, by=director)
    with pytest.raises(ValidationError):
        services.flash_publish(flash=empty, by=director)


def test_an_edit_after_validation_asks_for_validation_again(crisis, director, flash):
    services.flash_validate(flash=flash, by=director)
    services.flash_update(flash=flash, by=director, restored="Téléphonie.")
    flash.refresh_from_db()
    assert (flash.status, flash.validated_at) == ("brouillon", None)


def test_the_plain_text_version_reads_on_the_phone(crisis, director, flash):
    services.flash_publish(flash=flash, by=director)
    flash.refresh_from_db()
    text = services.flash_text(flash)
    assert text.startswith("FLASH INFO N°1") and "1. DPI inaccessible" in text and "Prescriptions sur papier." in text
    assert "TOUJOURS INDISPONIBLE\nMessagerie." in text and "Prochain numéro" in text


def test_the_flash_api(crisis, scribe, director, observer, outsider):
    client = api_for(scribe)
    draft = client.post(url("api-flash-draft", crisis.pk))
    assert draft.status_code == 200 and draft.json()["number"] == 1
    body = {"incidents": INCIDENTS, "zoom": "Laboratoire : coursiers.", "still_down": "DPI"}
    created = client.post(url("api-flash", crisis.pk), body, format="json")
    assert created.status_code == 201
    data = created.json()
    assert (data["number"], data["status"], data["published_at"]) == (1, "brouillon", None)
    assert {"incidents", "restored", "still_down", "zoom"} <= set(data)
    fid = data["id"]
    assert client.post(url("api-flash-publish", crisis.pk, fid)).status_code == 403  # scribe may not publish
    published = api_for(director).post(url("api-flash-publish", crisis.pk, fid))
    assert published.status_code == 200 and published.json()["status"] == "publie"
    assert api_for(director).post(url("api-flash-publish", crisis.pk, fid)).status_code == 400
    text = api_for(observer).get(url("api-flash-text", crisis.pk, fid))
    assert text.status_code == 200 and text["Content-Type"].startswith("text/plain") and "N°1" in text.content.decode()
    assert [f["number"] for f in api_for(observer).get(url("api-flash", crisis.pk)).json()] == [1]
    assert client.post(url("api-flash", crisis.pk), {"incidents": [{"answer": "x"}]}, format="json").status_code == 400
    assert api_for(observer).post(url("api-flash", crisis.pk), body, format="json").status_code == 403
    assert api_for(outsider).get(url("api-flash", crisis.pk)).status_code == 404
    assert FlashInfo.objects.count() == 1


# --- messages ---------------------------------------------------------------------


@pytest.fixture
def templates(establishment):
    return {t.kind: t for t in services.templates_of(establishment)}


def test_every_kind_has_a_french_default_template_with_placeholders(templates):
    assert set(templates) == set(MessageTemplate.Kind.values)
    assert all(services.placeholders(t.body) for t in templates.values())


def test_a_placeholder_left_unfilled_blocks_approval_never_prints_blank(crisis, scribe, director, templates):
    message = services.message_create(crisis=crisis, by=scribe, template=templates["declaration_attente"])
    assert "etablissement" in services.missing(message)
    assert "{etablissement}" in services.filled(message.body, message.values)  # shown as is, never a blank
    with pytest.raises(ValidationError) as refused:
        services.message_approve(message=message, by=director)
    assert "{etablissement}" in str(refused.value)
    values = {name: "x" for name in services.placeholders(message.body)}
    services.message_update(message=message, by=scribe, values=values)
    message.refresh_from_db()
    services.message_approve(message=message, by=director)
    message.refresh_from_db()
    assert (message.status, message.approved_by) == ("approuve", director)


def test_publication_needs_approval_and_lists_the_units_that_have_not_acknowledged(
    crisis, scribe, director, templates, establishment
):
    message = services.message_create(crisis=crisis, by=scribe, template=templates["note_personnel"])
    units = list(Service.objects.filter(establishment=establishment)[:3])
    with pytest.raises(ValidationError):
        services.message_publish(message=message, by=director, channel="papier", units=units)
    services.message_update(message=message, by=scribe, values={p: "x" for p in services.placeholders(message.body)})
    message.refresh_from_db()
    services.message_approve(message=message, by=director)
    later = timezone.now() + timedelta(hours=6)
    services.message_publish(message=message, by=director, channel="papier", next_update_at=later, units=units)
    message.refresh_from_db()
    assert (message.status, message.channel, message.next_update_at) == ("publie", "papier", later)
    ack = message.acknowledgements.get(service=units[0])
    ack.message = message
    services.acknowledge(acknowledgement=ack, by=scribe, by_name="Cadre de nuit")
    from comms import selectors

    assert [a.service for a in selectors.unacknowledged(message)] == units[1:]


def test_the_messages_api(crisis, scribe, director, observer, outsider, templates):
    client = api_for(scribe)
    created = client.post(
        url("api-messages", crisis.pk),
        {"kind": "declaration_attente", "values": {"etablissement": "CH-A"}},
        format="json",
    )
    assert created.status_code == 201
    data = created.json()
    assert "date_debut" in data["missing"] and "CH-A" in data["text"]
    mid = data["id"]
    refused = api_for(director).post(url("api-message-approve", crisis.pk, mid))
    assert refused.status_code == 400 and Message.objects.get(pk=mid).status == "brouillon"
    assert client.post(url("api-message-approve", crisis.pk, mid)).status_code == 403
    Message.objects.filter(pk=mid).update(
        values={p: "x" for p in services.placeholders(Message.objects.get(pk=mid).body)}
    )
    assert api_for(director).post(url("api-message-approve", crisis.pk, mid)).status_code == 200
    assert (
        api_for(director)
        .post(url("api-message-publish", crisis.pk, mid), {"channel": "pigeon"}, format="json")
        .status_code
        == 400
    )
    published = api_for(director).post(url("api-message-publish", crisis.pk, mid), {"channel": "presse"}, format="json")
    assert published.status_code == 200 and published.json()["status"] == "publie"
    assert client.post(url("api-messages", crisis.pk), {}, format="json").status_code == 400
    assert (
        api_for(observer).post(url("api-messages", crisis.pk), {"kind": "fournisseurs"}, format="json").status_code
        == 403
    )
    assert api_for(outsider).get(url("api-messages", crisis.pk)).status_code == 404
    assert len(api_for(observer).get(url("api-messages", crisis.pk)).json()) == 1


def test_the_contacts_log_api(crisis, scribe, director, observer, outsider):
    body = {
        "who": "Journaliste",
        "organisation": "La Provence",
        "category": "presse",
        "topic": "Fuite ?",
        "answer": "Orienté vers la porte-parole.",
    }
    created = api_for(scribe).post(
        url("api-contacts-log", crisis.pk), {**body, "handled_by": director.pk}, format="json"
    )
    assert created.status_code == 201 and created.json()["handled_by"] == director.pk
    assert api_for(scribe).post(url("api-contacts-log", crisis.pk), {"who": "x"}, format="json").status_code == 400
    assert (
        api_for(scribe)
        .post(url("api-contacts-log", crisis.pk), {**body, "handled_by": outsider.pk}, format="json")
        .status_code
        == 400
    )
    future = {**body, "at": (timezone.now() + timedelta(days=1)).isoformat()}
    assert api_for(scribe).post(url("api-contacts-log", crisis.pk), future, format="json").status_code == 400
    assert api_for(observer).post(url("api-contacts-log", crisis.pk), body, format="json").status_code == 403
    assert api_for(outsider).get(url("api-contacts-log", crisis.pk)).status_code == 404
    assert api_for(observer).get(url("api-contacts-log", crisis.pk)).json()["count"] == 1
    assert ContactLogEntry.objects.count() == 1


def test_the_dashboard_card_reads_the_last_flash_and_what_awaits_approval_in_three_queries(
    crisis, exercise, django_assert_num_queries
):
    from comms import selectors

    now = timezone.now()
    for number, status in [(1, "publie"), (3, "publie"), (2, "publie"), (4, "valide"), (5, "brouillon")]:
        FlashInfo.objects.create(
            crisis=crisis,
            number=number,
            status=status,
            headline=f"N° {number}",
            published_at=now - timedelta(hours=10 - number) if status == "publie" else None,
            next_due_at=now - timedelta(minutes=number) if status == "publie" else None,
        )
    Message.objects.create(crisis=crisis, title="Consigne", status=Message.Status.DRAFT)
    with django_assert_num_queries(3):  # the bulletins, the draft messages, the call lists in progress
        card = selectors.dashboard(crisis)
    third = FlashInfo.objects.get(crisis=crisis, number=3)
    assert card["last_flash"] == third and str(card["last_flash"]) == str(third)
    assert card["last_flash"].published_at == third.published_at and card["next_due_at"] == third.next_due_at
    assert card["overdue"] and card["awaiting_approval"] == 3 and card["call_lists"] == []
    assert card["last_flash"].headline == "N° 3"  # a field the card does not read is still there if asked
    assert selectors.dashboard(exercise)["last_flash"] is None
