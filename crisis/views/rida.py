"""The RIDA: the table (filters, inline status and owner, live), a line's detail and history, "suite à donner"."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from web import live
from web.forms import add_service_errors

from .. import selectors, services
from ..forms import RidaEditForm, RidaFilterForm, RidaLineForm, RidaQuickForm, members_of
from ..live import Topic, unchanged_poll, version
from ..models import Crisis, JournalEntry, Meeting, RidaLine
from ..permissions import Cap, get_crisis_for_user, object_of, rida_fields_for
from ..templatetags.rida_tags import escaped_choices

RIDA_PAGE_SIZE = 50
POLL_SECONDS = 5

# What the RIDA page shows: its lines, the running meeting, decisions, whether the crisis is open.
RIDA_TOPICS = (Topic.RIDA, Topic.MEETINGS, Topic.DECISIONS, Topic.CRISIS)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go back to (a journal entry, a meeting), if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def rida(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if request.method == "POST":
        return _rida_create(request, crisis_id)
    if unchanged := unchanged_poll(request, topics=RIDA_TOPICS, crisis_id=crisis_id):  # most polls end here
        return unchanged
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    return _rida_page(request, crisis, membership)


def _rida_page(request: HttpRequest, crisis: Crisis, membership, form=None, status: int = 200) -> HttpResponse:
    current = version(crisis, RIDA_TOPICS)  # before the lines: one changed meanwhile shows at the next poll
    members = list(members_of(crisis))
    filter_form = RidaFilterForm(  # its own ids: the new line's form has fields of the same names
        request.GET or None, crisis=crisis, members=members, themes=selectors.rida_themes(crisis), auto_id="filtre_%s"
    )
    page = _positive_int(request.GET.get("page")) or 1
    lines, total, pages = selectors.rida_page(crisis, filter_form.filters(), page, RIDA_PAGE_SIZE)
    page = min(page, pages)
    for line in lines:
        line.crisis = crisis
        line.editable = rida_fields_for(membership, line) if crisis.is_open else frozenset()
    can_manage = membership.has(Cap.MANAGE_RIDA) and crisis.is_open
    query = filter_form.query()
    context = {
        "crisis": crisis,
        "membership": membership,
        "lines": lines,
        "total": total,
        "page": page,
        "pages": pages,
        **row_context(request, crisis, members),
        "filter_form": filter_form,
        "filter_query": urlencode(query),
        "print_params": query,  # the printed RIDA shows what the table shows
        "page_query": urlencode({**query, "page": page}),
        "mine_query": urlencode({"owner": request.user.pk}),
        "is_mine": query.get("owner") == request.user.pk,
        # The new-line form only when asked for (?nouvelle=1) or with its errors: it costs as much as 20 rows.
        "form": form
        or (RidaLineForm(crisis=crisis, members=members) if can_manage and "nouvelle" in request.GET else None),
        "can_manage": can_manage,
        "live_version": current,
        "poll_seconds": POLL_SECONDS,
        "now": timezone.now(),
    }
    template = "crisis/rida.html#live" if request.htmx and live.is_poll(request) else "crisis/rida.html"
    return render(request, template, context, status=status)


def row_context(request: HttpRequest, crisis: Crisis, members) -> dict:
    """What every row shares, computed once per page: 50 rows must not each reverse URLs,
    mask a CSRF token or escape the members' names (see bench/rida.py)."""
    return {
        "member_choices": escaped_choices((user.pk, user.get_full_name() or user.get_username()) for user in members),
        "statuses": escaped_choices(RidaLine.Status.choices),
        "csrf_input": format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)),
        "rida_base": reverse("crisis:rida", args=[crisis.pk]),
        "journal_base": reverse("crisis:journal", args=[crisis.pk]),
    }


