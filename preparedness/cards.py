"""Preparedness's cards (crisis.plugins): readiness on the establishment's home (its main content when
no crisis is open), the exercise's progress on an exercise crisis's dashboard."""

from crisis.models import Crisis
from crisis.plugins import Scope, card

from . import access, readiness, selectors
from .models import TOPIC_INJECTS


def readiness_card(establishment, user) -> dict:
    open_real = Crisis.objects.filter(establishment=establishment, closed_at__isnull=True, is_exercise=False).exists()
    return {
        "establishment": establishment,
        "readiness": readiness.readiness_cached(establishment),
        "crisis_open": open_real,
    }


def exercise_card(crisis, user) -> dict:
    return {"crisis": crisis, "player": selectors.player(crisis) if crisis.is_exercise else None}


card(
    Scope.ESTABLISHMENT,
    "readiness",
    "preparedness/cards/readiness.html",
    readiness_card,
    capability=access.READ,
    order=5,
    topics=readiness.FOLLOWS,
)
card(
    Scope.CRISIS,
    "exercise",
    "preparedness/cards/exercise.html",
    exercise_card,
    capability=access.OBSERVE,
    order=25,
    topics=(TOPIC_INJECTS,),
)
