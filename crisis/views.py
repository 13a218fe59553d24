"""Pages of the crisis cell. Every view needs login and a capability (see permissions).

Pages work without JavaScript (forms post and redirect); htmx only makes them
faster: the journal polls for new entries and posts entries in place.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, trigger_client_event
from rest_framework.authtoken.models import Token

from web.security import attachment_csp

from . import selectors, services
from .forms import (
    CloseForm,
    CorrectionForm,
    CrisisEditForm,
    CrisisForm,
    HandoverForm,
    JournalEntryForm,
    JournalFilterForm,
    PhaseForm,
    ShiftStartForm,
    ThrottledLoginForm,
    add_service_errors,
)
from .models import Crisis, JournalEntry, Role, Shift
from .permissions import Cap, capabilities_of, crises_for, establishments_for, get_crisis_for_user

JOURNAL_PAGE_SIZE = 50
POLL_SECONDS = 3
POLL_MAX_NEW = 200


# --- health and login -----------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True


# --- home and crises ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    establishments = establishments_for(request.user)
    deciding = establishments.filter(memberships__user=request.user, memberships__role__in=_roles_with(Cap.DECIDE))
    form = CrisisForm(request.POST or None, establishments=deciding) if deciding.exists() else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                crisis = services.crisis_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Crise ouverte ; la main courante est ouverte."))
                return redirect("crisis-dashboard", crisis.pk)
    crises = crises_for(request.user).order_by("closed_at", "-detected_at").distinct()
    context = {
        "establishments": establishments,
        "crises": crises,
        "form": form,
        "api_token": Token.objects.filter(user=request.user).first(),
    }
    return render(request, "crisis/home.html", context)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    """The user's own API token, revoked from the home page (a lost laptop, a retired script)."""
    if services.token_revoke(user_id=request.user.pk):
        messages.success(request, _("Jeton d'API révoqué : la prochaine connexion à l'API en obtiendra un nouveau."))
    return redirect("home")


def _roles_with(capability: str) -> list[str]:
    return [role for role in Role.values if capability in capabilities_of(role)]


