"""The consignes' card on the establishment's home (crisis.plugins): how many are in force."""

from crisis.plugins import Scope, card

from . import access, selectors
from .models import TOPIC


def in_force(establishment, user) -> dict:
    return {"establishment": establishment, "in_force": selectors.in_force_count(establishment)}


card(
    Scope.ESTABLISHMENT,
    "consignes",
    "example_app/cards/consignes.html",
    in_force,
    capability=access.READ,
    order=40,
    topics=(TOPIC,),
)
