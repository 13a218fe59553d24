"""Search index of the main courante and the dashboard counters, filled for existing journals.

- search_text of existing entries is folded here once (new entries get it at insert
  time). The database refuses UPDATE on journal rows (migration 0003): the guard is
  lifted for this one statement and put back in the same transaction.
- PostgreSQL: pg_trgm and a trigram GIN index on search_text (CI's and compose's
  postgres user may create extensions).
- SQLite: an FTS5 table with the trigram tokenizer, kept by insert/delete triggers
  (crisis.search), rebuilt from search_text.
- The crisis counters are counted once from the journal; the append service keeps
  them from then on.
"""

from django.db import migrations

from crisis import search

TABLE = "crisis_journalentry"


def fill_search_text(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, text, sender, recipient FROM {TABLE}")
        rows = [
            (search.entry_search_text(text=text, sender=sender, recipient=recipient), pk)
            for pk, text, sender, recipient in cursor.fetchall()
        ]
        if not rows:
            return
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER crisis_journal_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS crisis_journal_append_only")
        cursor.executemany(f"UPDATE {TABLE} SET search_text = %s WHERE id = %s", rows)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER crisis_journal_append_only")
        # SQLite: crisis.guards re-creates the guard after every migrate.


def create_search_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(search.POSTGRESQL_INDEX)
    elif connection.vendor == "sqlite":
        search.ensure_search_index(connection)
        schema_editor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')")


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS journal_search_trgm")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS crisis_journal_search_insert")
        schema_editor.execute("DROP TRIGGER IF EXISTS crisis_journal_search_delete")
        schema_editor.execute(f"DROP TABLE IF EXISTS {search.FTS_TABLE}")


def count_journals(apps, schema_editor):
    """Each fact (an entry and all its corrections) counts once, under its latest version,
    as crisis.services.journal keeps the counters from now on."""
    Crisis = apps.get_model("crisis", "Crisis")
    JournalEntry = apps.get_model("crisis", "JournalEntry")
    for crisis in Crisis.objects.all():
        root, latest = {}, {}
        rows = JournalEntry.objects.filter(crisis=crisis).order_by("seq")
        for pk, kind, priority, corrects_id in rows.values_list("pk", "kind", "priority", "corrects_id"):
            root[pk] = root.get(corrects_id, corrects_id) if corrects_id else pk
            latest[root[pk]] = (kind, priority)
        versions = list(latest.values())
        Crisis.objects.filter(pk=crisis.pk).update(
            journal_entry_count=len(versions),
            journal_urgent_count=sum(1 for _, priority in versions if priority == "urgent"),
            journal_decision_count=sum(1 for kind, _ in versions if kind == "decision"),
            journal_action_count=sum(1 for kind, _ in versions if kind == "action"),
            journal_communication_count=sum(1 for kind, _ in versions if kind == "communication"),
        )


class Migration(migrations.Migration):
    dependencies = [("crisis", "0006_journal_counters_search_and_time_order")]
    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(count_journals, migrations.RunPython.noop),
    ]
