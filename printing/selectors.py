"""Reads of the print pipeline shared by views, the API, the template tags and commands."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import translation

from crisis.models import Crisis, Establishment

from . import registry
from .models import PrintJob
from .registry import Item, PrintableDocument

RECENT_KITS = 30  # kits looked at to find when each document was last printed
COLLECTIONS = ("kit", "bundle")


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


def current_crisis(establishment: Establishment) -> Crisis | None:
    """The establishment's open crisis (the latest detected): its tabs stay on the print pages."""
    return Crisis.objects.filter(establishment=establishment, closed_at__isnull=True).order_by("-detected_at").first()


def crisis_jobs(crisis: Crisis, limit: int = 20) -> QuerySet[PrintJob]:
    return PrintJob.objects.filter(crisis=crisis, parent__isnull=True).select_related("requested_by")[:limit]


def establishment_jobs(establishment: Establishment, documents: list[str], limit: int = 10) -> QuerySet[PrintJob]:
    return PrintJob.objects.filter(
        establishment=establishment, document__in=documents, parent__isnull=True
    ).select_related("requested_by")[:limit]


@dataclass
class ItemFreshness:
    item: Item
    printed_at: datetime | None  # last kit containing this exact content
    stale: bool


@dataclass
class LeftOut:
    """A kit document this reader's role may not read: not in the kits they request."""

    document: PrintableDocument
    capability: str


@dataclass
class KitFreshness:
    last_kit: PrintJob | None  # the last complete kit printed
    items: list[ItemFreshness] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def stale_items(self) -> list[ItemFreshness]:
        return [i for i in self.items if i.stale]

    @property
    def stale_keys(self) -> list[str]:
        return [i.item.key for i in self.stale_items]


def left_out_of_kit(granted: list[str] | None) -> list[LeftOut]:
    return [
        LeftOut(document, document.required_capability)
        for document in registry.kit_documents()
        if not registry.allowed(document, granted)
    ]


def kit_freshness(establishment: Establishment, granted: list[str] | None = None) -> KitFreshness:
    """When the kit was last printed and which documents changed since (à réimprimer).

    A document is fresh if a finished kit (complete or partial) printed its current
    fingerprint; the plan stored on each kit job says what it printed. Fingerprints
    hold the language: a kit printed in English is compared with the English ones.
    """
    kits = list(
        PrintJob.objects.filter(
            establishment=establishment, document__in=COLLECTIONS, status=PrintJob.Status.DONE, parent__isnull=True
        ).order_by("-finished_at")[:RECENT_KITS]
    )
    printed: dict[tuple[str, str], datetime] = {}
    for kit in reversed(kits):  # newest last, so it wins
        for entry in kit.plan:
            printed[(entry["key"], entry["fingerprint"])] = kit.finished_at
    current: dict[str, set[str]] = {}  # item key: its fingerprints now, in each language kits were printed in
    items = registry.kit_items(establishment, granted)
    for item in items:
        current.setdefault(item.key, set()).add(item.fingerprint)
    for language in {kit.language for kit in kits} - {translation.get_language()}:
        with translation.override(language):
            for item in registry.kit_items(establishment, granted):
                current.setdefault(item.key, set()).add(item.fingerprint)
    last_full = next((k for k in kits if not k.params.get("only")), None)
    result = KitFreshness(last_kit=last_full, left_out=left_out_of_kit(granted))
    for item in items:
        printed_at = max(filter(None, (printed.get((item.key, fp)) for fp in current[item.key])), default=None)
        result.items.append(ItemFreshness(item=item, printed_at=printed_at, stale=printed_at is None))
    return result
