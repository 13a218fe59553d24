"""The beds' card on the establishment's home and on the crisis dashboard: occupancy and free beds by unit,
the slips waiting to be typed (totals only: no patient data)."""

from crisis.models import Crisis, Membership
from crisis.plugins import Scope, card

from . import permissions as access
from . import selectors
from .models import TOPIC


def occupancy(target, user) -> dict:
    establishment = target.establishment if isinstance(target, Crisis) else target
    units, hospital = selectors.unit_totals(establishment)
    return {
        "establishment": establishment,
        "units": units,
        "hospital": hospital,
        "pending": selectors.pending_slips(establishment).count(),
        "can_type": Membership(role=_role(establishment, user), is_active=True).has(access.WRITE),
    }


def _role(establishment, user) -> str:
    return (
        Membership.objects.filter(establishment=establishment, user=user, is_active=True)
        .values_list("role", flat=True)
        .first()
        or ""
    )


for scope in (Scope.ESTABLISHMENT, Scope.CRISIS):
    card(scope, "beds", "beds/cards/beds.html", occupancy, capability=access.READ, order=45, topics=(TOPIC,))
