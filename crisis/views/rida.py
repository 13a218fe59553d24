"""The RIDA: the table (filters, inline status and owner, live), a line's detail and history, "suite à donner"."""

import logging
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from web import fragments, live
from web.forms import add_service_errors

from .. import selectors, services
from ..forms import RidaEditForm, RidaFilterForm, RidaLineForm, RidaQuickForm, members_of
from ..forms.members import person
from ..live import Topic, crisis_poll, read_with_session, version_and_counter
from ..models import Crisis, JournalEntry, Meeting, Membership, RidaLine, Role
from ..permissions import Cap, capabilities_of, get_crisis_for_user, object_of, rida_fields_for
from ..templatetags.rida_tags import escaped_choices

logger = logging.getLogger(__name__)
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


@read_with_session(RIDA_TOPICS)  # a poll: the session, the access and the version in one statement
@login_required
@require_http_methods(["GET", "POST"])
def rida(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if request.method == "POST":
        return _rida_create(request, crisis_id)
    if not live.is_poll(request):
        return _rida_page(request, *get_crisis_for_user(request.user, crisis_id))
    # The version with the RIDA counter, the access rules and the crisis, in one query: most polls
    # end here, and one that must re-render needs them all, read before the lines.
    read = crisis_poll(request.user, crisis_id=crisis_id, topics=RIDA_TOPICS, session=request.session)
    if unchanged := live.nothing_new(request, read.version):
        return unchanged
    if request.htmx:
        return _rida_poll(request, read.crisis, read.membership, (read.version, read.own[Topic.RIDA]))
    return _rida_page(request, read.crisis, read.membership)


def _rida_page(request: HttpRequest, crisis: Crisis, membership, form=None, status: int = 200) -> HttpResponse:
    # Before the lines: one changed meanwhile shows at the next poll.
    current, counter = version_and_counter(crisis, RIDA_TOPICS, Topic.RIDA)
    members = list(members_of(crisis))
    filter_form = _filter_form(request, crisis, members)
    page = _positive_int(request.GET.get("page")) or 1
    lines, total, pages = selectors.rida_page(crisis, filter_form.filters(), page, RIDA_PAGE_SIZE)
    page = min(page, pages)
    can_manage = membership.has(Cap.MANAGE_RIDA) and crisis.is_open
    query = filter_form.query()
    context = {
        "crisis": crisis,
        "membership": membership,
        **_table(request, crisis, membership, lines, total, page, pages, query, members, (current, counter)),
        "filter_form": filter_form,
        "print_params": query,  # the printed RIDA shows what the table shows
        "mine_query": urlencode({"owner": request.user.pk}),
        "is_mine": query.get("owner") == request.user.pk,
        # The new-line form only when asked for (?nouvelle=1) or with its errors: it costs as much as 20 rows.
        "form": form
        or (RidaLineForm(crisis=crisis, members=members) if can_manage and "nouvelle" in request.GET else None),
        "can_manage": can_manage,
    }
    return render(request, "crisis/rida.html", context, status=status)


def _filter_form(request: HttpRequest, crisis: Crisis, members) -> RidaFilterForm:
    return RidaFilterForm(  # its own ids: the new line's form has fields of the same names
        request.GET or None, crisis=crisis, members=members, themes=selectors.rida_themes(crisis), auto_id="filtre_%s"
    )


def _table(request, crisis, membership, lines, total, page, pages, query, members, versions) -> dict:
    """The live block's context: the rows (from the fragment cache), the counts, the pager, the poller."""
    current, counter = versions
    page_query = urlencode({**query, "page": page})
    can_manage = membership.has(Cap.MANAGE_RIDA) and crisis.is_open
    rida_base = reverse("crisis:rida", args=[crisis.pk])
    return {
        "lines": lines,
        "rows_html": _rows_html(crisis, membership, lines, rida_base, Slots(request, rida_base, page_query)),
        "total": total,
        "page": page,
        "pages": pages,
        "filter_query": urlencode(query),
        "page_query": page_query,
        # One list of the members for every row's owner (a row's select names its owner only).
        "owner_options": _owner_options(members) if can_manage else "",
        "poll_query": _poll_query(current, counter, total, [line.pk for line in lines], page_query),
        "rida_base": rida_base,
        "poll_seconds": POLL_SECONDS,
    }


def _owner_options(members) -> SafeString:
    choices = escaped_choices((user.pk, person(user)) for user in members)
    return mark_safe("".join(f'<option value="{value}">{label}</option>' for value, label in choices))  # noqa: S308


def _poll_query(current: str, counter: int, total: int, pks: list[int], page_query: str) -> str:
    """What the page shows, for its next poll: its version, its RIDA counter, its count and its rows."""
    shown = urlencode({"v": current, "r": counter, "n": total, "rows": ".".join(str(pk) for pk in pks)})
    return f"{shown}&{page_query}"


# --- rows rendered once ----------------------------------------------------------------------

ROW_TEMPLATE = "crisis/rida.html#row"
# A kept row is the same for everyone with the same rights: what is per request (the CSRF token, the
# page to come back to) is a slot, filled on the way out. Escaped text can never contain a comment.
CSRF_SLOT = "<!--rida-csrf-->"
NEXT_SLOT = "<!--rida-next-->"


def _rows_html(crisis: Crisis, membership, lines, rida_base: str, slots: "Slots", oob: bool = False) -> SafeString:
    """The rows' HTML, from the fragment cache (_row_fragments), with the request's slots filled."""
    if not lines:  # a poll's rows added, or changed, are often none
        return mark_safe("")
    rows = _row_fragments(crisis, membership, lines, rida_base)
    if oob:
        rows = [
            row.replace(f'id="rida-{line.pk}"', f'id="rida-{line.pk}" hx-swap-oob="true"', 1)
            for row, line in zip(rows, lines, strict=True)
        ]
    return slots.fill("".join(rows))


def _row_fragments(crisis: Crisis, membership, lines, rida_base: str) -> list[SafeString]:
    """Each row rendered once per state of its line and kept (web.fragments, shared between the
    workers), as the journal's entries.

    The key holds what a row shows besides the line's own fields (moved with its
    live_version): whether this member may change its status and its owner, whether it is
    overdue now, the owner's and the meeting's names, the language and time zone.
    """
    now = timezone.now()
    shared = {
        "statuses": escaped_choices(RidaLine.Status.choices),
        "rida_base": rida_base,
        "journal_base": reverse("crisis:journal", args=[crisis.pk]),
        "csrf_input": mark_safe(CSRF_SLOT),  # noqa: S308
        "next_input": mark_safe(NEXT_SLOT),  # noqa: S308
        "now": now,
    }
    template_version = fragments.template_version("crisis/rida.html")
    context_key = fragments.context_key()
    for line in lines:
        line.crisis = crisis
        line.editable = rida_fields_for(membership, line) if crisis.is_open else frozenset()

    def key(line) -> str:
        rights = ("s" if "status" in line.editable else "-") + ("o" if "owner" in line.editable else "-")
        names = zlib.crc32(f"{line.owner_label}\x1f{line.meeting or ''}".encode())
        stamp = f"{line.live_version}:{line.updated_at.timestamp()}"
        return (
            f"rida-row:{template_version}:{line.pk}:{stamp}:{rights}{int(line.is_overdue(now))}:{names:x}:{context_key}"
        )

    def render_row(line) -> str:
        return render_to_string(ROW_TEMPLATE, {**shared, "line": line})

    return fragments.render_many(lines, key, render_row, share=True)


# The two kinds of member a row is rendered for, but for an owner's own line: one who keeps the RIDA
# (may change every row) and one who may change none.
ROW_PROFILES = {Cap.MANAGE_RIDA in capabilities_of(role): role for role in reversed(Role.values)}


def _warm_rows(crisis: Crisis, lines) -> int:
    """These lines' rows rendered for both kinds of member and kept for every worker: after a change,
    the cell's next polls are given the row instead of each worker rendering it."""
    rida_base = reverse("crisis:rida", args=[crisis.pk])
    warmed = 0
    for role in ROW_PROFILES.values():
        member = Membership(establishment=crisis.establishment, role=role, is_active=True)
        warmed += len(_row_fragments(crisis, member, lines, rida_base))
    return warmed


def warm_first_pages() -> int:
    """Before the web server forks its workers (settings.WARM_UP_CALLS): the open crises' first RIDA
    page of rows rendered into the fragment cache, which the workers inherit, for the two kinds of
    member (one who keeps the RIDA and may change every row, one who may change none), so that no
    worker renders fifty rows on its first RIDA page after a start. A member's own lines (they may
    change their status) are rendered at their first look. A database that does not answer yet:
    nothing warmed, the server starts all the same. Returns the number of rows rendered."""
    warmed = 0
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for crisis in Crisis.objects.filter(closed_at__isnull=True).select_related("establishment"):
                lines, _total, _pages = selectors.rida_page(crisis, selectors.RidaFilters(), 1, RIDA_PAGE_SIZE)
                warmed += _warm_rows(crisis, lines)
    except DatabaseError as error:
        logger.warning("RIDA pages not warmed before forking: %s", error)
    return warmed


class Slots:
    """What kept rows leave to the request (its CSRF token, the page to come back to), filled on the way out.

    The token is masked once per request, and only for rows that have a form: masking draws
    random characters (the costliest step of a poll's answer), and a member who may change no
    row, or a poll with no row to send, needs none.
    """

    def __init__(self, request: HttpRequest, rida_base: str, page_query: str):
        self.request = request
        self.back = rida_base + (f"?{page_query}" if page_query else "")

    @cached_property
    def csrf_input(self) -> SafeString:
        return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(self.request))

    @cached_property
    def next_input(self) -> SafeString:
        return format_html('<input type="hidden" name="next" value="{}">', self.back)

    def fill(self, html: str) -> SafeString:
        if CSRF_SLOT in html:
            html = html.replace(CSRF_SLOT, self.csrf_input)
        if NEXT_SLOT in html:
            html = html.replace(NEXT_SLOT, self.next_input)
        return mark_safe(html)  # noqa: S308


