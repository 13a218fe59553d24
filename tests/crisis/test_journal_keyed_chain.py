"""The chain is keyed (HMAC-SHA256, a key outside the database): database rights alone cannot re-chain a rewritten
journal; the key rotates; entries chained before the key are verified the old way up to a sealed boundary; a
printed anchor is checked against the database."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from crisis import services
from crisis.models import Crisis, JournalEntry
from crisis.services.journal import LEGACY_KEY_ID, _canonical, key_id_of, legacy_seal

TABLE = JournalEntry._meta.db_table


def _as_superuser(statements):
    """What a database administrator can do: get past the append-only trigger (migration 0003), then write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS crisis_journal_append_only")
        for sql, params in statements:
            cursor.execute(sql, params)


def _rechain_as_an_administrator(crisis, changed_seq: int, text: str, *, digest):
    """Change one entry's text, then recompute every hash from it on, and the crisis's head: 12 lines of Python."""
    entries = list(JournalEntry.objects.filter(crisis=crisis).order_by("seq"))
    statements, prev = [], ""
    for entry in entries:
        if entry.seq == changed_seq:
            entry.text = text
        entry.prev_hash = prev
        entry.hash = digest(entry)
        statements.append(
            (
                f"UPDATE {TABLE} SET text = %s, prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
                [entry.text, entry.prev_hash, entry.hash, entry.key_id, entry.pk],
            )
        )
        prev = entry.hash
    statements.append(("UPDATE crisis_crisis SET journal_last_hash = %s WHERE id = %s", [prev, crisis.pk]))
    _as_superuser(statements)


def test_new_entries_are_keyed_with_the_current_key(crisis, scribe, settings):
    entry = services.journal_append(crisis=crisis, by=scribe, text="Fichiers chiffrés.")
    assert entry.key_id == key_id_of(settings.JOURNAL_KEY) != LEGACY_KEY_ID
    assert entry.hash != hashlib.sha256(_canonical(entry)).hexdigest()  # not the plain hash any more
    call_command("verify_journal")


def test_an_administrator_who_rechains_with_plain_sha256_is_detected(crisis, scribe):
    for text in ("un", "deux", "trois"):
        services.journal_append(crisis=crisis, by=scribe, text=text)

    def plain(entry):
        entry.key_id = LEGACY_KEY_ID  # pretending the entries predate the key
        return hashlib.sha256(_canonical(entry)).hexdigest()

    _rechain_as_an_administrator(crisis, 3, "falsifié", digest=plain)
    with pytest.raises(CommandError, match="entrée n° 1"):
        call_command("verify_journal")


def test_an_administrator_who_rechains_with_a_guessed_key_is_detected(crisis, scribe):
    for text in ("un", "deux", "trois"):
        services.journal_append(crisis=crisis, by=scribe, text=text)

    def guessed(entry):  # the real key id kept, an HMAC made with the key the administrator guessed
        return services.journal_entry_digest(entry, {entry.key_id: b"not-the-key"})

    _rechain_as_an_administrator(crisis, 3, "falsifié", digest=guessed)
    with pytest.raises(CommandError, match="entrée n° 1"):
        call_command("verify_journal")


def test_verify_journal_run_with_another_key_reports_the_chain_broken(crisis, scribe):
    services.journal_append(crisis=crisis, by=scribe, text="un")
    with override_settings(JOURNAL_KEY="another-key"), pytest.raises(CommandError, match="altérée"):
        call_command("verify_journal")


def test_after_a_rotation_old_entries_verify_with_the_old_key_kept(crisis, scribe, settings):
    services.journal_append(crisis=crisis, by=scribe, text="avant la rotation")
    old_key = settings.JOURNAL_KEY
    with override_settings(JOURNAL_KEY="new-key-2026", JOURNAL_OLD_KEYS=[old_key]):
        entry = services.journal_append(crisis=crisis, by=scribe, text="après la rotation")
        assert entry.key_id == key_id_of("new-key-2026")
        call_command("verify_journal")
    with override_settings(JOURNAL_KEY="new-key-2026", JOURNAL_OLD_KEYS=[]):
        with pytest.raises(CommandError, match="entrée n° 1"):  # the old key dropped: its entries no longer verify
            call_command("verify_journal")