@login_required
@require_GET
def crisis_dashboard(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    # Every change the dashboard shows (entries, phase, roster) writes the journal:
    # its head is the dashboard's version, and an unchanged one answers 204.
    since = _positive_int(request.GET.get("since"))
    if since is not None and crisis.journal_last_seq <= since:
        return HttpResponse(status=204)
    context = {
        "crisis": crisis,
        "membership": membership,
        "elapsed": (crisis.closed_at or timezone.now()) - crisis.detected_at,
        "deadline_72h": crisis.awareness_at + timedelta(hours=72) if crisis.awareness_at else None,
        "roster": selectors.roster(crisis),
        "urgent": selectors.latest_urgent(crisis),
        "counters": selectors.journal_counters(crisis),
        "phase_form": PhaseForm(initial={"phase": crisis.phase}) if membership.has(Cap.DECIDE) else None,
    }
    template = "crisis/dashboard.html#live" if request.htmx and since is not None else "crisis/dashboard.html"
    return render(request, template, context)


@login_required
@require_POST
def crisis_phase(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.DECIDE)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.crisis_change_phase(crisis=crisis, by=request.user, **form.cleaned_data)
            messages.success(request, _("Phase changée : %(phase)s.") % {"phase": crisis.get_phase_display()})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Phase inconnue."))
    return redirect("crisis-dashboard", crisis.pk)


@login_required
@require_http_methods(["GET", "POST"])
def crisis_edit(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """The crisis record (awareness time, severity...): every change kept and written in the journal."""
    capability = Cap.DECIDE if request.method == "POST" else Cap.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    initial = {name: getattr(crisis, name) for name in services.CRISIS_EDITABLE_FIELDS}
    form = CrisisEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.crisis_update(crisis=crisis, by=request.user, **_changed_fields(form, initial))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Fiche de crise enregistrée."))
            return redirect("crisis-edit", crisis.pk)
    can_decide = membership.has(Cap.DECIDE) and crisis.is_open
    context = {
        "crisis": crisis,
        "form": form if can_decide else None,
        "close_form": CloseForm() if can_decide else None,
        "history": selectors.history_of(crisis)[:50],
    }
    return render(request, "crisis/crisis_edit.html", context, status=400 if form.errors else 200)


def _changed_fields(form: CrisisEditForm, initial: dict) -> dict:
    """What the user changed: a time shown to the minute and sent back unchanged is not a change."""
    changed = {}
    for name, value in form.cleaned_data.items():
        before = initial[name]
        if isinstance(before, datetime) and isinstance(value, datetime):
            if value == before.replace(second=0, microsecond=0):
                continue
        elif value == before:
            continue
        changed[name] = value
    return changed


@login_required
@require_POST
def crisis_close(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.DECIDE)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cochez la confirmation pour clore la crise."))
        return redirect("crisis-edit", crisis.pk)
    try:
        services.crisis_close(crisis=crisis, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Crise close ; la main courante est scellée."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("crisis-dashboard", crisis.pk)


# --- main courante --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def journal(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if request.method == "POST":
        return _journal_post(request, crisis_id)
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    if "after" in request.GET:
        return _journal_poll(request, crisis)
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


def _journal_poll(request: HttpRequest, crisis: Crisis) -> HttpResponse:
    """'Anything after N?': 204 from the crisis row alone when nothing is new."""
    after = _cursor(request.GET.get("after"))
    if after is None:
        return HttpResponseBadRequest(_("Curseur invalide."))
    if crisis.journal_last_seq <= after:
        return HttpResponse(status=204)
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


# --- cell roster ----------------------------------------------------------


@login_required
@require_GET
def roster(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    return _roster_page(request, crisis, can_manage=membership.has(Cap.DECIDE) and crisis.is_open)


def _roster_page(request: HttpRequest, crisis: Crisis, *, can_manage: bool, status: int = 200, **forms) -> HttpResponse:
    """The roster, with blank forms for managers, or the form that failed and its errors."""
    context = {
        "crisis": crisis,
        "roster": selectors.roster(crisis),
        "handovers": selectors.handovers(crisis),
        "start_form": forms.get("start_form") or (ShiftStartForm(crisis=crisis) if can_manage else None),
        "handover_form": forms.get("handover_form") or (HandoverForm(crisis=crisis) if can_manage else None),
        "handover_shift": forms.get("handover_shift"),
        "can_manage": can_manage,
    }
    return render(request, "crisis/roster.html", context, status=status)


@login_required
@require_POST
def shift_start(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.DECIDE)
    form = ShiftStartForm(request.POST, crisis=crisis)
    if form.is_valid():
        try:
            services.shift_start(crisis=crisis, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Prise de poste enregistrée."))
            return redirect("roster", crisis.pk)
    return _roster_with_errors(request, crisis, start_form=form)


@login_required
@require_POST
def shift_hand_over(request: HttpRequest, crisis_id: int, shift_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.DECIDE)
    shift = _shift_of(crisis, shift_id)
    form = HandoverForm(request.POST, crisis=crisis)
    if form.is_valid():
        try:
            services.shift_hand_over(shift=shift, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Relève enregistrée."))
            return redirect("roster", crisis.pk)
    return _roster_with_errors(request, crisis, handover_form=form, handover_shift=shift)


@login_required
@require_POST
def shift_end(request: HttpRequest, crisis_id: int, shift_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.DECIDE)
    shift = _shift_of(crisis, shift_id)
    try:
        services.shift_end(shift=shift, by=request.user)
        messages.success(request, _("Fin de vacation enregistrée."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("roster", crisis.pk)


def _shift_of(crisis: Crisis, shift_id: int) -> Shift:
    shift = Shift.objects.filter(crisis=crisis, pk=shift_id).select_related("holder", "crisis").first()
    if shift is None:
        raise Http404
    return shift


def _roster_with_errors(request: HttpRequest, crisis: Crisis, **forms) -> HttpResponse:
    return _roster_page(request, crisis, can_manage=True, status=400, **forms)
