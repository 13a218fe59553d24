"""Reads of the RIDA table."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from ..models import Crisis, RidaLine, search_key


@dataclass
class RidaFilters:
    """Filters of the RIDA table, its exports and the API (the same names everywhere)."""

    kind: str = ""
    status: str = ""
    owner: int | None = None
    theme: str = ""
    overdue: bool = False
    q: str = ""
    meeting: int | None = None

    def apply(self, lines: QuerySet, now: datetime | None = None) -> QuerySet:
        if self.kind:
            lines = lines.filter(kind=self.kind)
        if self.status:
            lines = lines.filter(status=self.status)
        if self.owner:
            lines = lines.filter(owner_id=self.owner)
        if self.theme:
            lines = lines.filter(theme=self.theme)
        if self.meeting:
            lines = lines.filter(meeting_id=self.meeting)
        if self.overdue:
            lines = lines.filter(status__in=RidaLine.OPEN_STATUSES, due_at__lte=now or timezone.now())
        if self.q and (key := search_key(self.q).strip()):
            for word in key.split()[:8]:  # every word, in any order, accents and case ignored
                lines = lines.filter(search_text__contains=word)
        return lines


def rida_lines(crisis: Crisis, filters: RidaFilters | None = None) -> QuerySet:
    """Lines newest first with what a row shows (owner, source entry, meeting) joined: no query per row."""
    lines = RidaLine.objects.filter(crisis=crisis).select_related(
        "owner", "created_by", "closure_validated_by", "source_entry", "meeting"
    )
    return (filters or RidaFilters()).apply(lines).order_by("-seq")


def rida_page(crisis: Crisis, filters: RidaFilters, page: int, size: int = 50) -> tuple[list, int, int]:
    """One page of the table (newest first), the number of matching lines and of pages."""
    lines = rida_lines(crisis, filters)
    total = lines.count()
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    return list(lines[(page - 1) * size : page * size]), total, pages


def rida_page_keys(crisis: Crisis, filters: RidaFilters, page: int, size: int = 50) -> tuple[list, int, int, int]:
    """What a live poll compares: the (pk, seq, live_version) of one page's lines, the number of matching
    lines and of pages, and the page (past the last, the last), without reading the lines themselves."""
    lines = (filters or RidaFilters()).apply(RidaLine.objects.filter(crisis=crisis)).order_by("-seq")
    total = lines.count()
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    keys = list(lines.values_list("pk", "seq", "live_version")[(page - 1) * size : page * size])
    return keys, total, pages, page


def rida_lines_by_pk(crisis: Crisis, pks) -> list:
    """These lines with what a row of the table shows (its owner, source entry, meeting) joined."""
    if not pks:
        return []
    lines = RidaLine.objects.filter(crisis=crisis, pk__in=list(pks))
    return list(lines.select_related("owner", "source_entry", "meeting").order_by())


def rida_in_number_order(crisis: Crisis, filters: RidaFilters | None = None) -> QuerySet:
    """Every matching line in number order: exports and the printed RIDA sheet."""
    return rida_lines(crisis, filters).order_by("seq")


def rida_themes(crisis: Crisis) -> list[str]:
    themes = RidaLine.objects.filter(crisis=crisis).exclude(theme="").values_list("theme", flat=True).distinct()
    return sorted(themes.order_by(), key=str.casefold)


def my_open_actions(crisis: Crisis, user, limit: int = 5) -> QuerySet:
    return (
        RidaLine.objects.filter(crisis=crisis, owner=user, status__in=RidaLine.OPEN_STATUSES)
        .order_by(F("due_at").asc(nulls_last=True), "seq")
        .select_related("owner")[:limit]
    )


def rida_counters(crisis: Crisis, user, now: datetime | None = None) -> dict:
    """Open, overdue, mine and my overdue lines, in one query."""
    now = now or timezone.now()
    open_lines = Q(status__in=RidaLine.OPEN_STATUSES)
    late = open_lines & Q(due_at__lte=now)
    return RidaLine.objects.filter(crisis=crisis).aggregate(
        open=Count("pk", filter=open_lines),
        overdue=Count("pk", filter=late),
        mine=Count("pk", filter=open_lines & Q(owner=user)),
        my_overdue=Count("pk", filter=late & Q(owner=user)),
        next_due=Min("due_at", filter=open_lines & Q(due_at__gt=now)),
    )
