"""Reads shared by views, the API and documents."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import search
from .models import Crisis, Decision, JournalEntry, Meeting, Membership, RecordChange, RidaLine, Shift, search_key

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


# --- RIDA ---------------------------------------------------------------------


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


def rida_in_number_order(crisis: Crisis, filters: RidaFilters | None = None) -> QuerySet:
    """Every matching line in number order: exports and the printed RIDA sheet."""
    return rida_lines(crisis, filters).order_by("seq")


def rida_themes(crisis: Crisis) -> list[str]:
    themes = RidaLine.objects.filter(crisis=crisis).exclude(theme="").values_list("theme", flat=True).distinct()
    return sorted(themes.order_by(), key=str.casefold)


def rida_line_of(crisis: Crisis, line_id: int):
    """The line of this crisis, or None (the caller answers 404)."""
    return rida_lines(crisis).filter(pk=line_id).first()


@dataclass
class HistoryRow:
    at: datetime
    by_id: int | None
    by_label: str
    action: str
    field: str
    label: str
    before: object
    after: object
    before_shown: str
    after_shown: str


def rida_history(line) -> list[HistoryRow]:
    """The line's history, newest first, one row per changed field, values as a person reads them."""
    changes = list(history_of(line))
    related = _related_names(type(line), changes)
    rows = []
    for change in changes:
        by = change.changed_by
        by_label = (by.get_full_name() or by.username) if by else change.source
        for name in sorted(change.before.keys() | change.after.keys()):
            field_ = type(line)._meta.get_field(name)
            before, after = change.before.get(name), change.after.get(name)
            rows.append(
                HistoryRow(
                    at=change.changed_at,
                    by_id=change.changed_by_id,
                    by_label=by_label,
                    action=change.action,
                    field=name,
                    label=str(field_.verbose_name),
                    before=before,
                    after=after,
                    before_shown=_history_shown(field_, before, related),
                    after_shown=_history_shown(field_, after, related),
                )
            )
    return rows


def _related_names(model, changes: list[RecordChange]) -> dict:
    """{(related model, pk): name} for every related value in these changes, one query per related model."""
    wanted: dict = {}
    for change in changes:
        for name, value in [*change.before.items(), *change.after.items()]:
            field_ = model._meta.get_field(name)
            if field_.is_relation and value is not None:
                wanted.setdefault(field_.related_model, set()).add(value)
    names = {}
    for related_model, pks in wanted.items():
        for pk, obj in related_model._base_manager.in_bulk(pks).items():
            label = obj.get_full_name() or obj.get_username() if hasattr(obj, "get_full_name") else str(obj)
            names[(related_model, pk)] = label
    return names


def _history_shown(field_, value, related: dict) -> str:
    if value in (None, ""):
        return "—"
    if field_.is_relation:
        return related.get((field_.related_model, value), f"#{value}")
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(value, str) and field_.get_internal_type() == "DateTimeField" and (moment := parse_datetime(value)):
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    return str(value)


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


# --- decisions ------------------------------------------------------------------


@dataclass
class GateState:
    gate: str
    label: str
    in_effect: bool
    last: object  # the latest Decision of this gate, or None


@dataclass
class DecisionsState:
    gates: list[GateState]
    closure: object | None  # the decision keeping the emergency department closed, if any
    closed_since: datetime | None
    next_reassessment: datetime | None
    reassessment_due: bool
    network_cut_since: datetime | None
    plan_blanc_since: datetime | None
    diversions: list


# Gates that end another's effect: the latest of a pair is the one in effect.
GATE_PAIRS = {
    "plan_blanc_declenche": "plan_blanc_leve",
    "urgences_fermees": "urgences_rouvertes",
    "coupure_reseau": "reconnexion_internet",
}


def decisions_state(crisis: Crisis, now: datetime | None = None) -> DecisionsState:
    """The current state of every gate, from the latest decision of each (one query)."""
    now = now or timezone.now()
    decisions = list(Decision.objects.filter(crisis=crisis).order_by("occurred_at", "pk"))
    latest = {}
    for decision in decisions:
        latest[decision.gate] = decision
    pair_of = {**GATE_PAIRS, **{off: on for on, off in GATE_PAIRS.items()}}

    def in_effect(gate: str) -> bool:
        last = latest.get(gate)
        if last is None:
            return False
        other = latest.get(pair_of.get(gate, ""))
        return other is None or (other.occurred_at, other.pk) < (last.occurred_at, last.pk)

    gates = [GateState(gate, str(label), in_effect(gate), latest.get(gate)) for gate, label in Decision.Gate.choices]
    closure = latest.get("urgences_fermees") if in_effect("urgences_fermees") else None
    return DecisionsState(
        gates=gates,
        closure=closure,
        closed_since=_run_start(decisions, "urgences_fermees", "urgences_rouvertes") if closure else None,
        next_reassessment=closure.reassess_at if closure else None,
        reassessment_due=bool(closure and closure.reassess_at and closure.reassess_at <= now),
        network_cut_since=_run_start(decisions, "coupure_reseau", "reconnexion_internet")
        if in_effect("coupure_reseau")
        else None,
        plan_blanc_since=_run_start(decisions, "plan_blanc_declenche", "plan_blanc_leve")
        if in_effect("plan_blanc_declenche")
        else None,
        diversions=[d for d in decisions if d.gate == "detournement_patients"][-3:][::-1],
    )


