"""Values for the ids the obligations' URLs take, for the accessibility test (tests/e2e/accessibility.py)."""

from obligations.models import Obligation


def id_values(establishment) -> dict[str, list]:
    rows = Obligation.objects.filter(crisis__establishment=establishment, crisis__closed_at__isnull=True)
    return {"obligation_id": list(rows.order_by("pk").values_list("pk", flat=True)[:1])}
