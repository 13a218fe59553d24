"""Printing's cards (crisis.plugins): the paper kit's freshness, on the crisis dashboard and the establishment's home."""

from crisis.plugins import Scope, card


def kit(target, user) -> dict:
    """The establishment whose kit the card shows (the crisis's, on a dashboard). The template's
    kit_freshness tags read the member's capabilities from the page."""
    return {"establishment": getattr(target, "establishment", target)}


card(Scope.CRISIS, "kit", "printing/cards/kit.html", kit, order=90, topics=("prints",), wide=True)
card(Scope.ESTABLISHMENT, "kit", "printing/cards/kit.html", kit, order=50, topics=("prints",), wide=True)
