"""The main courante's chain keyed with a key kept outside the database (crisis.services.journal).

Entries already chained with plain SHA-256 are not re-chained (re-chaining them would
need to rewrite every hash, the very thing the key must make impossible): they get the
key id "sha256" through the column's default and keep verifying the old way. What
stops a rewriter from marking later entries "sha256" is the boundary sealed here: per
crisis, how many entries are legacy and the hash of the last one, HMAC'd with the key.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models


def _key_id(key: str) -> str:  # crisis.services.journal.key_id_of, frozen here
    return "k" + hashlib.sha256(b"journal-key-id\0" + key.encode()).hexdigest()[:11]


def seal_legacy_entries(apps, schema_editor):
    Crisis = apps.get_model("crisis", "Crisis")
    key = settings.JOURNAL_KEY
    for crisis in Crisis.objects.filter(journal_last_seq__gt=0).only("pk", "journal_last_seq", "journal_last_hash"):
        message = f"{crisis.pk}:{crisis.journal_last_seq}:{crisis.journal_last_hash}".encode()
        seal = f"{_key_id(key)}:{hmac.new(key.encode(), message, hashlib.sha256).hexdigest()}"
        Crisis.objects.filter(pk=crisis.pk).update(journal_legacy_seq=crisis.journal_last_seq, journal_legacy_seal=seal)


class Migration(migrations.Migration):
    dependencies = [("crisis", "0012_rida_line_live_version")]

    operations = [
        migrations.AddField(
            model_name="crisis",
            name="journal_legacy_seal",
            field=models.CharField(blank=True, editable=False, max_length=90),
        ),
        migrations.AddField(
            model_name="crisis",
            name="journal_legacy_seq",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        # ADD COLUMN with a default: PostgreSQL fires no row trigger; SQLite rebuilds the table and
        # crisis.guards puts the append-only trigger back after migrate.
        migrations.AddField(
            model_name="journalentry",
            name="key_id",
            field=models.CharField(default="sha256", editable=False, max_length=16),
        ),
        migrations.RunPython(seal_legacy_entries, migrations.RunPython.noop),
    ]
