"""Points de situation: the list and its form, the meeting page (countdown, agenda, lines), opening and closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from web import live
from web.forms import add_service_errors

from .. import selectors, services
from ..forms import MeetingForm, RidaLineForm
from ..live import Topic, unchanged_poll, version
from ..permissions import Cap, get_crisis_for_user, object_of

POLL_SECONDS = 5

# What a meeting page shows: the meeting, its agenda and lines from the RIDA, whether the crisis is open.
MEETING_TOPICS = (Topic.MEETINGS, Topic.RIDA, Topic.CRISIS)


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest, crisis_id: int) -> HttpResponse:
    capability = Cap.MANAGE_RIDA if request.method == "POST" else Cap.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    can_manage = membership.has(Cap.MANAGE_RIDA) and crisis.is_open
    form = None
    if can_manage:
        initial = {"scheduled_at": timezone.localtime().replace(second=0, microsecond=0), "max_minutes": 30}
        form = MeetingForm(request.POST or None, initial=initial, crisis=crisis)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(crisis=crisis, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Point de situation planifié."))
            return redirect("crisis:meeting", crisis.pk, meeting.pk)
    context = {
        "crisis": crisis,
        "membership": membership,
        "meetings": selectors.meetings_of(crisis)[:100],
        "form": form,
    }
    return render(request, "crisis/meetings.html", context, status=400 if form is not None and form.errors else 200)


@login_required
@require_GET
def meeting(request: HttpRequest, crisis_id: int, meeting_id: int) -> HttpResponse:
    """The meeting page, live: countdown (server times, ticking in the browser), agenda, lines recorded in it."""
    if unchanged := unchanged_poll(request, topics=MEETING_TOPICS, crisis_id=crisis_id):  # most polls end here
        return unchanged
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    current = version(crisis, MEETING_TOPICS)  # before the meeting and its lines are read
    meeting = object_of(crisis, selectors.meetings_of(crisis).prefetch_related("attendees"), meeting_id)
    now = timezone.now()
    can_manage = membership.has(Cap.MANAGE_RIDA) and crisis.is_open
    line_form = None
    if can_manage and meeting.ended_at is None:
        next_url = reverse("crisis:meeting", args=[crisis.pk, meeting.pk])
        line_form = RidaLineForm(crisis=crisis, initial={"meeting": meeting.pk, "next": next_url})
    elapsed = (min(meeting.ended_at or now, now) - meeting.started_at) if meeting.started_at else None
    context = {
        "crisis": crisis,
        "membership": membership,
        "meeting": meeting,
        "agenda": selectors.meeting_agenda(meeting, now),
        "releve": selectors.meeting_releve(meeting),
        "can_manage": can_manage,
        "line_form": line_form,
        "now": now,
        "elapsed_minutes": int(elapsed.total_seconds() // 60) if elapsed else None,
        "remaining_minutes": max(0, int((meeting.planned_end - now).total_seconds() // 60) + 1)
        if meeting.is_running
        else None,
        "is_warning": meeting.is_running and now >= meeting.warn_at,
        "is_over": meeting.is_running and now >= meeting.planned_end,
        "live_version": current,
        "poll_seconds": POLL_SECONDS,
    }
    template = "crisis/meeting.html#live" if request.htmx and live.is_poll(request) else "crisis/meeting.html"
    return render(request, template, context)


def _meeting_action(request: HttpRequest, crisis_id: int, meeting_id: int, service, done: str) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.MANAGE_RIDA)
    meeting = object_of(crisis, selectors.meetings_of(crisis).prefetch_related("attendees"), meeting_id)
    try:
        service(meeting=meeting, by=request.user)
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("crisis:meeting", crisis.pk, meeting.pk)


@login_required
@require_POST
def meeting_start(request: HttpRequest, crisis_id: int, meeting_id: int) -> HttpResponse:
    return _meeting_action(request, crisis_id, meeting_id, services.meeting_start, _("Point de situation ouvert."))


@login_required
@require_POST
def meeting_end(request: HttpRequest, crisis_id: int, meeting_id: int) -> HttpResponse:
    return _meeting_action(request, crisis_id, meeting_id, services.meeting_end, _("Point de situation clos."))
