"""The comms card on the crisis dashboard (crisis.plugins): the last Flash info and the next due, messages
waiting for approval, call lists in progress."""

from crisis.plugins import Scope, card, phone_book

from . import access, selectors
from .models import TOPIC


def summary(crisis, user) -> dict:
    return selectors.dashboard(crisis)


card(Scope.CRISIS, "comms", "comms/cards/comms.html", summary, capability=access.READ, order=45, topics=(TOPIC,))
# The roster (crisis) shows its holders' numbers from the crisis directory.
phone_book(selectors.phones_of_users)