# --- the poll --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """What a page says it shows (its poll's parameters)."""

    version: int
    counter: int
    total: int
    rows: tuple[int, ...]


@dataclass(frozen=True)
class Changes:
    """How to bring the page up to date in place: rows to re-send, to add at the top, to remove."""

    changed: list[int]
    added: list[int]
    gone: list[int]


def _shown(request: HttpRequest) -> Shown | None:
    try:
        rows = tuple(int(pk) for pk in request.GET["rows"].split(".") if pk)
        shown = Shown(int(request.GET["v"]), int(request.GET["r"]), int(request.GET["n"]), rows)
    except (KeyError, ValueError):
        return None  # an older page, or a mangled URL: a new table puts it right
    if len(rows) > RIDA_PAGE_SIZE or not all(0 < n < 2**63 for n in (*rows, shown.version + 1, shown.counter + 1)):
        return None
    return shown


def _in_place(shown: Shown | None, current: str, counter: int, keys: list) -> Changes | None:
    """The in-place changes from what the page shows to `keys` (pk, seq, live_version) of the page now,
    or None when only a new table is right: another topic moved (a meeting renamed, the crisis closed),
    a line joined between rows already shown (a filter it now matches, a deadline passed), a table
    that was or becomes empty."""
    if shown is None or shown.counter > counter or shown.version - shown.counter != int(current) - counter:
        return None
    now_pks = {pk for pk, _seq, _version in keys}
    shown_pks = set(shown.rows)
    kept = [(seq, pk) for pk, seq, _version in keys if pk in shown_pks]
    if not kept:
        return Changes([], [], []) if not keys and not shown.rows else None
    added = [(seq, pk) for pk, seq, _version in keys if pk not in shown_pks]
    if added and min(added) < max(kept):
        return None
    changed = [pk for pk, _seq, version in keys if pk in shown_pks and version > shown.counter]
    return Changes(changed, [pk for _seq, pk in added], [pk for pk in shown.rows if pk not in now_pks])


