"""Preparedness's cards (crisis.plugins): readiness on the establishment's home (its main content when
no crisis is open), the exercise's progress on an exercise crisis's dashboard."""

from comms.models import DIRECTORY_TOPIC
from continuity.models import APPLICATIONS_TOPIC, PROCEDURES_TOPIC
from crisis.models import Crisis
from crisis.plugins import Scope, card

from . import access, readiness, selectors
from .models import TOPIC_CAMPAIGNS, TOPIC_INJECTS


def readiness_card(establishment, user) -> dict:
    open_real = Crisis.objects.filter(establishment=establishment, closed_at__isnull=True, is_exercise=False).exists()
    return {"establishment": establishment, "readiness": readiness.readiness(establishment), "crisis_open": open_real}


def exercise_card(crisis, user) -> dict:
    return {"crisis": crisis, "player": selectors.player(crisis) if crisis.is_exercise else None}


card(
    Scope.ESTABLISHMENT,
    "readiness",
    "preparedness/cards/readiness.html",
    readiness_card,
    capability=access.READ,
    order=5,
    # What moves its items outside a crisis: campaigns, prints, procedures, applications, the directory.
    # Not the topics that move all night during a crisis (its RIDA and phases, beds, alerts): they would
    # re-render it at every poll (their items show at the next page load).
    topics=(TOPIC_CAMPAIGNS, "prints", PROCEDURES_TOPIC, APPLICATIONS_TOPIC, DIRECTORY_TOPIC),
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
