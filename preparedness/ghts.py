"""The GHT view: its establishments side by side.

What a GHT shares: its composition (every establishment's name) with anyone who belongs to one
of its establishments. Scores and missing items only for the establishments where the user holds
an active membership that may read (a GHT's RSSI is a member of each): another establishment's
readiness says where it is weak, and is not shown to its neighbours.
"""

from dataclasses import dataclass

from django.http import Http404

from crisis.models import Establishment, Ght, Membership
from crisis.permissions import MAX_ID

from . import access
from .readiness import Readiness, readiness_cached


@dataclass
class GhtRow:
    establishment: Establishment
    shared: bool
    readiness: Readiness | None


def _readable_ids(user) -> set[int]:
    return {m.establishment_id for m in Membership.objects.filter(user=user, is_active=True) if m.has(access.READ)}


def ghts_for_user(user) -> list[tuple[Ght, list[Establishment]]]:
    """The GHTs of the user's establishments, each with all its establishments (its composition)."""
    mine = Establishment.objects.filter(memberships__user=user, memberships__is_active=True).values("ght_id")
    ghts = Ght.objects.filter(pk__in=mine).prefetch_related("establishments")
    return [(ght, list(ght.establishments.all())) for ght in ghts]


def ght_for_user(user, ght_id: int) -> Ght:
    if not user.is_authenticated or not 0 < ght_id <= MAX_ID:
        raise Http404
    ght = Ght.objects.filter(
        pk=ght_id, establishments__memberships__user=user, establishments__memberships__is_active=True
    ).first()
    if ght is None:
        raise Http404
    return ght


def ght_readiness_for_user(user, ght_id: int) -> tuple[Ght, list[GhtRow]]:
    ght = ght_for_user(user, ght_id)
    readable = _readable_ids(user)
    rows = [
        GhtRow(e, e.pk in readable, readiness_cached(e) if e.pk in readable else None)
        for e in Establishment.objects.filter(ght=ght).order_by("name")
    ]
    return ght, rows
