"""Reads of the points de situation: agenda and relevé."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Crisis, Meeting, RidaLine
from .decisions import decisions_state
from .rida import rida_lines


def meetings_of(crisis: Crisis) -> QuerySet:
    return Meeting.objects.filter(crisis=crisis).select_related("chair").order_by("-scheduled_at")


def previous_meeting(meeting):
    return (
        Meeting.objects.filter(crisis_id=meeting.crisis_id, scheduled_at__lt=meeting.scheduled_at)
        .exclude(pk=meeting.pk)
        .order_by("-scheduled_at")
        .first()
    )


def new_signalements_since(crisis: Crisis, since: datetime | None) -> list:
    """Signalements from the field since the last point, as the apps provide them (the tickets app,
    through crisis.plugins.section: the core imports no feature app); empty without one."""
    from ..plugins import section_items

    return section_items("new_signalements", crisis, since)


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
