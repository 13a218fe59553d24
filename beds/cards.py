"""The beds' card on the establishment's home and on the crisis dashboard: occupancy and free beds by unit,
the slips waiting to be typed (totals only: no patient data)."""

from crisis.models import Crisis
from crisis.plugins import Scope, card

from . import permissions as access
from . import selectors
from .models import TOPIC


def occupancy(target, user) -> dict:
    """Totals only. Whether the member may type the slips is read in the template from the page's
    membership (crisis.views.cards puts it in every cards page's context): no query of its own."""
    establishment = target.establishment if isinstance(target, Crisis) else target
    units, hospital = selectors.unit_totals(establishment)
    return {
        "establishment": establishment,
        "units": units,
        "hospital": hospital,
        "pending": selectors.pending_slips(establishment).count(),
        "type_capability": access.WRITE,
    }


for scope in (Scope.ESTABLISHMENT, Scope.CRISIS):
    card(scope, "beds", "beds/cards/beds.html", occupancy, capability=access.READ, order=45, topics=(TOPIC,))
