"""Reads of the main courante: filters, pages, counters."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .. import search
from ..models import Crisis, JournalEntry, Membership


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
            .order_by()  # the model's order by n° would go into the DISTINCT and add a sort
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


class EntryKey:
    """What finds an entry's HTML in the fragment cache (web.fragments), read without the row's text."""

    __slots__ = ("pk", "seq", "hash", "is_corrected")

    def __init__(self, pk: int, seq: int, hash: str):  # noqa: A002 (the entry's field)
        self.pk, self.seq, self.hash, self.is_corrected = pk, seq, hash, False


def _page_rows(crisis: Crisis, filters: JournalFilters, before: int | None, order: str) -> QuerySet[JournalEntry]:
    """The journal from `before` on, newest first in `order`, by keyset (see journal_page)."""
    if order == JournalOrder.TIME:
        entries = journal_in_time_order(crisis, filters).reverse()
        if before:
            anchor = JournalEntry.objects.filter(crisis=crisis, seq=before).values("occurred_at").first()
            if anchor is not None:
                at = anchor["occurred_at"]
                entries = entries.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, seq__lt=before))
        return entries
    entries = _journal_rows(crisis, filters)
    return entries.filter(seq__lt=before) if before else entries


def _cut(rows: list, size: int) -> tuple[list, int | None]:
    """The page's rows and the cursor of the next page (None on the last one): one row more was read to know."""
    return journal_mark_corrected(rows[:size]), rows[size - 1].seq if len(rows) > size else None


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
    return _cut(list(_page_rows(crisis, filters, before, order)[: size + 1]), size)


def journal_page_keys(
    crisis: Crisis, filters: JournalFilters, before: int | None, size: int = 50, order: str = JournalOrder.ENTRY
) -> tuple[list[EntryKey], int | None]:
    """journal_page as EntryKeys: the page's HTML is mostly in the fragment cache, so its rows are read
    only for the entries missing there (journal_entries_by_key)."""
    rows = _page_rows(crisis, filters, before, order).values_list("pk", "seq", "hash")[: size + 1]
    return _cut([EntryKey(*row) for row in rows], size)


def journal_entries_by_key(crisis: Crisis, keys: list[EntryKey]) -> list[JournalEntry]:
    """The entries of these keys, in the same order, with the keys' corrected flags."""
    rows = journal_entries(crisis).filter(pk__in=[key.pk for key in keys]).in_bulk()
    entries = [rows[key.pk] for key in keys]
    for entry, key in zip(entries, keys, strict=True):
        entry.is_corrected = key.is_corrected
    return entries


# Past this many matches the page says "more than": an exact count of a common word visits every
# matching row (20,000 at 100,000 entries: 100 ms on PostgreSQL), for a figure nobody reads.
MATCH_COUNT_CAP = 1000


def journal_match_count(crisis: Crisis, filters: JournalFilters) -> int | None:
    """How many entries the filters match, up to MATCH_COUNT_CAP + 1 (meaning "more"); None when nothing filters."""
    if not filters.active:
        return None
    return filters.apply(JournalEntry.objects.filter(crisis=crisis)).order_by()[: MATCH_COUNT_CAP + 1].count()


def journal_authors(crisis: Crisis) -> QuerySet:
    return (
        Membership.objects.filter(establishment_id=crisis.establishment_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
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
    """The latest urgent entries in event-time order: what the dashboard's card shows of them, no more
    (it follows the journal, so it is read again after every entry)."""
    urgent = JournalEntry.objects.filter(crisis=crisis, priority=JournalEntry.Priority.URGENT)
    return list(urgent.order_by("-occurred_at", "-seq").only("seq", "occurred_at", "kind", "text")[:limit])
