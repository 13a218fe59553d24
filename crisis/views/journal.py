"""The main courante: page, quick entry, poll, entry detail and corrections, attachments."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh, trigger_client_event

from web import fragments, live
from web.forms import add_service_errors
from web.security import attachment_csp

from .. import selectors, services
from ..forms import (
    CorrectionForm,
    JournalEntryForm,
    JournalFilterForm,
)
from ..live import Topic, crisis_poll, read_with_session, version
from ..models import Crisis, Decision, JournalEntry
from ..permissions import Cap, get_crisis_for_user, object_of

logger = logging.getLogger(__name__)

JOURNAL_PAGE_SIZE = 50
POLL_SECONDS = 3
POLL_MAX_NEW = 200
# How long a poll's answer is kept for the other members asking the same (they ask within one poll
# period; the key names the versions it shows, so an answer kept longer is never wrong, only unused).
SHARED_POLL_SECONDS = 60

# The filter form's fields, as they appear in the page's query string.
FILTER_KEYS = ("kind", "priority", "author", "since", "until", "q")

# What the journal page shows: the entries (a RIDA change does not re-render it).
JOURNAL_TOPICS = (Topic.JOURNAL,)


# --- main courante --------------------------------------------------------


@read_with_session(JOURNAL_TOPICS)  # a poll: the session, the access and the version in one statement
@login_required
@require_http_methods(["GET", "POST"])
def journal(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if request.method == "POST":
        return _journal_post(request, crisis_id)
    if "after" in request.GET:
        return _journal_poll(request, crisis_id)
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    return _journal_page(request, crisis, membership, _entry_form(request, crisis))


def _entry_form(request: HttpRequest, crisis: Crisis, *args) -> JournalEntryForm:
    return JournalEntryForm(*args, remembered=request.session.get(_remembered_key(crisis)))


def _remembered_key(crisis: Crisis) -> str:
    return f"journal-defaults-{crisis.pk}"


def _remember_choices(request: HttpRequest, crisis: Crisis, form: JournalEntryForm) -> None:
    """Type, priority and channel all stay as this member last chose them (the form says so).

    Half sticky (the type kept, the priority back to normal) surprised the secretary
    either way; all three kept, shown selected and said above the form, is predictable.
    """
    choices = {name: form.cleaned_data[name] for name in ("kind", "priority", "channel")}
    if request.session.get(_remembered_key(crisis)) != choices:
        request.session[_remembered_key(crisis)] = choices


def _order(request: HttpRequest) -> str:
    order = request.GET.get("order")
    return order if order in selectors.JournalOrder.ALL else selectors.JournalOrder.TIME


def _journal_page(request: HttpRequest, crisis: Crisis, membership, form: JournalEntryForm, status: int = 200):
    """The journal page: the entry form (blank, or with its errors), filters, one page of entries."""
    current = version(crisis, JOURNAL_TOPICS)  # before the entries: one added meanwhile shows at the next poll
    # Its own ids: the entry form above it has fields of the same names (a label names one field only).
    filter_form = JournalFilterForm(request.GET or None, authors=selectors.journal_authors(crisis), auto_id="filtre_%s")
    filters = filter_form.filters()
    before = _positive_int(request.GET.get("before"))
    order = _order(request)
    # Only the keys of the page's entries: their HTML is in the fragment cache, the rows are read for the others.
    entries, next_before = selectors.journal_page_keys(crisis, filters, before, JOURNAL_PAGE_SIZE, order)
    context = {
        "crisis": crisis,
        "membership": membership,
        "can_write": membership.has(Cap.WRITE_JOURNAL) and (crisis.is_open or form.errors),
        "form": form,
        "filter_form": filter_form,
        "entries_html": fragments.for_member(_entries_html(crisis, entries, load=True), _member_links(membership)),
        "match_count": selectors.journal_match_count(crisis, filters),
        "match_count_cap": selectors.MATCH_COUNT_CAP,
        "next_before": next_before,
        "order": order,
        "filter_query": _filter_query(request),
        "order_query": _filter_query(request, keep_order=False),
        "is_first_page": before is None,
        # The crisis row was read before the entries: an entry added in between is on the page already.
        "last_seq": max([crisis.journal_last_seq] + [entry.seq for entry in entries]),
        "live_version": current,
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "crisis/journal.html", context, status=status)


def _entries_html(
    crisis: Crisis, entries, fresh: set[int] = frozenset(), oob: bool = False, load: bool = False
) -> SafeString:
    """The entries' HTML, each rendered once (entries never change; see web.fragments), the same for
    every member: the links to actions (follow-up, decision) are marked with the capability they
    need, and web.fragments.for_member takes out those a member may not follow before it is sent.

    `load`: `entries` are EntryKeys (selectors.journal_page_keys), whose rows are read only where the HTML is missing.
    """
    version = fragments.template_version("crisis/journal.html")
    context_key = f"{fragments.context_key()}:{int(crisis.is_open)}"
    # Décision entries already recorded as decisions offer no "enregistrer comme décision". Keys read
    # for the page carry no type: all are asked; a poll's new entries, only those typed décision.
    recorded = set()
    pks = [
        entry.pk
        for entry in entries
        if getattr(entry, "kind", JournalEntry.Kind.DECISION) == JournalEntry.Kind.DECISION
    ]
    if crisis.is_open and pks:
        recorded = set(Decision.objects.filter(journal_entry_id__in=pks).values_list("journal_entry_id", flat=True))

    def key(entry) -> str:
        flags = f"{int(entry.is_corrected)}{int(entry.pk in recorded)}"
        return f"journal-entry:{version}:{entry.pk}:{entry.hash[:16]}:{flags}:{context_key}"

    def render_entry(entry) -> str:
        context = {"entry": entry, "crisis": crisis, "recorded": entry.pk in recorded}
        return render_to_string("crisis/journal.html#entry", context)

    loader = (lambda keys: selectors.journal_entries_by_key(crisis, keys)) if load else None
    html = fragments.render_many(entries, key, render_entry, loader)
    marked = (_variant(h, e, fresh=e.pk in fresh, oob=oob) for h, e in zip(html, entries, strict=True))
    return mark_safe("".join(marked))  # noqa: S308 (our own rendering)


def warm_first_pages() -> int:
    """Before the web server forks its workers (settings.WARM_UP_CALLS): the open crises' first page of
    entries rendered into the fragment cache, which the workers inherit, so that none renders fifty
    entries on its first journal page after a start. A database that does not answer yet: nothing
    warmed, the server starts all the same. Returns the number of entries rendered."""
    warmed = 0
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for crisis in Crisis.objects.filter(closed_at__isnull=True).select_related("establishment"):
                filters, order = selectors.JournalFilters(), selectors.JournalOrder.TIME
                entries, _next = selectors.journal_page_keys(crisis, filters, None, JOURNAL_PAGE_SIZE, order)
                _entries_html(crisis, entries, load=True)
                warmed += len(entries)
    except DatabaseError as error:
        logger.warning("journal pages not warmed before forking: %s", error)
    return warmed


def _member_links(membership) -> set[str]:
    """The capabilities behind the entries' links to actions (follow-up, decision) this member holds."""
    return {capability for capability in (Cap.MANAGE_RIDA, Cap.DECIDE) if membership.has(capability)}


