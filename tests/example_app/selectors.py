"""Reads of the consignes."""

from django.db.models import QuerySet

from crisis.models import Establishment

from .models import Consigne


def consignes_of(establishment: Establishment) -> QuerySet:
    return Consigne.objects.filter(establishment=establishment).select_related("service")


def in_force_count(establishment: Establishment) -> int:
    return Consigne.objects.filter(establishment=establishment, status=Consigne.Status.IN_FORCE).count()
