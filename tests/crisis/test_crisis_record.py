"""The crisis record: editable by deciders, every change kept and journaled; closing seals it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crisis import selectors, services
from crisis.models import Crisis


def test_setting_the_awareness_time_is_kept_in_history_and_journal(crisis, director):
    awareness = timezone.now()
    services.crisis_update(crisis=crisis, by=director, awareness_at=awareness, severity=4)
    crisis.refresh_from_db()
    assert crisis.awareness_at == awareness and crisis.severity == 4
    (change,) = selectors.history_of(crisis)
    assert change.changed_by == director
    assert change.before == {"awareness_at": None, "severity": 3}
    labels = [label for label, _before, _after in change.changes()]
    assert "prise de connaissance" in labels and "gravité" in labels
    entry = crisis.journal_entries.order_by("-seq").first()
    assert "Fiche de crise modifiée" in entry.text and "3 — majeure → 4 — critique" in entry.text


def test_an_update_that_changes_nothing_records_nothing(crisis, director):
    services.crisis_update(crisis=crisis, by=director, title=crisis.title)
    assert not selectors.history_of(crisis).exists()
    assert crisis.journal_entries.count() == 1


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": " "}, "title"),
        ({"severity": 9}, "severity"),
        ({"awareness_at": timezone.now() + timedelta(days=1)}, "awareness_at"),
        ({"phase": "retex"}, "phase"),
    ],
)
def test_bad_updates_are_refused_and_nothing_changes(crisis, director, fields, field):
    with pytest.raises(ValidationError) as error:
        services.crisis_update(crisis=crisis, by=director, **fields)
    assert field in error.value.message_dict
    assert Crisis.objects.get(pk=crisis.pk).title == "Rançongiciel de nuit"
    assert not selectors.history_of(crisis).exists()


def test_awareness_cannot_precede_detection(crisis, director):
    with pytest.raises(ValidationError) as error:
        services.crisis_update(crisis=crisis, by=director, awareness_at=crisis.detected_at - timedelta(hours=1))
    assert "awareness_at" in error.value.message_dict


def test_the_record_page_saves_and_shows_the_history(client, crisis, director):
    client.force_login(director)
    url = reverse("crisis:edit", args=[crisis.pk])
    response = client.post(
        url,
        {
            "title": "Rançongiciel Zeppelin",
            "severity": 4,
            "detected_at": timezone.localtime(crisis.detected_at).strftime("%Y-%m-%dT%H:%M"),
            "awareness_at": "",
            "declared_at": "",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Rançongiciel Zeppelin" in page and "Intitulé" in page and "Rançongiciel de nuit" in page


def test_the_record_page_refuses_bad_input(client, crisis, director):
    client.force_login(director)
    response = client.post(
        reverse("crisis:edit", args=[crisis.pk]), {"title": "", "severity": 4, "detected_at": "hier"}
    )
    assert response.status_code == 400
    assert Crisis.objects.get(pk=crisis.pk).title == "Rançongiciel de nuit"


def test_only_deciders_edit_or_close_and_outsiders_see_nothing(client, crisis, scribe, observer, outsider):
    data = {"title": "x", "severity": 1, "detected_at": "2026-01-01T00:00"}
    for user, status in ((scribe, 403), (observer, 403), (outsider, 404)):
        client.force_login(user)
        assert client.post(reverse("crisis:edit", args=[crisis.pk]), data).status_code == status
        assert client.post(reverse("crisis:close", args=[crisis.pk]), {"confirm": "on"}).status_code == status
    client.force_login(outsider)
    assert client.get(reverse("crisis:edit", args=[crisis.pk])).status_code == 404
    client.force_login(observer)
    assert client.get(reverse("crisis:edit", args=[crisis.pk])).status_code == 200
    crisis.refresh_from_db()
    assert crisis.title == "Rançongiciel de nuit" and crisis.closed_at is None


def test_closing_needs_confirmation_then_seals_the_journal(client, crisis, director):
    client.force_login(director)
    client.post(reverse("crisis:close", args=[crisis.pk]), {"note": "oups"})
    crisis.refresh_from_db()
    assert crisis.closed_at is None
    client.post(reverse("crisis:close", args=[crisis.pk]), {"note": "Retour à la normale", "confirm": "on"})
    crisis.refresh_from_db()
    assert crisis.closed_at is not None
    page = client.get(reverse("crisis:journal", args=[crisis.pk])).content.decode()
    assert "scellée" in page and 'id="entry-form"' not in page


def test_saving_the_record_unchanged_records_nothing(client, crisis, director):
    client.force_login(director)
    detected = timezone.localtime(crisis.detected_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("crisis:edit", args=[crisis.pk]),
        {"title": crisis.title, "severity": crisis.severity, "detected_at": detected},
    )
    assert response.status_code == 302
    assert not selectors.history_of(crisis).exists()
    assert crisis.journal_entries.count() == 1
    assert Crisis.objects.get(pk=crisis.pk).detected_at == crisis.detected_at  # seconds kept


def test_a_title_that_looks_like_a_date_is_shown_as_typed(client, crisis, director):
    services.crisis_update(crisis=crisis, by=director, title="2025-03-12 14:05")
    client.force_login(director)
    page = client.get(reverse("crisis:edit", args=[crisis.pk]))
    assert page.status_code == 200 and "2025-03-12 14:05" in page.content.decode()


def test_dates_out_of_range_are_refused_on_the_record_page(client, crisis, director):
    client.force_login(director)
    response = client.post(
        reverse("crisis:edit", args=[crisis.pk]), {"title": "x", "severity": 3, "detected_at": "0001-01-01T00:00"}
    )
    assert response.status_code == 400 and "limites" in response.content.decode()
