"""The obligations' card on the crisis dashboard (crisis.plugins): every regulatory clock of the crisis.

It follows its own topic and the crisis record's (an awareness time corrected moves the clocks).
"""

from crisis.plugins import Scope, card

from . import access, selectors
from .models import TOPIC


def obligations(crisis, user) -> dict:
    return {"clocks": selectors.clocks(crisis)}


card(
    Scope.CRISIS,
    "obligations",
    "obligations/cards/obligations.html",
    obligations,
    capability=access.READ,
    order=25,
    topics=(TOPIC, "crisis"),
    shared=True,  # the same for every member: rendered once per change for all,
    clock=60,  # and again every minute (the time left to each deadline)
)
