"""Information and decision lines created "à faire" become "fait" (noted, taken): only actions are to do.

The dashboard counted them among open lines (4 of 11 "ouvertes" in a real night were I or D
lines). Their history is not rewritten; the change is the data's, made once here.
"""

from django.db import migrations

OPEN = ("a_faire", "en_cours")


def close_information_and_decision_lines(apps, schema_editor):
    RidaLine = apps.get_model("crisis", "RidaLine")
    RidaLine.objects.filter(kind__in=("information", "decision"), status__in=OPEN).update(status="fait")


class Migration(migrations.Migration):
    dependencies = [("crisis", "0010_live_topics")]

    operations = [migrations.RunPython(close_information_and_decision_lines, migrations.RunPython.noop)]
