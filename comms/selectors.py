"""Reads of comms, shared by pages, API, documents and cards."""

from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz, process

from crisis.models import Crisis, Establishment

from .models import Acknowledgement, Call, CallList, DirectoryEntry, FlashInfo, Message, sort_key

STALE_AFTER = timedelta(days=183)  # an entry not checked for six months is flagged
SEARCH_LIMIT = 50
FUZZY_CUTOFF = 80


def directory_of(establishment: Establishment | int) -> QuerySet:
    pk = getattr(establishment, "pk", establishment)
    return (
        DirectoryEntry.objects.filter(establishment_id=pk)
        .select_related("service", "deputy")
        .order_by("sort_name", "pk")
    )


def stale_before(today=None):
    return (today or timezone.localdate()) - STALE_AFTER


def is_stale(entry: DirectoryEntry, today=None) -> bool:
    return entry.checked_at is None or entry.checked_at < stale_before(today)


def directory_search(establishment: Establishment, query: str, *, limit: int = SEARCH_LIMIT) -> list[DirectoryEntry]:
    """People and contacts matching a query, accents and case ignored, typos tolerated ("lefevre" and
    "lefebvre" find "Lefèvre"). The folded column answers exact substrings first (one indexed scan);
    only when that finds nothing are the names compared one by one (rapidfuzz, a few ms for 3,000)."""
    folded = sort_key(query)
    if not folded:
        return list(directory_of(establishment)[:limit])
    words = folded.split()
    exact = directory_of(establishment)
    for word in words:
        exact = exact.filter(search_text__contains=word)
    found = list(exact[:limit])
    if found:
        return found
    names = dict(DirectoryEntry.objects.filter(establishment=establishment).values_list("pk", "search_text").iterator())
    scores: dict[int, float] = {}
    for word in words:
        for _text, score, pk in process.extract(
            word, names, scorer=fuzz.partial_ratio, limit=None, score_cutoff=FUZZY_CUTOFF
        ):
            scores[pk] = scores.get(pk, 0) + score
    # Every word must match somewhere; the best summed scores first.
    ranked = [pk for pk, score in sorted(scores.items(), key=lambda kv: -kv[1]) if score >= FUZZY_CUTOFF * len(words)]
    ranked = ranked[:limit]
    by_pk = directory_of(establishment).in_bulk(ranked)
    return [by_pk[pk] for pk in ranked if pk in by_pk]


def phones_of_users(establishment_id: int, user_ids) -> dict[int, list[tuple[str, str]]]:
    """The directory's numbers of these console users (the roster shows them), by user id."""
    entries = DirectoryEntry.objects.filter(establishment_id=establishment_id, user_id__in=list(user_ids))
    return {e.user_id: e.phones for e in entries}


# --- call lists ---------------------------------------------------------------


def call_lists_of(crisis: Crisis) -> QuerySet:
    reached = Q(calls__outcome__in=[Call.Outcome.REACHED, Call.Outcome.COMING])
    return CallList.objects.filter(crisis=crisis).annotate(
        total=Count("calls", distinct=True),
        reached_count=Count("calls", filter=reached, distinct=True),
        coming_count=Count("calls", filter=Q(calls__outcome=Call.Outcome.COMING), distinct=True),
    )


def calls_of(call_list: CallList) -> QuerySet:
    return call_list.calls.select_related("person__service", "by").prefetch_related("sms").order_by("position", "pk")


# --- Flash info ---------------------------------------------------------------


def flash_of(crisis: Crisis) -> QuerySet:
    return FlashInfo.objects.filter(crisis=crisis).select_related("zoom_service", "published_by", "validated_by")


def next_flash_number(crisis: Crisis) -> int:
    return (FlashInfo.objects.filter(crisis=crisis).aggregate(n=Max("number"))["n"] or 0) + 1


def flash_incidents(crisis: Crisis) -> list[dict]:
    """The 3 main incidents of the last 72 hours, with the answer given to each, best first.

    WIRING POINT (tickets): tickets.selectors.top_incidents(crisis, hours=72) is not in main yet;
    until it is, the draft's incidents are left for the editor to fill."""
    return []


def situation_summary(crisis: Crisis) -> dict:
    """What has been restored and what is still down, as text lines.

    WIRING POINT (continuity): continuity.selectors.situation(crisis) is not in main yet."""
    return {"restored": "", "still_down": ""}


def zoom_of_the_day(crisis: Crisis):
    """(service, text): how one service works during the outage, from its degraded-mode procedure, taking
    the services in turn from one issue to the next.

    WIRING POINT (continuity): continuity.selectors.published_procedures(establishment) is not in main yet."""
    return None, ""


# --- messages, acknowledgements, the dashboard ----------------------------------


def messages_of(crisis: Crisis) -> QuerySet:
    return Message.objects.filter(crisis=crisis).select_related("approved_by", "published_by", "created_by")


def unacknowledged(message: Message) -> QuerySet:
    return Acknowledgement.objects.filter(message=message, acknowledged_at__isnull=True).select_related("service")


def dashboard(crisis: Crisis) -> dict:
    last = flash_of(crisis).filter(status=FlashInfo.Status.PUBLISHED).order_by("-number").first()
    return {
        "crisis": crisis,
        "last_flash": last,
        "next_due_at": last.next_due_at if last else None,
        "overdue": bool(last and last.next_due_at and last.next_due_at < timezone.now()),
        "awaiting_approval": Message.objects.filter(crisis=crisis, status=Message.Status.DRAFT).count()
        + FlashInfo.objects.filter(
            crisis=crisis, status__in=[FlashInfo.Status.DRAFT, FlashInfo.Status.VALIDATED]
        ).count(),
        "call_lists": list(call_lists_of(crisis).filter(status=CallList.Status.IN_PROGRESS)[:5]),
        "unacknowledged": Acknowledgement.objects.filter(message__crisis=crisis, acknowledged_at__isnull=True).count(),
    }