def _positive_int(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def _rida_create(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = get_crisis_for_user(request.user, crisis_id, Cap.MANAGE_RIDA)
    form = RidaLineForm(request.POST, crisis=crisis)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("next")
        data["owner"] = form.member(data["owner"])
        data["source_entry"] = object_of(crisis, JournalEntry, data["source_entry"])
        data["meeting"] = object_of(crisis, Meeting, data["meeting"])
        try:
            line = services.rida_create(crisis=crisis, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(number)s ajoutée au RIDA.") % {"number": line.number})
            return redirect(safe_next(request, reverse("crisis:rida", args=[crisis.pk])))
    return _rida_page(request, crisis, membership, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def rida_line(request: HttpRequest, crisis_id: int, line_id: int) -> HttpResponse:
    """A line's detail, its edit form (all fields for RIDA managers, the follow-up for its owner), its history."""
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    line = object_of(crisis, selectors.rida_lines(crisis), line_id)
    allowed = rida_fields_for(membership, line) if crisis.is_open else frozenset()
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    initial = _initial(line)
    form = RidaEditForm(request.POST or None, initial=initial, crisis=crisis) if allowed else None
    if form is not None:
        for name, field in form.fields.items():
            field.disabled = name not in allowed and not (name == "owner_other" and "owner" in allowed)
        if not line.is_action:  # noted or taken, or abandoned: never to do
            form.fields["status"].choices = [
                (RidaLine.Status.FAIT, line.CLOSED_KIND_LABELS[(line.kind, RidaLine.Status.FAIT)]),
                (RidaLine.Status.ABANDONNE, RidaLine.Status.ABANDONNE.label),
            ]
    if request.method == "POST" and form.is_valid():
        changes = _changes(form, initial)
        try:
            services.rida_update(line=line, by=request.user, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(number)s enregistrée.") % {"number": line.number})
            return redirect("crisis:rida-line", crisis.pk, line.pk)
    context = {
        "crisis": crisis,
        "membership": membership,
        "line": line,
        "form": form,
        "history": selectors.record_history(line),
        "decision": getattr(line, "gate_decision", None) if line.kind == RidaLine.Kind.DECISION else None,
        "now": timezone.now(),
    }
    return render(request, "crisis/rida_line.html", context, status=400 if form is not None and form.errors else 200)


def _initial(line: RidaLine) -> dict:
    initial = {name: getattr(line, name) for name in ("theme", "text", "owner_other", "due_at", "status", "answer")}
    initial["abandon_reason"] = line.abandon_reason
    initial["owner"] = str(line.owner_id) if line.owner_id else ""
    return initial


def _changes(form: RidaEditForm, initial: dict) -> dict:
    """What the member changed: a time shown to the minute and sent back unchanged is no change."""
    changes = {}
    for name, value in form.cleaned_data.items():
        if form.fields[name].disabled:
            continue
        before = initial[name]
        if isinstance(before, datetime) and isinstance(value, datetime):
            if value == before.replace(second=0, microsecond=0):
                continue
        elif (value or "") == (before or ""):
            continue
        changes[name] = form.member(value) if name == "owner" else value
    return changes


@login_required
@require_POST
def rida_line_quick(request: HttpRequest, crisis_id: int, line_id: int) -> HttpResponse:
    """The inline change of a row (status, owner): the row again for htmx, else back to the table."""
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    line = object_of(crisis, selectors.rida_lines(crisis), line_id)
    allowed = rida_fields_for(membership, line) if crisis.is_open else frozenset()
    if not allowed:
        raise PermissionDenied
    form = RidaQuickForm(request.POST)
    error = saved = ""
    if form.is_valid():
        try:
            changes = _quick_changes(crisis, line, form.cleaned_data)
            if not set(changes) <= allowed:
                raise PermissionDenied
            services.rida_update(line=line, by=request.user, **changes)
            if changes:
                saved = _("%(number)s enregistrée.") % {"number": line.number}
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Valeur inconnue.")
    if request.htmx:
        line = object_of(crisis, selectors.rida_lines(crisis), line.pk)
        line.editable = rida_fields_for(membership, line)
        context = {
            "crisis": crisis,
            "line": line,
            **row_context(request, crisis, members_of(crisis)),
            "row_error": error,
            "row_saved": saved,  # said to a screen reader by console.js (data-said)
            "chosen_status": request.POST.get("status", "") if error else "",
            "now": timezone.now(),
            "page_query": request.POST.get("page_query", ""),
        }
        return render(request, "crisis/rida.html#row", context)
    if error:
        messages.error(request, f"{line.number} : {error}")
        return redirect(_rida_line_url(crisis, line))
    messages.success(request, _("%(number)s enregistrée.") % {"number": line.number})
    return redirect(safe_next(request, reverse("crisis:rida", args=[crisis.pk])))


def _rida_line_url(crisis: Crisis, line: RidaLine) -> str:
    return reverse("crisis:rida-line", args=[crisis.pk, line.pk])


def _quick_changes(crisis: Crisis, line: RidaLine, data: dict) -> dict:
    changes = {}
    if data["status"] and data["status"] != line.status:
        changes["status"] = data["status"]
        if data["abandon_reason"]:
            changes["abandon_reason"] = data["abandon_reason"]
    if data["owner"] is not None and data["owner"] != line.owner_id:
        owner = members_of(crisis).filter(pk=data["owner"]).first()
        if owner is None:
            raise ValidationError({"owner": _("Cette personne n'est pas membre de l'établissement.")})
        changes["owner"] = owner
    return changes
