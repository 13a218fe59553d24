"""Values for the ids the example's URLs take, for the accessibility test (tests/e2e/accessibility.py)."""

from .models import Consigne


def id_values(establishment) -> dict[str, list]:
    return {"consigne_id": list(Consigne.objects.filter(establishment=establishment).values_list("pk", flat=True)[:1])}
