"""What tickets shows on the core's pages (crisis.plugins): the dashboard's card, the meeting
agenda's new signalements, and the banner of untaken critical and high alerts (RSSI, DSI)."""

from crisis.models import Crisis
from crisis.plugins import Scope, banner, card, section

from . import access, selectors
from .models import TOPIC


def summary(target, user) -> dict:
    """A crisis's tickets on its dashboard; all the open ones of the establishment on its home."""
    if isinstance(target, Crisis):
        return {"crisis": target, "establishment_id": target.establishment_id} | selectors.card_summary(
            target.establishment_id, target
        )
    return {"crisis": None, "establishment_id": target.pk} | selectors.card_summary(target.pk)


def _banner(request):
    from .views.alerts import banner_context

    return banner_context(request)


for scope in Scope.ALL:
    # The same for every member who may read tickets: rendered once per change (and minute) for all.
    card(
        scope,
        "tickets",
        "tickets/cards/tickets.html",
        summary,
        capability=access.READ,
        order=35,
        topics=(TOPIC,),
        shared=True,
        clock=60,
    )
section("new_signalements", selectors.new_signalements_since)
banner("alerts", "tickets/banner.html", _banner, order=10)
