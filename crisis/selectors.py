"""Reads shared by views, the API and documents."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import search
from .models import Crisis, JournalEntry, Membership, RecordChange, Shift

# Shifts separated by less than this are one stretch of duty.
DUTY_GAP = timedelta(hours=1)
MAX_CONTINUOUS_DUTY = timedelta(hours=12)
REST_WINDOW_DAYS = 7


class JournalOrder:
    """The two views of the journal: when things happened (default), or when they were typed."""

    TIME = "time"
    ENTRY = "entry"
    ALL = (TIME, ENTRY)


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
            entries = search.matching(entries, self.q)
        return entries

    @property
    def active(self) -> bool:
        return any((self.kind, self.priority, self.author, self.since, self.until, self.q.strip()))


def _journal_rows(crisis: Crisis, filters: JournalFilters | None) -> QuerySet[JournalEntry]:
    entries = JournalEntry.objects.filter(crisis=crisis).select_related("recorded_by", "corrects").order_by("-seq")
    return (filters or JournalFilters()).apply(entries)


def journal_entries(crisis: Crisis, filters: JournalFilters | None = None) -> QuerySet[JournalEntry]:
    """Entries newest first, with their author and corrected entry joined.

    Whether each is corrected is not annotated here (an EXISTS over the journal made
    PostgreSQL hash the whole table): call journal_mark_corrected on the rows read.
    """
    return _journal_rows(crisis, filters)


def journal_mark_corrected(rows: list[JournalEntry]) -> list[JournalEntry]:
    """Sets `is_corrected` on each row, from one query bounded by these rows' ids."""
    ids = [row.pk for row in rows]
    corrected = (
        set(
            JournalEntry.objects.filter(corrects__in=ids, corrects__isnull=False)
            .values_list("corrects_id", flat=True)
            .distinct()
        )
        if ids
        else set()
    )
    for row in rows:
        row.is_corrected = row.pk in corrected
    return rows


TIME_ORDER = ("occurred_at", "seq")


def journal_in_time_order(crisis: Crisis, filters: JournalFilters | None = None) -> QuerySet[JournalEntry]:
    """The journal in the order things happened (event time, then n°): the one order
    that the page (newest first) and the printed main courante (oldest first) share."""
    return _journal_rows(crisis, filters).order_by(*TIME_ORDER)


def journal_page(
    crisis: Crisis,
    filters: JournalFilters,
    before: int | None,
    size: int = 50,
    order: str = JournalOrder.ENTRY,
) -> tuple[list, int | None]:
    """One page, newest first, by keyset: cost does not grow with the journal's length.

    `before` is the n° of the last entry of the previous page, in either order: in
    event-time order the page continues after that entry's (event time, n°).
    Returns the entries (with is_corrected) and the cursor of the next page, or None.
    """
    if order == JournalOrder.TIME:
        entries = journal_in_time_order(crisis, filters).reverse()
        if before:
            anchor = JournalEntry.objects.filter(crisis=crisis, seq=before).values("occurred_at").first()
            if anchor is not None:
                at = anchor["occurred_at"]
                entries = entries.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, seq__lt=before))
    else:
        entries = _journal_rows(crisis, filters)
        if before:
            entries = entries.filter(seq__lt=before)
    rows = list(entries[: size + 1])
    next_before = rows[size - 1].seq if len(rows) > size else None
    return journal_mark_corrected(rows[:size]), next_before


def journal_match_count(crisis: Crisis, filters: JournalFilters) -> int | None:
    """How many entries the filters match, or None when nothing filters the journal."""
    if not filters.active:
        return None
    return filters.apply(JournalEntry.objects.filter(crisis=crisis)).count()


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
        # Time on duty counts this crisis's shifts; rest days count every crisis (an
        # exercise or a neighbour's crisis the same week tires the same person).
        here = [s for s in history[shift.holder_id] if s.crisis_id == crisis.pk]
        since = _stretch_start(here, now)
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


def journal_counters(crisis: Crisis, now: datetime | None = None) -> dict:
    """The dashboard's figures: counters kept on the crisis row, and the last hour by event time.

    Corrections are not new facts: they are not counted, and move the counts of the
    entry they correct (see services.journal). "Dernière heure" is what happened in the
    last hour, whenever it was typed: a count bounded by the (crisis, event time) index,
    so it reads only that hour's entries.
    """
    now = now or timezone.now()
    last_hour = JournalEntry.objects.filter(
        crisis=crisis, occurred_at__gt=now - timedelta(hours=1), occurred_at__lte=now, corrects__isnull=True
    ).count()
    return {
        "total": crisis.journal_entry_count,
        "urgent": crisis.journal_urgent_count,
        "decisions": crisis.journal_decision_count,
        "actions": crisis.journal_action_count,
        "communications": crisis.journal_communication_count,
        "last_hour": last_hour,
    }


def latest_urgent(crisis: Crisis, limit: int = 5) -> list[JournalEntry]:
    """The latest urgent entries in event-time order, with their corrected flags."""
    urgent = journal_in_time_order(crisis).filter(priority=JournalEntry.Priority.URGENT).reverse()
    return journal_mark_corrected(list(urgent[:limit]))


def history_of(obj) -> QuerySet:
    """Every recorded change of one record, newest first."""
    return RecordChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("changed_by", "content_type")
