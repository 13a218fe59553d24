"""Reads shared by views, the API and documents."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Crisis, JournalEntry, Membership, RecordChange, Shift

# Shifts separated by less than this are one stretch of duty.
DUTY_GAP = timedelta(hours=1)
MAX_CONTINUOUS_DUTY = timedelta(hours=12)
REST_WINDOW_DAYS = 7


@dataclass
class JournalFilters:
    kind: str = ""
    priority: str = ""
    author: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str = ""

    def apply(self, entries: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
        if self.kind:
            entries = entries.filter(kind=self.kind)
        if self.priority:
            entries = entries.filter(priority=self.priority)
        if self.author:
            entries = entries.filter(recorded_by_id=self.author)
        if self.since:
            entries = entries.filter(occurred_at__gte=self.since)
        if self.until:
            entries = entries.filter(occurred_at__lte=self.until)
        if self.q:
            entries = entries.filter(
                Q(text__icontains=self.q) | Q(sender__icontains=self.q) | Q(recipient__icontains=self.q)
            )
        return entries


def _journal_rows(crisis: Crisis, filters: JournalFilters | None) -> QuerySet[JournalEntry]:
    entries = JournalEntry.objects.filter(crisis=crisis).select_related("recorded_by", "corrects").order_by("-seq")
    return (filters or JournalFilters()).apply(entries)


def journal_entries(crisis: Crisis, filters: JournalFilters | None = None) -> QuerySet[JournalEntry]:
    """Entries newest first, with what a line needs to show (author, corrected or not)."""
    return _journal_rows(crisis, filters).annotate(
        is_corrected=Exists(JournalEntry.objects.filter(corrects=OuterRef("pk")))
    )


def journal_page(
    crisis: Crisis, filters: JournalFilters, before: int | None, size: int = 50
) -> tuple[list, int | None]:
    """One page by keyset (seq < before): cost does not grow with the journal's length.

    The "corrected" flags come from a second query bounded by the page: as a
    correlated EXISTS, PostgreSQL hashes every entry of the crisis instead.
    Returns the entries and the cursor of the next (older) page, or None.
    """
    entries = _journal_rows(crisis, filters)
    if before:
        entries = entries.filter(seq__lt=before)
    rows = list(entries[: size + 1])
    next_before = rows[size - 1].seq if len(rows) > size else None
    rows = rows[:size]
    corrected = set(
        JournalEntry.objects.filter(corrects__in=[row.pk for row in rows]).values_list("corrects_id", flat=True)
    )
    for row in rows:
        row.is_corrected = row.pk in corrected
    return rows, next_before


def journal_in_time_order(crisis: Crisis) -> QuerySet[JournalEntry]:
    """The whole journal in the order things happened, for print and export."""
    return journal_entries(crisis).order_by("occurred_at", "seq")


def journal_authors(crisis: Crisis) -> QuerySet:
    return (
        Membership.objects.filter(establishment_id=crisis.establishment_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


@dataclass
class DutyStatus:
    shift: Shift
    on_duty_since: datetime
    hours_on_duty: float
    over_continuous_limit: bool
    no_rest_day: bool
    warnings: list[str] = field(default_factory=list)


def _duty_days(shifts: list[Shift], now: datetime) -> set[date]:
    days = set()
    for shift in shifts:
        day = timezone.localtime(shift.started_at).date()
        last = timezone.localtime(shift.ended_at or now).date()
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def _stretch_start(shifts: list[Shift], now: datetime) -> datetime:
    """Start of the current continuous stretch: walk back while gaps stay under DUTY_GAP."""
    ordered = sorted(shifts, key=lambda s: s.started_at, reverse=True)
    start = ordered[0].started_at
    for previous in ordered[1:]:
        if start - (previous.ended_at or now) > DUTY_GAP:
            break
        start = min(start, previous.started_at)
    return start


def roster(crisis: Crisis) -> list[DutyStatus]:
    """Who holds which role now, with hours on duty and fatigue warnings."""
    from django.utils.translation import gettext as _

    now = timezone.now()
    current = list(
        Shift.objects.filter(crisis=crisis, ended_at__isnull=True)
        .select_related("holder", "deputy", "handed_over_from__holder")
        .order_by("role")
    )
    holders = {s.holder_id for s in current}
    window_start = now - timedelta(days=REST_WINDOW_DAYS + 1)
    history: dict[int, list[Shift]] = {h: [] for h in holders}
    for shift in Shift.objects.filter(holder_id__in=holders).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=window_start)
    ):
        history[shift.holder_id].append(shift)
    today = timezone.localdate()
    last_week = {today - timedelta(days=n) for n in range(REST_WINDOW_DAYS)}
    statuses = []
    for shift in current:
        since = _stretch_start(history[shift.holder_id], now)
        on_duty = now - since
        no_rest = last_week <= _duty_days(history[shift.holder_id], now)
        status = DutyStatus(shift, since, on_duty.total_seconds() / 3600, on_duty > MAX_CONTINUOUS_DUTY, no_rest)
        if status.over_continuous_limit:
            status.warnings.append(_("En poste depuis plus de 12 h d'affilée : prévoir la relève."))
        if no_rest:
            status.warnings.append(_("Aucun jour de repos depuis 7 jours."))
        statuses.append(status)
    return statuses


def handovers(crisis: Crisis, limit: int = 20) -> QuerySet[Shift]:
    return (
        Shift.objects.filter(crisis=crisis, handed_over_from__isnull=False)
        .select_related("holder", "handed_over_from__holder")
        .order_by("-started_at")[:limit]
    )


def journal_counters(crisis: Crisis) -> dict:
    totals = JournalEntry.objects.filter(crisis=crisis).aggregate(
        total=Count("pk"),
        urgent=Count("pk", filter=Q(priority=JournalEntry.Priority.URGENT)),
        decisions=Count("pk", filter=Q(kind=JournalEntry.Kind.DECISION)),
        actions=Count("pk", filter=Q(kind=JournalEntry.Kind.ACTION)),
        last_hour=Count("pk", filter=Q(recorded_at__gte=timezone.now() - timedelta(hours=1))),
    )
    return totals


def latest_urgent(crisis: Crisis, limit: int = 5) -> QuerySet[JournalEntry]:
    return journal_entries(crisis).filter(priority=JournalEntry.Priority.URGENT)[:limit]


def history_of(obj) -> QuerySet:
    """Every recorded change of one record, newest first."""
    return RecordChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("changed_by", "content_type")
