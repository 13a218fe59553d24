"""The comms card on the crisis dashboard (crisis.plugins): the last Flash info and the next due, messages
waiting for approval, call lists in progress."""

from crisis.plugins import Scope, card

from . import access, selectors
from .models import TOPIC


def summary(crisis, user) -> dict:
    return selectors.dashboard(crisis)


card(Scope.CRISIS, "comms", "comms/cards/comms.html", summary, capability=access.READ, order=45, topics=(TOPIC,))
