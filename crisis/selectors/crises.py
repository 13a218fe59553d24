"""Reads of crises as a list: an establishment's."""

from django.db.models import F, QuerySet

from ..models import Crisis, Establishment


def crises_of_establishment(establishment: Establishment, limit: int = 20) -> QuerySet[Crisis]:
    """The establishment's crises, the open ones first, then the latest detected."""
    return Crisis.objects.filter(establishment=establishment).order_by(
        F("closed_at").desc(nulls_first=True), "-detected_at"
    )[:limit]