def _rida_poll(request: HttpRequest, crisis: Crisis, membership, versions: tuple[str, int]) -> HttpResponse:
    """A poll that missed: only the rows that changed, those that joined the page at its top, and
    the count when it moved; the whole table when an in-place update would be wrong.

    `versions`: the page's version and the RIDA counter, read (by the poll's first query) before the lines.
    """
    current, counter = versions
    filtered = any(request.GET.get(name) for name in RidaFilterForm.base_fields)
    members = list(members_of(crisis)) if filtered else None
    filter_form = _filter_form(request, crisis, members) if filtered else None
    filters = filter_form.filters() if filter_form else selectors.RidaFilters()
    query = filter_form.query() if filter_form else {}
    asked = _positive_int(request.GET.get("page")) or 1
    keys, total, pages, page = selectors.rida_page_keys(crisis, filters, asked, RIDA_PAGE_SIZE)
    shown = _shown(request)
    changes = _in_place(shown, current, counter, keys) if page == asked else None
    if changes is None:
        return _rida_new_table(request, crisis, membership, filter_form, page, query, versions)
    page_query = urlencode({**query, "page": page})
    lines = {line.pk: line for line in selectors.rida_lines_by_pk(crisis, changes.changed + changes.added)}
    changed = [lines[pk] for pk in changes.changed]
    added = [lines[pk] for pk in changes.added]
    rida_base = reverse("crisis:rida", args=[crisis.pk])
    slots = Slots(request, rida_base, page_query)  # one for both: the token masked once
    context = {
        "crisis": crisis,
        "rida_base": rida_base,
        "poll_query": _poll_query(current, counter, total, [pk for pk, _seq, _version in keys], page_query),
        "poll_seconds": POLL_SECONDS,
        "changed_html": _rows_html(crisis, membership, changed, rida_base, slots, oob=True),
        "added_html": _rows_html(crisis, membership, added, rida_base, slots),
        "gone": changes.gone,
        "counts_changed": total != shown.total,
        "total": total,
        "page": page,
        "pages": pages,
        "filter_query": urlencode(query),
    }
    return render(request, "crisis/rida.html#poll-response", context)


