"""The RETEX's computed part: the figures and the chronology of key events, from the crisis's data."""

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from crisis.models import Crisis, Decision, JournalEntry, RidaLine

from .selectors import cost_totals


def _count(label: str, crisis: Crisis) -> int | None:
    """How many records of a feature app's model the crisis has; None when the app is not installed."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    if "crisis" not in {f.name for f in model._meta.get_fields()}:
        return None
    return model.objects.filter(crisis=crisis).count()


def alerts_of(crisis: Crisis):
    """The SOC/EDR alerts of the crisis's establishment received over its time (the evidence file's window),
    or None without the tickets app. Alerts belong to the establishment, not to a crisis."""
    from .evidence import crisis_window

    try:
        model = apps.get_model("tickets.Alert")
    except LookupError:
        return None
    start, end = crisis_window(crisis)
    return model.objects.filter(establishment_id=crisis.establishment_id, received_at__gte=start, received_at__lte=end)


def figures(crisis: Crisis) -> dict:
    """Duration (hours), journal entries, decisions, tickets, alerts, RIDA lines, Flash info issues, costs."""
    end = crisis.closed_at or timezone.now()
    rida = RidaLine.objects.filter(crisis=crisis)
    return {
        "duration_hours": round((end - crisis.detected_at).total_seconds() / 3600, 1),
        "journal_entries": crisis.journal_entry_count,
        "decisions": Decision.objects.filter(crisis=crisis).count(),
        "tickets": _count("tickets.Ticket", crisis),
        "alerts": None if (alerts := alerts_of(crisis)) is None else alerts.count(),
        "rida_lines": rida.count(),
        "rida_actions_open": rida.filter(kind=RidaLine.Kind.ACTION, status__in=RidaLine.OPEN_STATUSES).count(),
        "flash_infos": _count("comms.FlashInfo", crisis),
        "costs_total": str(cost_totals(crisis)["total"]),
    }


def chronology(crisis: Crisis, limit: int = 60) -> list[JournalEntry]:
    """Key events: decisions and urgent facts of the journal (latest versions only), in time order."""
    key = Q(kind=JournalEntry.Kind.DECISION) | Q(priority=JournalEntry.Priority.URGENT)
    return list(
        JournalEntry.objects.filter(key, crisis=crisis, corrects__isnull=True).order_by("occurred_at", "seq")[:limit]
    )
