"""Values for the ids the beds' URLs take, for the accessibility test (tests/e2e/accessibility.py)."""

from beds.models import Bed
from crisis.models import Service


def id_values(establishment) -> dict[str, list]:
    bed = Bed.objects.filter(establishment=establishment).order_by("pk").first()
    unit = Service.objects.filter(establishment=establishment, has_beds=True, unit_beds__isnull=False).first()
    return {"bed_id": [bed.pk] if bed else [], "unit_id": [unit.pk] if unit else []}
