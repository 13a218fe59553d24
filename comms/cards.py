"""The comms cards (crisis.plugins): on the crisis dashboard, the last Flash info and the next due, messages
waiting for approval, call lists in progress; on the establishment's home, the directory and its entries to check.
And the roster's phone book: the holders' numbers come from the directory."""

from django.db.models import Q

from crisis.plugins import Scope, card, phone_book

from . import access, selectors
from .models import DIRECTORY_TOPIC, TOPIC


def summary(crisis, user) -> dict:
    return selectors.dashboard(crisis)


# The same for every member: rendered once per change (and minute: the next Flash info falls due) for all.
card(
    Scope.CRISIS,
    "comms",
    "comms/cards/comms.html",
    summary,
    capability=access.READ,
    order=45,
    topics=(TOPIC,),
    shared=True,
    clock=60,
)
# The roster (crisis) shows its holders' numbers from the crisis directory.
phone_book(selectors.phones_of_users)


def directory_summary(establishment, user) -> dict:
    entries = selectors.directory_of(establishment)
    return {
        "establishment": establishment,
        "count": entries.count(),
        "stale": entries.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=selectors.stale_before())).count(),
    }


card(
    Scope.ESTABLISHMENT,
    "directory",
    "comms/cards/directory.html",
    directory_summary,
    capability=access.READ,
    order=45,
    topics=(DIRECTORY_TOPIC,),
)
