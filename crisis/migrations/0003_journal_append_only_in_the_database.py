"""The database itself refuses to change the main courante, not only the ORM.

PostgreSQL (production): UPDATE and DELETE on journal rows raise. TRUNCATE, a
table owner's operation (and how test databases are emptied), is left alone.
SQLite (the embedded mode): UPDATE raises; DELETE stays possible because
Django empties SQLite test databases with DELETE. The hash chain detects both.
"""

from django.db import migrations

TABLE = "crisis_journalentry"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION crisis_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'main courante en ajout seul : % refusé (entrée %)', TG_OP, OLD.id;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER crisis_journal_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION crisis_journal_append_only();
"""
POSTGRESQL_REVERSE = f"""
DROP TRIGGER IF EXISTS crisis_journal_append_only ON {TABLE};
DROP FUNCTION IF EXISTS crisis_journal_append_only();
"""
SQLITE = f"""
CREATE TRIGGER crisis_journal_append_only BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'main courante en ajout seul : modification refusée'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS crisis_journal_append_only;"


def create(apps, schema_editor):
    sql = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql.strip(), params=None)


def drop(apps, schema_editor):
    sql = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql.strip(), params=None)


class Migration(migrations.Migration):
    dependencies = [("crisis", "0002_record_change")]
    operations = [migrations.RunPython(create, drop)]