def _variant(html: str, entry, *, fresh: bool, oob: bool) -> str:
    """The cached HTML marked as just arrived (highlighted) or as an out-of-band replacement."""
    if fresh:
        html = html.replace('<article class="entry', '<article class="entry new', 1)
    if oob:
        anchor = f'id="entry-{entry.seq}"'
        html = html.replace(anchor, f'{anchor} hx-swap-oob="true"', 1)
    return html


def _journal_post(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = get_crisis_for_user(request.user, crisis_id, Cap.WRITE_JOURNAL)
    form = JournalEntryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.journal_append(crisis=crisis, by=request.user, **form.entry_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.is_valid():
        _remember_choices(request, crisis, form)
        if request.htmx:
            context = {"crisis": crisis, "form": _entry_form(request, crisis)}
            response = render(request, "crisis/journal.html#entry-form", context)
            return trigger_client_event(response, "journal-changed")
        messages.success(request, _("Entrée ajoutée à la main courante."))
        return redirect("crisis:journal", crisis.pk)
    if request.htmx:
        return render(request, "crisis/journal.html#entry-form", {"crisis": crisis, "form": form})
    return _journal_page(request, crisis, membership, form, status=400)


def _journal_poll(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """'Anything after N?': 204 from one small query when nothing is new; the crisis is loaded only if it is.

    New entries that belong at the top (in the page's order) are added there; one
    that happened before entries already shown (typed late) re-renders the first
    page instead, so it appears where it happened.
    """
    # Read with the session (read_with_session), the crisis with it.
    read = crisis_poll(request.user, crisis_id=crisis_id, topics=JOURNAL_TOPICS, session=request.session)
    current = read.version
    if unchanged := live.nothing_new(request, current):
        return unchanged
    crisis, membership = read.crisis, read.membership
    after = _cursor(request.GET.get("after"))
    if after is None:
        return HttpResponseBadRequest(_("Curseur invalide."))
    if crisis.journal_last_seq - after > POLL_MAX_NEW:
        # A laptop back from a long sleep: reloading the page is cheaper than a huge fragment.
        return HttpResponseClientRefresh()
    filters = _poll_filters(request, crisis)
    order = _order(request)
    links = _member_links(membership)
    if any(request.GET.get(key) for key in FILTER_KEYS) or request.GET.get("order", order) != order:
        return HttpResponse(fragments.for_member(_poll_answer(request, crisis, current, after, filters, order), links))
    # Unfiltered, the answer depends only on what its key names: the cell's members polling after
    # the same entry share it, the first one renders it (a filtered poll is one member's own).
    version = fragments.template_version("crisis/journal.html")
    key = (
        f"journal-poll:{version}:{crisis.pk}:{int(crisis.is_open)}:{current}:{after}:{order}:{fragments.context_key()}"
    )
    answer = fragments.get_or_render(
        key,
        lambda: _poll_answer(request, crisis, current, after, filters, order),
        timeout=SHARED_POLL_SECONDS,
        share=True,
    )
    return HttpResponse(fragments.for_member(answer, links))


def _poll_answer(request, crisis: Crisis, current: str, after: int, filters, order: str) -> str:
    """The entries after `after`: added at the top, or the first page again where one lands below it."""
    new_entries = _mark_corrected_new(list(selectors.journal_entries(crisis, filters).filter(seq__gt=after)), filters)
    context = {
        "crisis": crisis,
        "last_seq": max([crisis.journal_last_seq] + [entry.seq for entry in new_entries]),
        "live_version": current,
        "filter_query": _filter_query(request),
        "poll_seconds": POLL_SECONDS,
    }
    fresh = {entry.pk for entry in new_entries}
    if order == selectors.JournalOrder.TIME and _lands_below_the_top(crisis, filters, after, new_entries):
        entries, next_before = selectors.journal_page_keys(crisis, filters, None, JOURNAL_PAGE_SIZE, order)
        context |= {
            "region_html": _entries_html(crisis, entries, fresh, load=True),
            "next_before": next_before,
        }
        context["order"] = order
        context["is_first_page"] = True
        context["order_query"] = _filter_query(request, keep_order=False)
        return render_to_string("crisis/journal.html#poll-region", context)
    if order == selectors.JournalOrder.TIME:
        new_entries.sort(key=lambda entry: (entry.occurred_at, entry.seq), reverse=True)
    corrected_ids = [e.corrects_id for e in new_entries if e.corrects_id]
    corrected = list(selectors.journal_entries(crisis).filter(pk__in=corrected_ids)) if corrected_ids else []
    corrected = selectors.journal_mark_corrected(corrected)
    context |= {
        "new_html": _entries_html(crisis, new_entries, fresh),
        "corrected_html": _entries_html(crisis, corrected, oob=True),
    }
    return render_to_string("crisis/journal.html#poll-response", context)


def _mark_corrected_new(new_entries: list, filters: selectors.JournalFilters) -> list:
    """Which new entries are corrected already. A correction comes after what it corrects, so
    unfiltered, the corrections of new entries are among the new entries: no query to ask."""
    if filters.active:
        return selectors.journal_mark_corrected(new_entries)
    corrected = {entry.corrects_id for entry in new_entries}
    for entry in new_entries:
        entry.is_corrected = entry.pk in corrected
    return new_entries


def _poll_filters(request: HttpRequest, crisis: Crisis) -> selectors.JournalFilters:
    """The filters a poll carries; most carry none, and then neither the form nor its authors' query is built."""
    if not any(request.GET.get(key) for key in FILTER_KEYS):
        return selectors.JournalFilters()
    return JournalFilterForm(request.GET, authors=selectors.journal_authors(crisis)).filters()


def _lands_below_the_top(crisis: Crisis, filters, after: int, new_entries: list) -> bool:
    """Does a new entry sort below the newest one already shown, in event-time order?"""
    if not new_entries:
        return False
    top = (
        selectors.journal_in_time_order(crisis, filters)
        .filter(seq__lte=after)
        .reverse()
        .values_list("occurred_at", "seq")
        .first()
    )
    return top is not None and min((e.occurred_at, e.seq) for e in new_entries) < top


def _cursor(raw) -> int | None:
    """A sequence number sent back by the page: 0 or more, or None when malformed."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 <= value < 2**31 else None


def _positive_int(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _filter_query(request: HttpRequest, keep_order: bool = True) -> str:
    keep = FILTER_KEYS + (("order",) if keep_order else ())
    return urlencode({k: request.GET[k] for k in keep if request.GET.get(k)})


@login_required
@require_http_methods(["GET", "POST"])
def journal_entry(request: HttpRequest, crisis_id: int, seq: int) -> HttpResponse:
    capability = Cap.WRITE_JOURNAL if request.method == "POST" else Cap.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    entry = object_of(crisis, selectors.journal_entries(crisis), seq, field="seq")
    selectors.journal_mark_corrected([entry])
    form = CorrectionForm(request.POST or None, original=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_correct(original=entry, by=request.user, **form.correction_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Correction ajoutée ; l'entrée d'origine reste visible."))
            return redirect("crisis:journal", crisis.pk)
    context = {
        "crisis": crisis,
        "membership": membership,
        "entry": entry,
        "corrections": selectors.journal_entries(crisis).filter(corrects=entry).order_by("seq"),
        "form": form if membership.has(Cap.WRITE_JOURNAL) and crisis.is_open else None,
    }
    return render(request, "crisis/journal_entry.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
@attachment_csp
def journal_attachment(request: HttpRequest, crisis_id: int, seq: int) -> HttpResponse:
    """Attachments are served through access control, never from a public media URL."""
    crisis, _membership = get_crisis_for_user(request.user, crisis_id)
    entry = object_of(crisis, JournalEntry.objects.exclude(attachment=""), seq, field="seq")
    response = FileResponse(
        entry.attachment.open("rb"), as_attachment=False, filename=entry.attachment.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response
