from django.db import migrations


def fold(apps, schema_editor):
    from comms.models import sort_key

    Entry = apps.get_model("comms", "DirectoryEntry")
    for entry in Entry.objects.all().iterator():
        entry.sort_name = sort_key(entry.last_name, entry.first_name)[:220]
        entry.search_text = sort_key(entry.last_name, entry.first_name, entry.function)[:400]
        entry.save(update_fields=["sort_name", "search_text"])


class Migration(migrations.Migration):
    """Entries kept from the stand-in get their search and sort columns."""

    dependencies = [("comms", "0005_crisis_directory")]

    operations = [migrations.RunPython(fold, migrations.RunPython.noop)]