def _run_start(decisions: list, on: str, off: str) -> datetime | None:
    """When the current run of `on` began: the first `on` after the last `off` (closed since 07:00)."""
    start = None
    for decision in decisions:
        if decision.gate == off:
            start = None
        elif decision.gate == on and start is None:
            start = decision.occurred_at
    return start


def decision_list(crisis: Crisis, limit: int = 200) -> QuerySet:
    return (
        Decision.objects.filter(crisis=crisis)
        .select_related("decided_by", "journal_entry", "rida_line")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def decisions_card(crisis: Crisis, user, now: datetime | None = None) -> dict:
    """What the dashboard's decisions card shows: the current state, overdue actions, the member's own."""
    now = now or timezone.now()
    return {
        "state": decisions_state(crisis, now),
        "rida": rida_counters(crisis, user, now),
        "my_actions": list(my_open_actions(crisis, user)),
        "now": now,
    }


# --- points de situation ---------------------------------------------------------


def meetings_of(crisis: Crisis) -> QuerySet:
    return Meeting.objects.filter(crisis=crisis).select_related("chair").order_by("-scheduled_at")


def meeting_of(crisis: Crisis, meeting_id: int):
    return meetings_of(crisis).filter(pk=meeting_id).prefetch_related("attendees").first()


def previous_meeting(meeting):
    return (
        Meeting.objects.filter(crisis_id=meeting.crisis_id, scheduled_at__lt=meeting.scheduled_at)
        .exclude(pk=meeting.pk)
        .order_by("-scheduled_at")
        .first()
    )


def new_signalements_since(crisis: Crisis, since: datetime | None) -> list:
    """Signalements from the field since the last point. Tickets do not exist yet: the tickets app
    will provide them (the core must not import it), until then the section is empty."""
    return []


@dataclass
class AgendaSection:
    key: str
    title: str
    items: list = field(default_factory=list)


def meeting_agenda(meeting, now: datetime | None = None) -> list[AgendaSection]:
    """The agenda built for this point: actions due or overdue by its end, decisions to confirm
    (reassessments due by then), new signalements since the last point, then the free items."""
    from django.utils.translation import gettext as _

    now = now or timezone.now()
    horizon = max(meeting.planned_end, now)
    crisis = meeting.crisis
    due_actions = list(
        rida_lines(crisis)
        .filter(kind=RidaLine.Kind.ACTION, status__in=RidaLine.OPEN_STATUSES, due_at__lte=horizon)
        .order_by("due_at", "seq")
    )
    state = decisions_state(crisis, now)
    to_confirm = []
    if state.closure is not None and state.closure.reassess_at and state.closure.reassess_at <= horizon:
        to_confirm.append(state.closure)
    previous = previous_meeting(meeting)
    since = (previous.started_at or previous.scheduled_at) if previous else None
    return [
        AgendaSection("actions_due", _("Actions échues ou en retard"), due_actions),
        AgendaSection("decisions_to_confirm", _("Décisions à confirmer (réévaluations dues)"), to_confirm),
        AgendaSection(
            "new_signalements",
            _("Nouveaux signalements depuis le dernier point"),
            new_signalements_since(crisis, since),
        ),
        AgendaSection("free_items", _("Points divers"), list(meeting.agenda_items)),
    ]


def meeting_releve(meeting) -> dict:
    """The relevé of a point: attendees, then the information, decisions and actions recorded in it."""
    lines = list(rida_lines(meeting.crisis).filter(meeting=meeting).order_by("seq"))
    return {
        "meeting": meeting,
        "attendees": list(meeting.attendees.order_by("last_name", "first_name")),
        "guests": list(meeting.guests),
        "information": [line for line in lines if line.kind == RidaLine.Kind.INFORMATION],
        "decisions": [line for line in lines if line.kind == RidaLine.Kind.DECISION],
        "actions": [line for line in lines if line.kind == RidaLine.Kind.ACTION],
    }
