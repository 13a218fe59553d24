"""Continuity's cards (crisis.plugins): on the crisis dashboard, applications down or degraded, what can
restart now and the procedures in force; on the establishment's home, the gaps of the procedure library."""

from crisis.plugins import Scope, card

from . import permissions as access
from . import selectors
from .models import APPLICATIONS_TOPIC, PROCEDURES_TOPIC, SITUATION_TOPIC


def situation_card(crisis, user) -> dict:
    return {"crisis": crisis, "situation": selectors.situation(crisis)}


def library_card(establishment, user) -> dict:
    return {"establishment": establishment, "gaps": selectors.gaps(establishment)}


card(
    Scope.CRISIS,
    "applications",
    "continuity/cards/situation.html",
    situation_card,
    capability=access.READ,
    order=35,
    topics=(SITUATION_TOPIC, APPLICATIONS_TOPIC, PROCEDURES_TOPIC),
    shared=True,  # the same for every member: rendered once per change for all
)
card(
    Scope.ESTABLISHMENT,
    "procedures",
    "continuity/cards/library.html",
    library_card,
    capability=access.READ,
    order=45,
    topics=(PROCEDURES_TOPIC,),
)
