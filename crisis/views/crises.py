"""Home, crisis dashboard, phase, record and closure."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from web import live
from web.forms import add_service_errors

from .. import live as live_topics
from .. import plugins, selectors, services
from ..forms import (
    CloseForm,
    CrisisEditForm,
    CrisisForm,
    PhaseForm,
)
from ..models import Crisis, Role
from ..permissions import (
    Cap,
    capabilities_of,
    crises_for,
    establishments_for,
    get_crisis_for_user,
)
from .cards import render_cards_page

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
                return redirect("crisis:dashboard", crisis.pk)
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
    return redirect("crisis:home")


def dashboard_topics() -> tuple[str, ...]:
    """Everything the dashboard shows: the topics of the crisis cards the apps declare. What changes
    with time alone (a deadline falling due) is rendered with data-due-at and turned overdue in the
    browser (console.js)."""
    return plugins.page_topics(plugins.Scope.CRISIS)


def dashboard_version(crisis: Crisis) -> str:
    """The version of the dashboard, read before what it shows."""
    return live_topics.version(crisis, dashboard_topics())


def _roles_with(capability: str) -> list[str]:
    return [role for role in Role.values if capability in capabilities_of(role)]


@live_topics.read_with_session(dashboard_topics)  # a poll: the session, the access and the counters at once
@login_required
@require_GET
def crisis_dashboard(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """The cards the apps declare for a crisis (crisis.plugins), those this member may see.

    A poll that missed answers with the cards following a topic that moved, out of band, and
    a new poller: the other cards are not computed."""
    topics = dashboard_topics()
    if live.is_poll(request):
        # The access, the counters and the crisis in one query: most polls end on it.
        read = live_topics.crisis_poll(request.user, crisis_id=crisis_id, topics=topics, session=request.session)
        if unchanged := live.nothing_new_in(request, read.counters):
            return unchanged
        crisis, membership, counters = read.crisis, read.membership, read.counters
    else:
        (crisis, membership), counters = get_crisis_for_user(request.user, crisis_id), None
    return render_cards_page(
        request, crisis, membership, topics=topics, counters=counters, template="crisis/dashboard.html"
    )


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
    return redirect("crisis:dashboard", crisis.pk)


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
            return redirect("crisis:edit", crisis.pk)
    can_decide = membership.has(Cap.DECIDE) and crisis.is_open
    context = {
        "crisis": crisis,
        "membership": membership,
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
        return redirect("crisis:edit", crisis.pk)
    try:
        services.crisis_close(crisis=crisis, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Crise close ; la main courante est scellée."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("crisis:dashboard", crisis.pk)
