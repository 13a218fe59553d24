"""Values for the ids continuity's URLs take, for the accessibility test (tests/e2e/accessibility.py)."""

from continuity.models import Application, Procedure


def id_values(establishment) -> dict[str, list]:
    procedure = Procedure.objects.filter(establishment=establishment, version__gt=0).first()
    return {
        "procedure_id": [procedure.pk] if procedure else [],
        "application_id": list(
            Application.objects.filter(establishment=establishment).values_list("pk", flat=True)[:1]
        ),
        "number": [procedure.version] if procedure else [],
        "fmt": ["json"],
    }
