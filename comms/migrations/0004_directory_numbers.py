from django.db import migrations


class Migration(migrations.Migration):
    """The stand-in's numbers, named as the crisis directory names them (its bip was the DECT)."""

    dependencies = [("comms", "0003_the_directory_s_service_from_the_core_list")]

    operations = [
        migrations.RenameField(model_name="directoryentry", old_name="phone", new_name="direct_line"),
        migrations.RenameField(model_name="directoryentry", old_name="bip", new_name="dect"),
    ]