def _make_legacy(crisis, settings):
    """The state migration 0013 leaves: entries chained with plain SHA-256, key id "sha256", the boundary sealed."""
    statements, prev = [], ""
    for entry in JournalEntry.objects.filter(crisis=crisis).order_by("seq"):
        entry.key_id, entry.prev_hash = LEGACY_KEY_ID, prev
        entry.hash = hashlib.sha256(_canonical(entry)).hexdigest()
        statements.append(
            (
                f"UPDATE {TABLE} SET prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
                [entry.prev_hash, entry.hash, LEGACY_KEY_ID, entry.pk],
            )
        )
        prev, last = entry.hash, entry.seq
    seal = legacy_seal(crisis.pk, last, prev, settings.JOURNAL_KEY)
    statements.append(
        (
            "UPDATE crisis_crisis SET journal_last_hash = %s, journal_legacy_seq = %s, journal_legacy_seal = %s"
            " WHERE id = %s",
            [prev, last, seal, crisis.pk],
        )
    )
    _as_superuser(statements)


def test_entries_chained_before_the_key_still_verify_and_new_ones_are_keyed_after_them(crisis, scribe, settings):
    services.journal_append(crisis=crisis, by=scribe, text="avant la clé")
    _make_legacy(crisis, settings)
    call_command("verify_journal")
    crisis.refresh_from_db()
    entry = services.journal_append(crisis=crisis, by=scribe, text="après la clé")
    assert entry.key_id != LEGACY_KEY_ID
    call_command("verify_journal")


def test_moving_the_legacy_boundary_forward_without_the_key_is_detected(crisis, scribe, settings):
    services.journal_append(crisis=crisis, by=scribe, text="avant la clé")
    _make_legacy(crisis, settings)
    crisis.refresh_from_db()
    services.journal_append(crisis=crisis, by=scribe, text="après la clé")
    # Someone marks the keyed entry legacy too, re-hashes it with SHA-256 and moves the boundary, with a made-up seal.
    entry = JournalEntry.objects.get(crisis=crisis, seq=3)
    entry.key_id = LEGACY_KEY_ID
    entry.hash = hashlib.sha256(_canonical(entry)).hexdigest()
    _as_superuser(
        [
            (f"UPDATE {TABLE} SET hash = %s, key_id = %s WHERE id = %s", [entry.hash, LEGACY_KEY_ID, entry.pk]),
            (
                "UPDATE crisis_crisis SET journal_last_hash = %s, journal_legacy_seq = 3, journal_legacy_seal = %s"
                " WHERE id = %s",
                [entry.hash, legacy_seal(crisis.pk, 3, entry.hash, "guessed"), crisis.pk],
            ),
        ]
    )
    with pytest.raises(CommandError, match="entrée n° 3"):
        call_command("verify_journal")


def test_the_head_printed_on_paper_is_checked_against_the_database(crisis, scribe, capsys):
    services.journal_append(crisis=crisis, by=scribe, text="un")
    head = Crisis.objects.get(pk=crisis.pk).journal_last_hash
    call_command("verify_journal", head=head)
    assert "ancre papier retrouvée" in capsys.readouterr().out
    call_command("verify_journal", head=head[:16])
    with pytest.raises(CommandError, match="ne figure dans aucune"):
        call_command("verify_journal", head="0" * 64)


def test_the_printed_main_courante_carries_the_head_on_its_last_page(crisis, scribe):
    from printing import registry

    services.journal_append(crisis=crisis, by=scribe, text="un")
    crisis.refresh_from_db()
    document = registry.get("journal")
    from django.utils import timezone

    rendered = document.render(crisis.establishment, {"crisis_id": crisis.pk}, generated_at=timezone.now())
    assert crisis.journal_last_hash in rendered.html and "verify_journal --head" in rendered.html


def test_the_migration_seals_the_chains_it_finds_so_they_verify_the_old_way(crisis, scribe, settings):
    from importlib import import_module

    from django.apps import apps

    services.journal_append(crisis=crisis, by=scribe, text="chaînée en SHA-256 avant la clé")
    _make_legacy(crisis, settings)
    Crisis.objects.filter(pk=crisis.pk).update(journal_legacy_seq=0, journal_legacy_seal="")  # as before 0013
    with pytest.raises(CommandError, match="entrée n° 1"):
        call_command("verify_journal")  # unsealed legacy entries are not taken on trust
    migration = import_module("crisis.migrations.0013_journal_keyed_chain")
    migration.seal_legacy_entries(apps, None)
    call_command("verify_journal")
    assert Crisis.objects.get(pk=crisis.pk).journal_legacy_seq == 2
