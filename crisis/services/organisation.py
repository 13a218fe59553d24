"""Writes of an establishment's organisation: its list of services and units."""

from django.db import transaction

from ..models import DEFAULT_SERVICES, Establishment, Service


def services_seed_defaults(*, establishment: Establishment) -> list[Service]:
    """Give the establishment the reference list of services (those it lacks, by name); the created ones."""
    with transaction.atomic():
        existing = set(Service.objects.filter(establishment=establishment).values_list("name", flat=True))
        start = Service.objects.filter(establishment=establishment).count()
        missing = [
            Service(establishment=establishment, name=name, code=code, kind=kind, has_beds=has_beds, position=start + i)
            for i, (name, code, kind, has_beds) in enumerate(
                [entry for entry in DEFAULT_SERVICES if entry[0] not in existing]
            )
        ]
        return Service.objects.bulk_create(missing)


def service_named(*, establishment: Establishment, name: str, **defaults) -> Service:
    """The establishment's service of this name (case and surrounding spaces ignored), created if missing
    (at the end of the list): imports and demo data name services as text."""
    name = " ".join(name.split())
    found = Service.objects.filter(establishment=establishment, name__iexact=name).first()
    if found is not None:
        return found
    position = Service.objects.filter(establishment=establishment).count()
    return Service.objects.create(establishment=establishment, name=name, position=position, **defaults)
