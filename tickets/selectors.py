"""Reads of tickets and alerts, shared by the pages, the API, the card, the agenda and the Flash info."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from crisis.models import Crisis

from .models import Alert, Ticket

# A problem's weight in the top incidents: a P1 report counts four times a P4 one.
PRIORITY_WEIGHT = {1: 4, 2: 3, 3: 2, 4: 1}
FILTERS = ("status", "priority", "category", "service", "track", "patient_safety", "q")


def tickets_of(establishment_id: int, crisis: Crisis | None = None) -> QuerySet:
    tickets = Ticket.objects.filter(establishment_id=establishment_id).select_related(
        "service", "application", "assigned_to", "merged_into", "rida_line"
    )
    if crisis is not None:
        tickets = tickets.filter(crisis=crisis)
    return tickets


def filtered(tickets: QuerySet, filters: dict) -> QuerySet:
    """The tickets matching the board's and the API's filters (already validated values)."""
    for name in ("status", "priority", "category", "track"):
        if filters.get(name) not in (None, ""):
            tickets = tickets.filter(**{name: filters[name]})
    if filters.get("service"):
        tickets = tickets.filter(service_id=filters["service"])
    if filters.get("patient_safety") is not None and filters.get("patient_safety") != "":
        tickets = tickets.filter(patient_safety=filters["patient_safety"])
    if q := (filters.get("q") or "").strip():
        words = Q()
        for name in ("description", "reporter_name", "reporter_service", "application_name", "application__name"):
            words |= Q(**{f"{name}__icontains": q})
        if q.upper().startswith("T-") and q[2:].isdigit():
            words |= Q(seq=int(q[2:]))
        tickets = tickets.filter(words)
    return tickets


@dataclass
class Column:
    status: str
    label: str
    tickets: list = field(default_factory=list)
    count: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.tickets)


COLUMN_SIZE = 30  # cards shown per column; the count says how many there are


def board(tickets: QuerySet, *, closed_days: int = 3, size: int = COLUMN_SIZE) -> list[Column]:
    """Columns by status, the oldest P1 on top of each (priority, then age), each cut at `size` cards
    (one count query and one query per column, whatever the number of tickets). Merged duplicates
    stay off the board (their survivor carries them); closed and rejected ones of the last days only."""
    since = timezone.now() - timedelta(days=closed_days)
    shown = tickets.filter(merged_into__isnull=True).filter(
        Q(status__in=Ticket.OPEN_STATUSES + (Ticket.Status.RESOLU,)) | Q(updated_at__gte=since)
    )
    counts = dict(shown.order_by().values_list("status").annotate(n=Count("pk")))
    columns = []
    for status, label in Ticket.Status.choices:
        column = Column(status, label, count=counts.get(status, 0))
        if column.count:
            column.tickets = list(shown.filter(status=status).order_by("priority", "created_at", "pk")[:size])
        columns.append(column)
    cards = [ticket for column in columns for ticket in column.tickets]
    duplicates = dict(
        Ticket.objects.filter(merged_into__in=[t.pk for t in cards])
        .values_list("merged_into")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for ticket in cards:
        ticket.duplicates = duplicates.get(ticket.pk, 0)
    return columns


def reporters_of(ticket: Ticket) -> list[Ticket]:
    """The ticket and the duplicates merged into it: every reporter who gets the answer."""
    return [ticket, *Ticket.objects.filter(merged_into=ticket).order_by("created_at")]


def top_incidents(crisis: Crisis, *, hours: int = 72, now: datetime | None = None) -> list[dict]:
    """The most reported problems of the crisis's last `hours`, best first: grouped by category and
    application, scored by the number of reports weighted by their priority (rejected ones left out).

    Each: {category, category_label, application, count, tickets, score}; tickets are the Ticket
    objects (each with its answer), most urgent first.
    """
    since = (now or timezone.now()) - timedelta(hours=hours)
    tickets = (
        Ticket.objects.filter(crisis=crisis, created_at__gte=since)
        .exclude(status=Ticket.Status.REJETE)
        .select_related("service", "application")
        .prefetch_related("merged")
        .order_by("priority", "created_at", "pk")
    )
    groups: dict[tuple[str, str], dict] = {}
    for ticket in tickets:
        application = ticket.application_label.strip()
        key = (ticket.category, application.casefold())  # the map's name, or the same words typed freely
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "category": ticket.category,
                "category_label": str(Ticket.Category(ticket.category).label),
                "application": application,
                "count": 0,
                "tickets": [],
                "score": 0,
            }
        group["count"] += 1
        group["tickets"].append(ticket)
        group["score"] += PRIORITY_WEIGHT.get(ticket.priority, 1)
    return sorted(groups.values(), key=lambda g: (-g["score"], -g["count"], g["category"], g["application"]))


def new_signalements_since(crisis: Crisis, since: datetime | None) -> list[Ticket]:
    """The meeting agenda's section: the crisis's signalements filed since the last point, most urgent first."""
    tickets = Ticket.objects.filter(crisis=crisis, merged_into__isnull=True).exclude(status=Ticket.Status.REJETE)
    if since is not None:
        tickets = tickets.filter(created_at__gt=since)
    return list(tickets.order_by("priority", "created_at", "pk")[:50])


def card_summary(establishment_id: int, crisis: Crisis | None = None) -> dict:
    """Open tickets by priority, the oldest P1, the patient-safety ones: one grouped count, and the
    oldest P1 asked only when there is one."""
    open_tickets = Ticket.objects.filter(
        establishment_id=establishment_id, status__in=Ticket.OPEN_STATUSES, merged_into__isnull=True
    )
    if crisis is not None:
        open_tickets = open_tickets.filter(crisis=crisis)
    by_priority, total, safety = dict.fromkeys((1, 2, 3, 4), 0), 0, 0
    for priority, patient_safety, n in (
        open_tickets.values_list("priority", "patient_safety").annotate(n=Count("pk")).order_by()
    ):
        total += n
        safety += n if patient_safety else 0
        if priority in by_priority:
            by_priority[priority] += n
    oldest_p1 = open_tickets.filter(priority=1).order_by("created_at", "pk").first() if by_priority[1] else None
    return {
        "total": total,
        "by_priority": list(by_priority.items()),
        "safety": safety,
        "oldest_p1": oldest_p1,
    }


# --- alerts -------------------------------------------------------------------------


def alerts_of(establishment_id: int) -> QuerySet:
    return Alert.objects.filter(establishment_id=establishment_id).select_related("source", "status_by", "ticket")


def alerts_filtered(alerts: QuerySet, filters: dict) -> QuerySet:
    for name in ("status", "severity"):
        if filters.get(name):
            alerts = alerts.filter(**{name: filters[name]})
    if filters.get("host"):
        alerts = alerts.filter(host__icontains=filters["host"])
    if filters.get("since"):
        alerts = alerts.filter(detected_at__gte=filters["since"])
    return alerts


def banner_alerts(establishment_ids: list[int], limit: int = 5) -> tuple[int, list[Alert]]:
    """The critical and high alerts nobody has taken yet, in these establishments: (how many, the first few)."""
    alerts = Alert.objects.filter(
        establishment_id__in=establishment_ids, status=Alert.Status.NOUVELLE, severity__in=Alert.URGENT
    ).select_related("establishment")
    found = list(alerts.order_by("severity", "-detected_at", "-pk")[: limit + 1])
    count = len(found) if len(found) <= limit else alerts.count()
    return count, found[:limit]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first instant of a "YYYY-MM" month and of the next, in the establishment's time zone."""
    year, number = (int(part) for part in month.split("-"))
    start = timezone.make_aware(datetime(year, number, 1))
    end = timezone.make_aware(datetime(year + number // 12, number % 12 + 1, 1))
    return start, end


def monthly_report(establishment_id: int, month: str) -> dict:
    """A month of alerts: received, resolved, false positives, by severity and by host, median time to resolve."""
    start, end = month_bounds(month)
    received = Alert.objects.filter(establishment_id=establishment_id, detected_at__gte=start, detected_at__lt=end)
    by_severity = dict(received.values_list("severity").annotate(n=Count("pk")).order_by())
    by_host = list(received.exclude(host="").values("host").annotate(count=Count("pk")).order_by("-count", "host")[:20])
    resolved = Alert.objects.filter(
        establishment_id=establishment_id, status=Alert.Status.RESOLUE, resolved_at__gte=start, resolved_at__lt=end
    )
    durations = [
        (resolved_at - detected_at).total_seconds() / 60
        for detected_at, resolved_at in resolved.values_list("detected_at", "resolved_at")
    ]
    false_positives = Alert.objects.filter(
        establishment_id=establishment_id,
        status=Alert.Status.FAUX_POSITIF,
        resolved_at__gte=start,
        resolved_at__lt=end,
    ).count()
    return {
        "month": month,
        "received": received.count(),
        "resolved": len(durations),
        "false_positives": false_positives,
        "by_severity": {severity: by_severity.get(severity, 0) for severity in Alert.SEVERITY_ORDER},
        "by_host": [{"host": row["host"], "count": row["count"]} for row in by_host],
        "median_minutes_to_resolve": round(statistics.median(durations), 1) if durations else None,
    }


def banner_establishments(user) -> list[int]:
    """The establishments where this user holds a role that sees the alert banner (one query)."""
    from crisis.models import Membership

    from .access import BANNER_ROLES

    return list(
        Membership.objects.filter(user=user, is_active=True, role__in=BANNER_ROLES).values_list(
            "establishment_id", flat=True
        )
    )


def banner_version(user) -> str:
    """The banner's version for this user: the sum of the alerts' counters of their banner establishments
    (one query, the access rule inside it: a user without such a role gets 0 and nothing to show)."""
    from django.db.models import Sum

    from crisis.models import LiveTopic, Membership

    from .access import BANNER_ROLES
    from .models import ALERTS_TOPIC

    total = LiveTopic.objects.filter(
        topic=ALERTS_TOPIC,
        crisis__isnull=True,
        establishment_id__in=Membership.objects.filter(user=user, is_active=True, role__in=BANNER_ROLES).values(
            "establishment_id"
        ),
    ).aggregate(total=Sum("version"))["total"]
    return str(total or 0)