def _rida_new_table(request, crisis, membership, filter_form, page, query, versions) -> HttpResponse:
    """The whole live block, in place of the poller's own: the page's table as a new load would show it."""
    members = list(members_of(crisis))
    filter_form = filter_form or _filter_form(request, crisis, members)
    lines, total, pages = selectors.rida_page(crisis, filter_form.filters(), page, RIDA_PAGE_SIZE)
    context = {
        "crisis": crisis,
        **_table(request, crisis, membership, lines, total, min(page, pages), pages, query, members, versions),
    }
    response = render(request, "crisis/rida.html#live", context)
    return reswap(retarget(response, "#rida-live"), "outerHTML")


def row_context(request: HttpRequest, crisis: Crisis) -> dict:
    """What a row rendered on its own (after an inline change) needs besides its line."""
    return {
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
                line = object_of(crisis, selectors.rida_lines(crisis), line.pk)
                _warm_rows(crisis, [line])  # the cell's next polls are given its row
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Valeur inconnue.")
    if request.htmx:
        if not saved:  # as stored: a refused change shows the line as it is
            line = object_of(crisis, selectors.rida_lines(crisis), line.pk)
        line.editable = rida_fields_for(membership, line)
        back = safe_next(request, reverse("crisis:rida", args=[crisis.pk]))
        context = {
            "crisis": crisis,
            "line": line,
            **row_context(request, crisis),
            "next_input": format_html('<input type="hidden" name="next" value="{}">', back),
            "row_error": error,
            "row_saved": saved,  # said to a screen reader by console.js (data-said)
            "chosen_status": request.POST.get("status", "") if error else "",
            "now": timezone.now(),
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
