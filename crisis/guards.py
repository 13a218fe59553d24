"""The database-level guard of the main courante, re-asserted after every migrate.

Migration 0003 installs it. SQLite rebuilds a table to add or alter most
columns, and the rebuild drops the table's triggers: a later migration of the
journal would silently remove the guard. Re-creating it after each migrate
keeps it whatever the migrations do.
"""

from importlib import import_module

from django.db import connections

from .search import ensure_search_index

TABLE = "crisis_journalentry"

SQLITE = f"""
CREATE TRIGGER IF NOT EXISTS crisis_journal_append_only BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'main courante en ajout seul : modification refusée'); END;
"""


def ensure_journal_guard(using: str = "default") -> None:
    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return  # migrating backwards, or crisis not migrated yet
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(SQLITE.strip())
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'crisis_journal_append_only'")
            if cursor.fetchone() is None:
                initial = import_module("crisis.migrations.0003_journal_append_only_in_the_database")
                cursor.execute(initial.POSTGRESQL.strip())


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    ensure_journal_guard(using)
    if TABLE in connections[using].introspection.table_names():
        # Same reason: a rebuilt table has lost the search index's triggers.
        ensure_search_index(connections[using])
