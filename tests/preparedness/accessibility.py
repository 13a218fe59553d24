"""Ids of preparedness's demo data for the accessibility test (tests/e2e/accessibility.py)."""

from crisis.models import Crisis


def id_values(establishment) -> dict[str, list]:
    exercises = Crisis.objects.filter(establishment=establishment, is_exercise=True, closed_at__isnull=True)
    return {
        "ght_id": [establishment.ght_id] if establishment.ght_id else [],
        "exercise_id": list(exercises.order_by("pk").values_list("pk", flat=True)[:1]),
    }
