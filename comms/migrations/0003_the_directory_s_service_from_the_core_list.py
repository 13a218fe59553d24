import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The entry's text service gives way to the core list (data moved by 0002)."""

    dependencies = [
        ("comms", "0002_services_from_the_core"),
        ("crisis", "0009_establishment_services"),
    ]

    operations = [
        migrations.RemoveField(model_name="directoryentry", name="service"),
        migrations.RenameField(model_name="directoryentry", old_name="service_ref", new_name="service"),
        migrations.AlterField(
            model_name="directoryentry",
            name="service",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="directory_entries",
                to="crisis.service",
                verbose_name="service",
            ),
        ),
    ]
