import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The text service and the care unit give way to the core list (data moved by 0002)."""

    dependencies = [
        ("continuity", "0002_services_from_the_core"),
        ("crisis", "0009_establishment_services"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="degradedprocedure", name="procedure_estab_service"),
        migrations.RemoveConstraint(model_name="bed", name="bed_label_unique_per_unit"),
        migrations.RemoveField(model_name="degradedprocedure", name="service"),
        migrations.RenameField(model_name="degradedprocedure", old_name="service_ref", new_name="service"),
        migrations.AlterField(
            model_name="degradedprocedure",
            name="service",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="procedures",
                to="crisis.service",
                verbose_name="service",
            ),
        ),
        migrations.RemoveField(model_name="bed", name="unit"),
        migrations.RenameField(model_name="bed", old_name="service_unit", new_name="unit"),
        migrations.AlterField(
            model_name="bed",
            name="unit",
            field=models.ForeignKey(
                limit_choices_to={"has_beds": True},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="beds",
                to="crisis.service",
                verbose_name="unité",
            ),
        ),
        migrations.DeleteModel(name="CareUnit"),
        migrations.AlterModelOptions(
            name="degradedprocedure",
            options={
                "ordering": ["service__name", "title"],
                "verbose_name": "procédure dégradée",
                "verbose_name_plural": "procédures dégradées",
            },
        ),
        migrations.AddIndex(
            model_name="degradedprocedure",
            index=models.Index(fields=["establishment", "service"], name="procedure_estab_service"),
        ),
        migrations.AddConstraint(
            model_name="bed",
            constraint=models.UniqueConstraint(fields=("unit", "label"), name="bed_label_unique_per_unit"),
        ),
    ]
