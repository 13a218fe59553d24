"""Writes of the consignes: through the core's record kit, so history and live topic come with them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crisis.models import Establishment, Service
from crisis.services.records import record_create, record_update

from .models import Consigne


def _check_service(establishment_id: int, service: Service) -> None:
    if service.establishment_id != establishment_id:
        raise ValidationError({"service": _("Ce service n'est pas de cet établissement.")})


def consigne_create(*, establishment: Establishment, by, service: Service, title: str) -> Consigne:
    consigne = Consigne(establishment=establishment, service=service, title=title.strip())

    def validate(new: Consigne) -> None:
        _check_service(establishment.pk, service)
        new.full_clean(exclude=["establishment", "service"])

    return record_create(instance=consigne, by=by, validate=validate, fields=("service", "title", "status"))


def consigne_update(*, consigne: Consigne, by, **changes) -> list:
    """Change a consigne (its status, its title...): what really changed, kept in its history."""

    def validate(locked: Consigne) -> None:
        locked.full_clean(exclude=["establishment", "service"])

    return record_update(instance=consigne, by=by, changes=changes, validate=validate)
