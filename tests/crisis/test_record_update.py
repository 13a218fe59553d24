"""The one update helper for records with history: lock, diff against the locked row, save, history, journal."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from crisis import selectors, services
from crisis.models import Crisis, JournalEntry


def test_the_history_says_what_each_editor_really_changed_from_a_stale_copy(crisis, director):
    first, second = Crisis.objects.get(pk=crisis.pk), Crisis.objects.get(pk=crisis.pk)
    services.crisis_update(crisis=first, by=director, severity=4)
    services.crisis_update(crisis=second, by=director, severity=2)  # its copy still says 3
    changes = list(selectors.history_of(crisis).order_by("changed_at", "pk"))
    assert [c.before for c in changes] == [{"severity": 3}, {"severity": 4}]
    assert [c.after for c in changes] == [{"severity": 4}, {"severity": 2}]
    assert "4 — critique → 2 — significative" in crisis.journal_entries.order_by("-seq").first().text


def test_a_stale_copy_setting_the_value_already_there_records_nothing(crisis, director):
    stale = Crisis.objects.get(pk=crisis.pk)
    services.crisis_update(crisis=crisis, by=director, severity=4)
    entries = crisis.journal_entries.count()
    services.crisis_update(crisis=stale, by=director, severity=4)
    assert selectors.history_of(crisis).count() == 1 and crisis.journal_entries.count() == entries


def test_a_refused_change_saves_nothing_and_writes_nothing(crisis, director):
    entries = crisis.journal_entries.count()
    with pytest.raises(ValidationError) as refused:
        services.crisis_update(crisis=crisis, by=director, severity=4, title=" ")
    assert "title" in refused.value.message_dict
    crisis.refresh_from_db()
    assert crisis.severity == 3 and not selectors.history_of(crisis).exists()
    assert crisis.journal_entries.count() == entries


def test_validation_sees_the_locked_row_a_crisis_closed_meanwhile_refuses_the_change(crisis, director):
    stale = Crisis.objects.get(pk=crisis.pk)
    services.crisis_close(crisis=crisis, by=director)
    with pytest.raises(ValidationError):
        services.crisis_update(crisis=stale, by=director, severity=4)
    assert not selectors.history_of(crisis).exists()


def test_the_callers_copy_gets_the_saved_values(crisis, director):
    services.crisis_update(crisis=crisis, by=director, title="  Rançongiciel — CH-A  ")
    assert crisis.title == "Rançongiciel — CH-A"


def test_an_integration_writes_the_journal_with_a_named_source(crisis):
    entry = services.journal_append_for_cell(
        crisis=crisis,
        by=None,
        source="EDR Harfang",
        kind=JournalEntry.Kind.FAIT,
        text="Chiffrement détecté sur SRV-PACS",
    )
    assert entry.recorded_by is None and entry.author_label == "EDR Harfang" and entry.sender == "EDR Harfang"
    assert services.journal_verify_chain(crisis) is None


def test_an_entry_with_no_author_must_name_its_source(crisis):
    with pytest.raises(ValidationError) as refused:
        services.journal_append(crisis=crisis, by=None, text="anonyme")
    assert "source" in refused.value.message_dict
    assert crisis.journal_entries.count() == 1


def test_the_cell_service_writes_from_the_member_to_the_cell(crisis, director):
    entry = services.journal_append_for_cell(crisis=crisis, by=director, kind="decision", text="Plan blanc déclenché")
    assert entry.sender == "Claire Directrice" and entry.recipient == "Cellule de crise"
    assert entry.author_label == "Claire Directrice"


@pytest.mark.django_db(transaction=True)
def test_two_scribes_appending_at_the_same_instant_keep_the_chain_whole(establishment, director, scribe):
    # PostgreSQL: the crisis row lock orders them; SQLite: IMMEDIATE transactions serialise writers.
    crisis = services.crisis_create(establishment=establishment, by=director, title="Concurrence")
    start = threading.Barrier(2)
    errors = []

    def append(user, n):
        try:
            start.wait()
            for i in range(10):
                services.journal_append(crisis=Crisis.objects.get(pk=crisis.pk), by=user, text=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 — reported below, the thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(user, n)) for n, user in enumerate((director, scribe))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = sorted(crisis.journal_entries.values_list("seq", flat=True))
    assert seqs == list(range(1, 22))
    assert services.journal_verify_chain(crisis) is None
