"""The main courante: page, quick entry, poll, entry detail and corrections, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh, trigger_client_event

from web import live
from web.security import attachment_csp

from .. import selectors, services
from ..forms import (
    CorrectionForm,
    JournalEntryForm,
    JournalFilterForm,
    add_service_errors,
)
from ..models import Crisis, JournalEntry
from ..permissions import Cap, get_crisis_for_user, live_versions_for_user

JOURNAL_PAGE_SIZE = 50
POLL_SECONDS = 3
POLL_MAX_NEW = 200


# --- main courante --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def journal(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if request.method == "POST":
        return _journal_post(request, crisis_id)
    if "after" in request.GET:
        return _journal_poll(request, crisis_id)
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    return _journal_page(request, crisis, membership, JournalEntryForm())


def _journal_page(request: HttpRequest, crisis: Crisis, membership, form: JournalEntryForm, status: int = 200):
    """The journal page: the entry form (blank, or with its errors), filters, one page of entries."""
    filter_form = JournalFilterForm(request.GET or None, authors=selectors.journal_authors(crisis))
    before = _positive_int(request.GET.get("before"))
    entries, next_before = selectors.journal_page(crisis, filter_form.filters(), before, JOURNAL_PAGE_SIZE)
    context = {
        "crisis": crisis,
        "membership": membership,
        "can_write": membership.has(Cap.WRITE_JOURNAL) and (crisis.is_open or form.errors),
        "form": form,
        "filter_form": filter_form,
        "entries": entries,
        "next_before": next_before,
        "filter_query": _filter_query(request),
        "is_first_page": before is None,
        # The crisis row was read before the entries: an entry added in between is on the page already.
        "last_seq": max([crisis.journal_last_seq] + [entry.seq for entry in entries[:1]]),
        "live_version": crisis.live_version,
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "crisis/journal.html", context, status=status)


def _journal_post(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = get_crisis_for_user(request.user, crisis_id, Cap.WRITE_JOURNAL)
    form = JournalEntryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.journal_append(crisis=crisis, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.is_valid():
        if request.htmx:
            response = render(request, "crisis/journal.html#entry-form", {"crisis": crisis, "form": JournalEntryForm()})
            return trigger_client_event(response, "journal-changed")
        messages.success(request, _("Entrée ajoutée à la main courante."))
        return redirect("journal", crisis.pk)
    if request.htmx:
        return render(request, "crisis/journal.html#entry-form", {"crisis": crisis, "form": form})
    return _journal_page(request, crisis, membership, form, status=400)


def _journal_poll(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """'Anything after N?': 204 from one small query when nothing is new; the crisis is loaded only if it is."""
    crisis_version, _establishment_version = live_versions_for_user(request.user, crisis_id)
    if unchanged := live.nothing_new(request, crisis_version):
        return unchanged
    crisis, _membership = get_crisis_for_user(request.user, crisis_id)
    after = _cursor(request.GET.get("after"))
    if after is None:
        return HttpResponseBadRequest(_("Curseur invalide."))
    if crisis.journal_last_seq - after > POLL_MAX_NEW:
        # A laptop back from a long sleep: reloading the page is cheaper than a huge fragment.
        return HttpResponseClientRefresh()
    authors = selectors.journal_authors(crisis)
    filters = JournalFilterForm(request.GET, authors=authors).filters()
    new_entries = list(selectors.journal_entries(crisis, filters).filter(seq__gt=after))
    corrected_ids = [e.corrects_id for e in new_entries if e.corrects_id]
    corrected = list(selectors.journal_entries(crisis).filter(pk__in=corrected_ids)) if corrected_ids else []
    context = {
        "crisis": crisis,
        "new_entries": new_entries,
        "corrected": corrected,
        "last_seq": max([crisis.journal_last_seq] + [entry.seq for entry in new_entries[:1]]),
        "live_version": crisis.live_version,
        "filter_query": _filter_query(request),
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "crisis/journal.html#poll-response", context)


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


def _filter_query(request: HttpRequest) -> str:
    keep = ("kind", "priority", "author", "since", "until", "q")
    return urlencode({k: request.GET[k] for k in keep if request.GET.get(k)})


@login_required
@require_http_methods(["GET", "POST"])
def journal_entry(request: HttpRequest, crisis_id: int, seq: int) -> HttpResponse:
    capability = Cap.WRITE_JOURNAL if request.method == "POST" else Cap.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    entry = selectors.journal_entries(crisis).filter(seq=seq).first()
    if entry is None:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_correct(original=entry, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Correction ajoutée ; l'entrée d'origine reste visible."))
            return redirect("journal", crisis.pk)
    context = {
        "crisis": crisis,
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
    entry = JournalEntry.objects.filter(crisis=crisis, seq=seq).exclude(attachment="").first()
    if entry is None:
        raise Http404
    response = FileResponse(
        entry.attachment.open("rb"), as_attachment=False, filename=entry.attachment.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response
