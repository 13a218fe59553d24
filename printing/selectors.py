"""Reads of the print pipeline shared by views, the template tag and commands."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from crisis.models import Crisis, Establishment

from .models import PrintJob
from .printing import registry
from .printing.registry import Item

RECENT_KITS = 30  # kits looked at to find when each document was last printed


def recent_jobs_for_user(user, limit: int = 50) -> QuerySet[PrintJob]:
    """The user's own recent requests, in establishments they still belong to."""
    return (
        PrintJob.objects.filter(
            requested_by=user,
            parent__isnull=True,
            establishment__memberships__user=user,
            establishment__memberships__is_active=True,
        )
        .select_related("establishment", "crisis")
        .order_by("-created_at", "-pk")[:limit]
    )


def crisis_jobs(crisis: Crisis, limit: int = 20) -> QuerySet[PrintJob]:
    return PrintJob.objects.filter(crisis=crisis, parent__isnull=True).select_related("requested_by")[:limit]


def establishment_jobs(establishment: Establishment, kinds: list[str], limit: int = 10) -> QuerySet[PrintJob]:
    return PrintJob.objects.filter(establishment=establishment, kind__in=kinds, parent__isnull=True).select_related(
        "requested_by"
    )[:limit]


@dataclass
class ItemFreshness:
    item: Item
    printed_at: datetime | None  # last kit containing this exact content
    stale: bool


@dataclass
class KitFreshness:
    last_kit: PrintJob | None  # the last complete kit printed
    items: list[ItemFreshness] = field(default_factory=list)

    @property
    def stale_items(self) -> list[ItemFreshness]:
        return [i for i in self.items if i.stale]

    @property
    def stale_keys(self) -> list[str]:
        return [i.item.key for i in self.stale_items]


def kit_freshness(establishment: Establishment) -> KitFreshness:
    """When the kit was last printed and which documents changed since (à réimprimer).

    A document is fresh if a finished kit (complete or partial) printed its
    current fingerprint; the plan stored on each kit job says what it printed.
    """
    kits = list(
        PrintJob.objects.filter(
            establishment=establishment,
            kind__in=[PrintJob.Kind.KIT, PrintJob.Kind.BUNDLE],
            status=PrintJob.Status.DONE,
            parent__isnull=True,
        ).order_by("-finished_at")[:RECENT_KITS]
    )
    printed: dict[tuple[str, str], datetime] = {}
    for kit in reversed(kits):  # newest last, so it wins
        for entry in kit.plan:
            printed[(entry["key"], entry["fingerprint"])] = kit.finished_at
    last_full = next((k for k in kits if not k.params.get("only")), None)
    result = KitFreshness(last_kit=last_full)
    for item in registry.kit_items(establishment):
        printed_at = printed.get((item.key, item.fingerprint))
        result.items.append(ItemFreshness(item=item, printed_at=printed_at, stale=printed_at is None))
    return result
