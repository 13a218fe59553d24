"""The field's intake page, the paper slips' entry, the live triage board and a ticket's page."""

import hashlib
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisis import live
from crisis.permissions import get_crisis_for_user, get_establishment_for_user, object_of
from crisis.services.records import record_history
from web import live as web_live
from web.forms import add_service_errors

from .. import access, selectors, services
from ..forms import BoardFilterForm, MergeForm, PaperSlipForm, QuickForm, SignalementForm, TriageForm, _members
from ..models import TOPIC, Ticket

TOPICS = (TOPIC,)


def _reporter(user) -> str:
    return user.get_full_name() or ""


# --- intake -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """A signalement from a unit: short, on a phone, without JavaScript; gives back the ticket's number."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.REPORT)
    form = SignalementForm(
        request.POST if request.method == "POST" else None,
        establishment=establishment,
        initial={"reporter_name": _reporter(request.user)},
    )
    if form.is_bound and form.is_valid():
        try:
            ticket = services.ticket_create(
                establishment=establishment, by=request.user, channel=Ticket.Channel.FORMULAIRE, **form.ticket_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("tickets:intake-done", establishment.pk, ticket.pk)
    context = {"establishment": establishment, "membership": membership, "form": form}
    return render(request, "tickets/intake.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def intake_done(request: HttpRequest, establishment_id: int, ticket_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.REPORT)
    ticket = object_of(establishment, Ticket, ticket_id)
    context = {"establishment": establishment, "membership": membership, "ticket": ticket}
    return render(request, "tickets/intake_done.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def paper_slips(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """A runner types a pile of paper slips: the paper form's fields in its order, the keyboard only;
    each save gives the number to write on the slip and a fresh form, focused."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.REPORT)
    form = PaperSlipForm(request.POST if request.method == "POST" else None, establishment=establishment)
    if form.is_bound and form.is_valid():
        try:
            ticket = services.ticket_create(
                establishment=establishment, by=request.user, channel=Ticket.Channel.PAPIER, **form.ticket_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Fiche enregistrée : %(number)s (à reporter sur la fiche).") % {"number": ticket.number}
            )
            return redirect("tickets:paper-slips", establishment.pk)
    typed = (
        selectors.tickets_of(establishment.pk)
        .filter(channel=Ticket.Channel.PAPIER, created_by=request.user)
        .order_by("-pk")[:10]
    )
    context = {"establishment": establishment, "membership": membership, "form": form, "typed": typed}
    return render(request, "tickets/paper_slips.html", context, status=400 if form.errors else 200)


# --- the board ----------------------------------------------------------------------------


@login_required
@require_GET
def board(request: HttpRequest, establishment_id: int) -> HttpResponse:
    if unchanged := live.unchanged_poll(
        request, topics=TOPICS, establishment_id=establishment_id, capability=access.READ
    ):
        return unchanged
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    return _board(request, establishment, membership, None)


@login_required
@require_GET
def crisis_board(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if unchanged := live.unchanged_poll(request, topics=TOPICS, crisis_id=crisis_id, capability=access.READ):
        return unchanged
    crisis, membership = get_crisis_for_user(request.user, crisis_id, access.READ)
    return _board(request, crisis.establishment, membership, crisis)


def _board(request: HttpRequest, establishment, membership, crisis, status: int = 200) -> HttpResponse:
    version = live.version(crisis or establishment, TOPICS)  # before the tickets: a change meanwhile shows next poll
    filters = BoardFilterForm(request.GET or None, establishment=establishment)
    tickets = selectors.filtered(selectors.tickets_of(establishment.pk, crisis), filters.filters())
    columns = selectors.board(tickets)
    can_triage = membership.has(access.TRIAGE)
    ticket_base = reverse("tickets:board", args=[establishment.pk])
    _cards(request, establishment, [t for column in columns for t in column.tickets], can_triage, ticket_base)
    query = request.GET.copy()
    query.pop(web_live.PARAM, None)
    context = {
        "establishment": establishment,
        "crisis": crisis,
        "membership": membership,
        "columns": columns,
        "total": sum(c.count for c in columns),
        "filters": filters,
        "can_triage": can_triage,
        "live_version": version,
        "poll_url": f"{request.path}?{web_live.PARAM}={version}{'&' + query.urlencode() if query else ''}",
        "back": request.get_full_path(),
    }
    template = "tickets/board.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context, status=status)


CSRF_SLOT, BACK_SLOT = "<!--csrf-slot-->", "<!--back-slot-->"
SLOTS = {"csrf": mark_safe(CSRF_SLOT), "back": mark_safe(BACK_SLOT)}  # noqa: S308 — constant markers


def _fill_slots(request: HttpRequest, html: str, back: str) -> str:
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    back_input = format_html('<input type="hidden" name="back" value="{}">', back)
    return mark_safe(html.replace(CSRF_SLOT, csrf).replace(BACK_SLOT, back_input))  # noqa: S308 — escaped above


def _cards(request: HttpRequest, establishment, tickets: list[Ticket], can_triage: bool, ticket_base: str) -> None:
    """Each card's HTML (t.card_html), from the fragments cache when its ticket has not changed.

    A card is rendered once per state: the ticket's last change, its duplicates, whether the
    viewer triages (and the members they can assign), the language, and the minute (its age).
    A poll after one ticket moved re-renders that card, not the board's other cards.
    """
    options = _assign_options(establishment, tickets) if can_triage else ""
    members = hashlib.sha256(options.encode()).hexdigest()[:12]  # the members one may assign, as shown
    minute = int(time.time() // 60)
    keys = {
        t.pk: f"tickets-card:{get_language()}:{t.pk}:{t.updated_at.timestamp()}:{t.duplicates}:{can_triage}:"
        f"{members}:{minute}:{ticket_base}"
        for t in tickets
    }
    cache = caches["fragments"]
    found = cache.get_many(list(keys.values()))
    fresh = {}
    for ticket in tickets:
        html = found.get(keys[ticket.pk])
        if html is None:
            context = {"t": ticket, "can_triage": can_triage, "ticket_base": ticket_base, "slots": SLOTS}
            html = fresh[keys[ticket.pk]] = render_to_string("tickets/board.html#card", context)
        ticket.card_html = _fill_slots(request, html, request.get_full_path())
    if fresh:
        cache.set_many(fresh, timeout=120)


def _assign_options(establishment, tickets: list[Ticket]) -> str:
    """Each card's assignee options: the members' <option>s rendered once for the board, the card's own
    assignee selected by a string replace (a board of 240 cards would render 240 × the members otherwise)."""
    options = format_html_join(
        "", '<option value="{}">{}</option>', ((m.pk, m.get_full_name() or m.username) for m in _members(establishment))
    )
    for ticket in tickets:
        mine = f'<option value="{ticket.assigned_to_id}">'
        ticket.assign_options = mark_safe(
            options.replace(mine, f'<option value="{ticket.assigned_to_id}" selected>')
            if ticket.assigned_to_id
            else options
        )
    return str(options)


def _safe_back(request: HttpRequest, establishment) -> str:
    back = request.POST.get("back", "")
    if back.startswith("/") and not back.startswith("//"):
        return back
    return reverse("tickets:board", args=[establishment.pk])


@login_required
@require_POST
def ticket_quick(request: HttpRequest, establishment_id: int, ticket_id: int) -> HttpResponse:
    """The board's inline move and assignment: the ticket's card again for htmx, else back to the board."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.TRIAGE)
    ticket = object_of(establishment, selectors.tickets_of(establishment.pk), ticket_id)
    members = _members(establishment)
    form = QuickForm(request.POST, members=members)
    error = ""
    if form.is_valid():
        try:
            changed = services.ticket_update(ticket=ticket, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if not request.htmx:
                if changed:
                    messages.success(request, _("%(number)s enregistré.") % {"number": ticket.number})
                return redirect(_safe_back(request, establishment))
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        ticket = object_of(establishment, selectors.tickets_of(establishment.pk), ticket_id)
        _assign_options(establishment, [ticket])
        context = {
            "establishment": establishment,
            "t": ticket,
            "can_triage": True,
            "ticket_base": reverse("tickets:board", args=[establishment.pk]),
            "card_error": error,
            "card_saved": not error,
            "back": _safe_back(request, establishment),
        }
        return render(request, "tickets/board.html#card", context)
    return _ticket_page(request, establishment, membership, ticket, quick_error=error, status=400)


# --- one ticket -----------------------------------------------------------------------------


def _triage_initial(ticket: Ticket) -> dict:
    return {
        name: getattr(ticket, name) for name in TriageForm.base_fields if name not in ("service", "assigned_to")
    } | {
        "service": ticket.service_id,
        "assigned_to": ticket.assigned_to_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, establishment_id: int, ticket_id: int) -> HttpResponse:
    capability = access.TRIAGE if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    ticket = object_of(establishment, selectors.tickets_of(establishment.pk), ticket_id)
    form = None
    if request.method == "POST":
        form = TriageForm(request.POST, establishment=establishment, auto_id="triage_%s")
        if form.is_valid():
            initial = _triage_initial(ticket)
            changes = {
                name: value
                for name, value in form.cleaned_data.items()
                if (value.pk if hasattr(value, "pk") else value) != initial.get(name)
            }
            try:
                if changes:
                    services.ticket_update(ticket=ticket, by=request.user, **changes)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(number)s enregistré.") % {"number": ticket.number})
                return redirect("tickets:ticket", establishment.pk, ticket.pk)
    return _ticket_page(request, establishment, membership, ticket, form=form, status=400 if form else 200)


def _ticket_page(request, establishment, membership, ticket, *, form=None, merge_form=None, quick_error="", status=200):
    can_triage = membership.has(access.TRIAGE)
    if form is None and can_triage:
        form = TriageForm(initial=_triage_initial(ticket), establishment=establishment, auto_id="triage_%s")
    if merge_form is None and can_triage and ticket.merged_into_id is None:
        merge_form = MergeForm(auto_id="fusion_%s")
    context = {
        "establishment": establishment,
        "membership": membership,
        "ticket": ticket,
        "reporters": selectors.reporters_of(ticket),
        "history": record_history(ticket),
        "form": form if can_triage else None,
        "merge_form": merge_form if can_triage else None,
        "can_escalate": membership.has(access.ESCALATE) and ticket.crisis_id and ticket.merged_into_id is None,
        "quick_error": quick_error,
        "alerts": list(ticket.alerts.all()),
    }
    return render(request, "tickets/ticket.html", context, status=status)


@login_required
@require_POST
def ticket_merge(request: HttpRequest, establishment_id: int, ticket_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.TRIAGE)
    ticket = object_of(establishment, selectors.tickets_of(establishment.pk), ticket_id)
    form = MergeForm(request.POST, auto_id="fusion_%s")
    if form.is_valid():
        into = selectors.tickets_of(establishment.pk).filter(seq=form.cleaned_data["into"]).first()
        if into is None:
            form.add_error("into", _("Aucun ticket de cet établissement ne porte ce numéro."))
        else:
            try:
                services.ticket_merge(ticket=ticket, into=into, by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(number)s fusionné dans %(into)s.") % {"number": ticket.number, "into": into.number},
                )
                return redirect("tickets:ticket", establishment.pk, into.pk)
    return _ticket_page(request, establishment, membership, ticket, merge_form=form, status=400)


@login_required
@require_POST
def ticket_escalate(request: HttpRequest, establishment_id: int, ticket_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.ESCALATE)
    ticket = object_of(establishment, selectors.tickets_of(establishment.pk), ticket_id)
    try:
        line = services.ticket_escalate(ticket=ticket, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _ticket_page(request, establishment, membership, ticket, status=400)
    messages.success(
        request, _("%(number)s inscrit au RIDA : %(line)s.") % {"number": ticket.number, "line": line.number}
    )
    return redirect("tickets:ticket", establishment.pk, ticket.pk)
