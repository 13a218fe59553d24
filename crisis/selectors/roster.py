"""Reads of the cell's roster: who is on duty, since when, handovers."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Crisis, Shift

# Shifts separated by less than this are one stretch of duty.
DUTY_GAP = timedelta(hours=1)
MAX_CONTINUOUS_DUTY = timedelta(hours=12)
REST_WINDOW_DAYS = 7


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
    current = list(Shift.objects.filter(crisis=crisis, ended_at__isnull=True).order_by("role"))
    if not current:  # nobody on duty: no people, no history to read
        return []
    _attach_people(current)
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


def _attach_people(shifts: list[Shift]) -> None:
    """Each shift's holder and deputy, from one query of the users, and none without a shift (the
    dashboard's card reads the roster on every render; joining the users cost more than this)."""
    ids = {s.holder_id for s in shifts} | {s.deputy_id for s in shifts if s.deputy_id}
    people = get_user_model().objects.in_bulk(ids) if ids else {}
    for shift in shifts:
        shift.holder = people[shift.holder_id]
        shift.deputy = people.get(shift.deputy_id) if shift.deputy_id else None


def handovers(crisis: Crisis, limit: int = 20) -> QuerySet[Shift]:
    return (
        Shift.objects.filter(crisis=crisis, handed_over_from__isnull=False)
        .select_related("holder", "handed_over_from__holder")
        .order_by("-started_at")[:limit]
    )
