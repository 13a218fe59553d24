"""The main courante is append-only and tamper-evident."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from crisis import services
from crisis.models import AppendOnlyError, JournalEntry
from tests.conftest import image_bytes


def test_each_entry_is_chained_to_the_previous_one(crisis, scribe):
    first = crisis.journal_entries.get(seq=1)
    second = services.journal_append(crisis=crisis, by=scribe, text="Le laboratoire appelle.")
    assert second.seq == 2
    assert second.prev_hash == first.hash
    assert second.hash == services.journal_entry_digest(second)
    crisis.refresh_from_db()
    assert (crisis.journal_last_seq, crisis.journal_last_hash) == (2, second.hash)


def test_an_entry_cannot_be_saved_again_or_deleted(crisis):
    entry = crisis.journal_entries.get(seq=1)
    entry.text = "réécrit"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_bulk_updates_and_deletes_are_refused(crisis):
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(crisis=crisis).update(text="effacé")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(crisis=crisis).delete()
    assert crisis.journal_entries.get(seq=1).text.startswith("Ouverture")


def test_the_admin_offers_no_add_change_or_delete(crisis, director):
    model_admin = site._registry[JournalEntry]
    request = RequestFactory().get("/admin/")
    request.user = director
    entry = crisis.journal_entries.get(seq=1)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_verify_journal_passes_on_an_intact_chain(crisis, scribe, capsys):
    services.journal_append(crisis=crisis, by=scribe, text="Fichiers chiffrés.")
    call_command("verify_journal")
    assert "intègre" in capsys.readouterr().out


def _tamper(sql, params):
    """What someone with the database's superuser rights could do: first get past the refusing trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # a superuser skips triggers
        else:
            cursor.execute("DROP TRIGGER IF EXISTS crisis_journal_append_only")
        cursor.execute(sql, params)


def test_the_database_itself_refuses_to_rewrite_an_entry(crisis):
    from django.db import DatabaseError, transaction

    table = JournalEntry._meta.db_table
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET text = %s WHERE crisis_id = %s", ["falsifié", crisis.pk])
    with pytest.raises(AppendOnlyError):
        JournalEntry._base_manager.filter(crisis=crisis).update(text="falsifié")
    if connection.vendor == "postgresql":  # SQLite keeps DELETE for emptying test databases
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE crisis_id = %s", [crisis.pk])
    assert crisis.journal_entries.get(seq=1).text.startswith("Ouverture")


def test_verify_journal_names_the_entry_changed_through_sql(crisis, scribe):
    for text in ("un", "deux", "trois"):
        services.journal_append(crisis=crisis, by=scribe, text=text)
    _tamper(
        f"UPDATE {JournalEntry._meta.db_table} SET text = %s WHERE crisis_id = %s AND seq = 3", ["falsifié", crisis.pk]
    )
    with pytest.raises(CommandError, match="entrée n° 3"):
        call_command("verify_journal")


def test_verify_journal_detects_an_entry_removed_from_the_middle(crisis, scribe):
    for text in ("un", "deux", "trois"):
        services.journal_append(crisis=crisis, by=scribe, text=text)
    _tamper(f"DELETE FROM {JournalEntry._meta.db_table} WHERE crisis_id = %s AND seq = 2", [crisis.pk])
    with pytest.raises(CommandError, match="entrée n° 3"):
        call_command("verify_journal")


def test_verify_journal_detects_the_last_entry_removed(crisis, scribe):
    services.journal_append(crisis=crisis, by=scribe, text="dernière")
    _tamper(f"DELETE FROM {JournalEntry._meta.db_table} WHERE crisis_id = %s AND seq = 2", [crisis.pk])
    with pytest.raises(CommandError, match="entrée n° 2"):
        call_command("verify_journal")


def test_a_correction_points_at_the_original_which_stays(crisis, scribe):
    original = services.journal_append(crisis=crisis, by=scribe, text="Appel du labo à 03:00", kind="fait")
    correction = services.journal_correct(original=original, by=scribe, text="Appel du labo à 02:50")
    assert correction.corrects == original
    assert correction.occurred_at == original.occurred_at
    assert crisis.journal_entries.filter(pk=original.pk, text="Appel du labo à 03:00").exists()
    assert services.journal_verify_chain(crisis) is None


def test_a_correction_cannot_point_into_another_crisis(crisis, exercise, scribe):
    elsewhere = exercise.journal_entries.get(seq=1)
    with pytest.raises(ValidationError) as error:
        services.journal_append(crisis=crisis, by=scribe, text="x", corrects=elsewhere)
    assert "corrects" in error.value.message_dict


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"text": "   "}, "text"),
        ({"text": "x", "kind": "rumeur"}, "kind"),
        ({"text": "x", "priority": "extrême"}, "priority"),
        ({"text": "x", "channel": "pigeon"}, "channel"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(crisis, scribe, fields, field):
    before = crisis.journal_entries.count()
    with pytest.raises(ValidationError) as error:
        services.journal_append(crisis=crisis, by=scribe, **fields)
    assert field in error.value.message_dict
    assert crisis.journal_entries.count() == before


def test_the_phase_is_recorded_on_each_entry(crisis, director, scribe):
    services.crisis_change_phase(crisis=crisis, by=director, phase="endiguement")
    entry = services.journal_append(crisis=crisis, by=scribe, text="Coupure internet.")
    assert entry.phase == "endiguement"


def test_a_closed_crisis_seals_its_journal(crisis, director, scribe):
    closing = services.crisis_close(crisis=crisis, by=director, note="Retour à la normale.")
    assert closing.seq == crisis.journal_last_seq and "Fin de crise validée" in closing.text
    with pytest.raises(ValidationError) as error:
        services.journal_append(crisis=crisis, by=scribe, text="Oubli")
    assert "crisis" in error.value.message_dict
    assert not crisis.journal_entries.filter(text="Oubli").exists()


def test_verify_journal_detects_a_replaced_attachment(crisis, scribe):
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("note.png", image_bytes(color="white"))
    entry = services.journal_append(crisis=crisis, by=scribe, text="Note papier", attachment=photo)
    call_command("verify_journal")  # intact
    storage = entry.attachment.storage
    storage.delete(entry.attachment.name)
    storage.save(entry.attachment.name, ContentFile(image_bytes(color="black")))
    with pytest.raises(CommandError, match=f"pièce jointe de l'entrée n° {entry.seq}"):
        call_command("verify_journal")


def test_an_append_from_a_copy_loaded_before_closure_is_refused(crisis, director, scribe):
    stale_copy = type(crisis).objects.get(pk=crisis.pk)
    services.crisis_close(crisis=crisis, by=director)
    with pytest.raises(ValidationError):
        services.journal_append(crisis=stale_copy, by=scribe, text="Écrit après la fin")
    assert not crisis.journal_entries.filter(text="Écrit après la fin").exists()


def test_a_crisis_is_closed_once_even_from_two_stale_copies(crisis, director):
    other_copy = type(crisis).objects.get(pk=crisis.pk)
    services.crisis_close(crisis=crisis, by=director)
    with pytest.raises(ValidationError):
        services.crisis_close(crisis=other_copy, by=director)
    with pytest.raises(ValidationError):
        services.crisis_change_phase(crisis=other_copy, by=director, phase="retex")
    assert crisis.journal_entries.filter(text__startswith="Fin de crise validée").count() == 1
