"""Journal search that ignores accents and case, on SQLite and PostgreSQL alike.

Every entry stores `search_text`, its text, sender and recipient folded once at
insert time (the journal is append-only, so it never goes stale). A query is
folded the same way and matched as a substring of that column:

- PostgreSQL: a trigram GIN index (pg_trgm) answers ``LIKE '%...%'``;
- SQLite: an FTS5 table with the trigram tokenizer, filled by triggers on insert,
  answers the same substring query.

Folding in Python rather than with PostgreSQL's `unaccent` keeps one rule for
both databases ("rancon" finds "rançon", "oeuvre" finds "œuvre").
"""

import unicodedata

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# Ligatures and letters that Unicode decomposition leaves whole.
_SPELLED_OUT = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})

# FTS5's trigram tokenizer matches substrings of three characters or more.
TRIGRAM = 3

FTS_TABLE = "crisis_journal_search"
SQLITE_FTS = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    search_text, content='crisis_journalentry', content_rowid='id', tokenize='trigram'
);
"""
# Insert only: the database refuses updates. Deletes happen in tests (Django empties
# SQLite test databases with DELETE) and must leave the index consistent.
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS crisis_journal_search_insert AFTER INSERT ON crisis_journalentry
    BEGIN INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS crisis_journal_search_delete AFTER DELETE ON crisis_journalentry
    BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""",
)
POSTGRESQL_INDEX = (
    "CREATE INDEX IF NOT EXISTS journal_search_trgm ON crisis_journalentry USING gin (search_text gin_trgm_ops)"
)


def fold(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: 'Rançon  DPI' -> 'rancon dpi'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELLED_OUT))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())


def entry_search_text(*, text: str, sender: str = "", recipient: str = "") -> str:
    return "\n".join(fold(part) for part in (text, sender, recipient) if part)


def matching(entries: QuerySet, query: str) -> QuerySet:
    """Entries whose text, sender or recipient contains the query, accents and case aside."""
    folded = fold(query)
    if not folded:
        return entries
    if connection.vendor == "sqlite" and len(folded) >= TRIGRAM:
        phrase = '"' + folded.replace('"', '""') + '"'
        return entries.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [phrase])  # noqa: S611
        )
    return entries.filter(search_text__contains=folded)


def ensure_search_index(using_connection) -> None:
    """SQLite: the FTS table and its triggers, rebuilt if a table rebuild dropped the triggers."""
    if using_connection.vendor != "sqlite":
        return
    with using_connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = 'crisis_journal_search_insert'"
        )
        had_triggers = cursor.fetchone() is not None
        cursor.execute(SQLITE_FTS.strip())
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
        if not had_triggers:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
