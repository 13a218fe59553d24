"""Points de situation: scheduled, opened, closed with their overrun; the daily slot repeats itself."""

import math
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Crisis, JournalEntry, Meeting, Membership
from .journal import FUTURE_TOLERANCE
from .records import record_create, record_update

MAX_GUESTS = 50
MAX_ITEMS = 50


def _clean_list(values, field: str, errors: dict) -> list[str]:
    cleaned = [str(value).strip() for value in (values or []) if str(value).strip()]
    if len(cleaned) > MAX_GUESTS or any(len(value) > 200 for value in cleaned):
        errors[field] = _("Liste trop longue (50 lignes de 200 caractères au plus).")
    return cleaned


def _validate_meeting(*, crisis: Crisis, kind: str, scheduled_at, max_minutes: int, chair, attendees) -> dict:
    errors = {}
    if crisis.closed_at is not None:
        errors["crisis"] = _("La crise est close.")
    if kind not in Meeting.Kind.values:
        errors["kind"] = _("Type de point inconnu.")
    if scheduled_at is None:
        errors["scheduled_at"] = _("L'heure prévue est obligatoire.")
    elif not 2000 <= scheduled_at.year <= 2100:
        errors["scheduled_at"] = _("Date hors des limites acceptées.")
    if not isinstance(max_minutes, int) or not 5 <= max_minutes <= 240:
        errors["max_minutes"] = _("Entre 5 et 240 minutes.")
    people = [user for user in [chair, *attendees] if user is not None]
    members = set(
        Membership.objects.filter(
            establishment_id=crisis.establishment_id, is_active=True, user__in=people
        ).values_list("user_id", flat=True)
    )
    if chair is not None and chair.pk not in members:
        errors["chair"] = _("Cette personne n'est pas membre de l'établissement.")
    if any(user.pk not in members for user in attendees):
        errors["attendees"] = _("Un participant n'est pas membre de l'établissement.")
    return errors


def meeting_create(
    *,
    crisis: Crisis,
    by,
    scheduled_at: datetime,
    kind: str = Meeting.Kind.CELLULE,
    title: str = "",
    max_minutes: int = 30,
    chair=None,
    attendees=(),
    guests=(),
    agenda_items=(),
    repeats_daily: bool = False,
) -> Meeting:
    """Schedule a point de situation (30 minutes unless told otherwise)."""
    attendees = list(attendees or [])
    errors = _validate_meeting(
        crisis=crisis, kind=kind, scheduled_at=scheduled_at, max_minutes=max_minutes, chair=chair, attendees=attendees
    )
    guests = _clean_list(guests, "guests", errors)
    agenda_items = _clean_list(agenda_items, "agenda_items", errors)
    if len((title or "").strip()) > 200:
        errors["title"] = _("Intitulé trop long.")
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        crisis=crisis,
        kind=kind,
        title=(title or "").strip(),
        scheduled_at=scheduled_at,
        max_minutes=max_minutes,
        chair=chair,
        guests=guests,
        agenda_items=agenda_items,
        repeats_daily=repeats_daily,
        created_by=by,
    )
    record_create(
        instance=meeting,
        by=by,
        crisis=crisis,
        fields=("kind", "scheduled_at", "max_minutes", "chair"),
        validate=lambda meeting: _refuse_if_closed(crisis),
        saved=lambda meeting: meeting.attendees.set(attendees),
    )
    return meeting


def _locked_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def meeting_start(*, meeting: Meeting, by, at: datetime | None = None) -> Meeting:
    """Open the point: the countdown starts; lines created from now on belong to it."""
    at = at or timezone.now()
    crisis = meeting.crisis
    if at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"started_at": _("L'heure est dans le futur.")})
    with transaction.atomic():
        current = _locked_meeting(meeting)
        if current.started_at is not None:
            raise ValidationError({"started_at": _("Ce point de situation est déjà ouvert.")})
        running = Meeting.objects.filter(crisis=crisis, started_at__isnull=False, ended_at__isnull=True)
        if running.exclude(pk=meeting.pk).exists():
            raise ValidationError({"started_at": _("Un autre point de situation est en cours : clôturez-le d'abord.")})
        record_update(
            instance=meeting,
            by=by,
            changes={"started_at": at},
            establishment_id=crisis.establishment_id,
            crisis=crisis,
            validate=lambda locked: _refuse_if_closed(crisis),
            journal=lambda changed: _("Ouverture du point de situation : %(meeting)s.") % {"meeting": meeting},
            journal_occurred_at=at,
        )
    return meeting


def _refuse_if_closed(crisis: Crisis) -> None:
    if Crisis.objects.filter(pk=crisis.pk, closed_at__isnull=False).exists():
        raise ValidationError({"crisis": _("La crise est close.")})


def overrun_minutes(meeting: Meeting, ended_at: datetime) -> int:
    """Whole minutes past the maximum duration, rounded up: a point ending late is late."""
    late = (ended_at - meeting.started_at) - timedelta(minutes=meeting.max_minutes)
    return max(0, math.ceil(late.total_seconds() / 60))


def meeting_end(*, meeting: Meeting, by, at: datetime | None = None) -> Meeting:
    """Close the point, recording its overrun; a daily slot schedules the next day's."""
    at = at or timezone.now()
    crisis = meeting.crisis
    with transaction.atomic():
        current = _locked_meeting(meeting)
        if current.started_at is None:
            raise ValidationError({"ended_at": _("Ce point de situation n'a pas été ouvert.")})
        if current.ended_at is not None:
            raise ValidationError({"ended_at": _("Ce point de situation est déjà clos.")})
        if at < current.started_at or at > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError({"ended_at": _("Heure de fin invalide.")})
        meeting.started_at = current.started_at
        overrun = overrun_minutes(meeting, at)
        minutes = math.ceil((at - current.started_at).total_seconds() / 60)

        def journal(changed) -> str:
            text = _("Clôture du point de situation : %(meeting)s, durée %(minutes)s min.") % {
                "meeting": meeting,
                "minutes": minutes,
            }
            if overrun:
                text += " " + _("Dépassement : %(overrun)s min.") % {"overrun": overrun}
            return text

        record_update(
            instance=meeting,
            by=by,
            changes={"ended_at": at, "overrun_minutes": overrun},
            establishment_id=crisis.establishment_id,
            crisis=crisis,
            validate=lambda locked: _refuse_if_closed(crisis),
            journal=journal,
            journal_kind=JournalEntry.Kind.INFORMATION,
            journal_occurred_at=at,
        )
        if meeting.repeats_daily:
            _schedule_next_day(meeting, by)
    return meeting


def next_daily_slot(meeting: Meeting, now: datetime | None = None) -> datetime:
    """The same local time on the next day after now (08:30 stays 08:30 across a clock change)."""
    now = now or timezone.now()
    local = timezone.localtime(meeting.scheduled_at)
    day = max(local.date(), timezone.localdate(now)) + timedelta(days=1)
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def _schedule_next_day(meeting: Meeting, by) -> Meeting | None:
    when = next_daily_slot(meeting)
    if Meeting.objects.filter(crisis=meeting.crisis, kind=meeting.kind, scheduled_at=when).exists():
        return None
    return meeting_create(
        crisis=meeting.crisis,
        by=by,
        scheduled_at=when,
        kind=meeting.kind,
        title=meeting.title,
        max_minutes=meeting.max_minutes,
        chair=meeting.chair,
        attendees=list(meeting.attendees.all()),
        guests=meeting.guests,
        repeats_daily=True,
    )
