"""Ids of preparedness's demo data for the accessibility test (tests/e2e/accessibility.py)."""


def id_values(establishment) -> dict[str, list]:
    return {"ght_id": [establishment.ght_id] if establishment.ght_id else []}
