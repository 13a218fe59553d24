"""Reads of comms, shared by pages, API, documents and cards."""

from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from continuity.models import ApplicationStatus
from continuity.selectors import published_procedures, situation
from crisis.models import Crisis, Establishment
from tickets.selectors import top_incidents

from .models import Acknowledgement, Call, CallList, DirectoryEntry, FlashInfo, Message, sort_key

STALE_AFTER = timedelta(days=183)  # an entry not checked for six months is flagged
SEARCH_LIMIT = 50
FUZZY_CUTOFF = 80
FLASH_INCIDENTS = 3  # the bulletin's "3 main incidents of the last 72 hours"
ZOOM_LENGTH = 900  # characters of a procedure the draft's zoom takes


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
    """The 3 main incidents of the last 72 hours (the tickets' top incidents), best first, each with the
    answer given: the first answered ticket of its group."""
    incidents = []
    for group in top_incidents(crisis, hours=72)[:FLASH_INCIDENTS]:
        title = group["category_label"] + (f" — {group['application']}" if group["application"] else "")
        answer = next((t.answer.strip() for t in group["tickets"] if (t.answer or "").strip()), "")
        incidents.append({"title": title, "answer": answer, "count": group["count"]})
    return incidents


def situation_summary(crisis: Crisis) -> dict:
    """What has been restored (reported operational in this crisis) and what is still down or degraded,
    one line per application, from continuity's situation board."""

    def line(row, *, restartable: bool = False) -> str:
        status = row.status
        text = f"- {row.application.name}"
        if row.status_value == ApplicationStatus.Status.DEGRADED:
            text += " " + _("(dégradé)")
        if status is not None and status.comment.strip():
            text += f" : {status.comment.strip()}"
        if status is not None and status.eta and row.is_down:
            text += " " + _("— retour estimé le %(at)s") % {
                "at": timezone.localtime(status.eta).strftime("%d/%m %H:%M")
            }
        if restartable:
            text += " " + _("— redémarrage possible")
        return text

    board = situation(crisis)
    restored = [line(r) for r in board.rows if r.status_value == ApplicationStatus.Status.UP]
    down = [line(r, restartable=r.restartable_now) for r in board.rows if r.is_down]
    return {"restored": "\n".join(restored), "still_down": "\n".join(down)}


def zoom_of_the_day(crisis: Crisis):
    """(service, text): how one service works during the outage, from its published degraded-mode
    procedure; the services take turns from one issue to the next. The text is the procedure's, its
    Markdown marks dropped, whole lines up to about ZOOM_LENGTH characters (the editor shortens it)."""
    versions = [v for v in published_procedures(crisis.establishment) if v.procedure.service_id]
    if not versions:
        return None, ""
    version = versions[(next_flash_number(crisis) - 1) % len(versions)]
    lines = [version.title]
    for raw in version.body.splitlines():
        text = raw.strip().lstrip("#>").strip()
        if text and sum(len(line) for line in lines) < ZOOM_LENGTH:
            lines.append(text)
    return version.procedure.service, "\n".join(lines)


# --- messages, acknowledgements, the dashboard ----------------------------------


def messages_of(crisis: Crisis) -> QuerySet:
    return Message.objects.filter(crisis=crisis).select_related("approved_by", "published_by", "created_by")


def unacknowledged(message: Message) -> QuerySet:
    return Acknowledgement.objects.filter(message=message, acknowledged_at__isnull=True).select_related("service")


def dashboard(crisis: Crisis) -> dict:
    """What the crisis dashboard's card shows (the comms page adds unacknowledged_count): the last Flash
    info published and those awaiting approval from one read of the crisis's bulletins (a few dozen, two
    ORM queries before), the draft messages counted, the call lists in progress. The card is on every
    dashboard render: nothing is joined or counted that it does not show."""
    last, drafts = None, 0
    fields = ("id", "number", "published_at", "next_due_at")
    for status, *values in FlashInfo.objects.filter(crisis=crisis).values_list("status", *fields).order_by():
        if status in (FlashInfo.Status.DRAFT, FlashInfo.Status.VALIDATED):
            drafts += 1
        elif status == FlashInfo.Status.PUBLISHED and (last is None or values[1] > last[1]):
            last = values
    last_flash = _flash_from(dict(zip(fields, last, strict=True)) | {"crisis_id": crisis.pk}) if last else None
    return {
        "crisis": crisis,
        "last_flash": last_flash,
        "next_due_at": last_flash.next_due_at if last_flash else None,
        "overdue": bool(last_flash and last_flash.next_due_at and last_flash.next_due_at < timezone.now()),
        "awaiting_approval": Message.objects.filter(crisis=crisis, status=Message.Status.DRAFT).count() + drafts,
        "call_lists": call_lists_in_progress(crisis),
    }


def _flash_from(values: dict) -> FlashInfo:
    """A Flash info as the ORM's .only() would give it: these fields, the others read if ever asked."""
    names = [f.attname for f in FlashInfo._meta.concrete_fields if f.attname in values]
    return FlashInfo.from_db(FlashInfo.objects.db, names, [values[name] for name in names])


def unacknowledged_count(crisis: Crisis) -> int:
    """Acknowledgements the units still owe, every message of the crisis together (the comms page says it)."""
    return Acknowledgement.objects.filter(message__crisis=crisis, acknowledged_at__isnull=True).count()


def call_lists_in_progress(crisis: Crisis, limit: int = 5) -> list[CallList]:
    """The latest call lists in progress, each with its calls counted (total, reached), as call_lists_of
    counts them; the counts are asked only when there is a list to count."""
    lists = list(CallList.objects.filter(crisis=crisis, status=CallList.Status.IN_PROGRESS).only("pk", "title")[:limit])
    if not lists:
        return lists
    reached = Q(outcome__in=[Call.Outcome.REACHED, Call.Outcome.COMING])
    counts = {
        pk: (total, reached_count)
        for pk, total, reached_count in Call.objects.filter(call_list__in=lists)
        .values_list("call_list_id")
        .annotate(total=Count("pk"), reached_count=Count("pk", filter=reached))
        .order_by()
    }
    for call_list in lists:
        call_list.total, call_list.reached_count = counts.get(call_list.pk, (0, 0))
    return lists
