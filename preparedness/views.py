"""Preparedness pages: readiness (establishment and GHT), exercises and their live inject player, campaigns.

Every page works without JavaScript (forms post and redirect); the player polls with htmx, its
version being its injects' topic plus how many injects are due (time alone changes what it shows).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisis import live
from crisis.models import Crisis
from crisis.permissions import get_crisis_for_user, get_establishment_for_user, object_of
from crisis.services import crisis_create
from web import live as web_live
from web.forms import add_service_errors
from web.moments import moment

from . import access, charts, ghts, readiness, scenarios, selectors, services
from .forms import AdvanceForm, CampaignForm, ClockForm, DeliverForm, ExerciseForm, ImportForm, ObserveForm, StartForm
from .models import Inject

# --- readiness --------------------------------------------------------------------------


@login_required
@require_GET
def readiness_page(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    result = readiness.readiness(establishment, keep=True)
    context = {"establishment": establishment, "membership": membership, "readiness": result}
    return render(request, "preparedness/readiness.html", context)


@login_required
@require_GET
def ght_page(request: HttpRequest, ght_id: int) -> HttpResponse:
    ght, rows = ghts.ght_readiness_for_user(request.user, ght_id)
    return render(request, "preparedness/ght.html", {"ght": ght, "rows": rows})


# --- exercises ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def exercises(request: HttpRequest, establishment_id: int) -> HttpResponse:
    capability = access.ANIMATE if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    form = None
    if request.method == "POST":
        form = ExerciseForm(request.POST)
        if form.is_valid():
            crisis = crisis_create(
                establishment=establishment,
                by=request.user,
                title=form.cleaned_data["title"],
                kind=Crisis.Kind.EXERCICE,
                is_exercise=True,
            )
            services.exercise_update(crisis=crisis, by=request.user, level=form.cleaned_data["level"])
            messages.success(request, _("Exercice ouvert : importez son chronogramme."))
            return redirect("preparedness:player", crisis.pk)
    rows = list(selectors.exercises_of(establishment))
    counts = selectors.inject_counts([c.pk for c in rows])
    for row in rows:
        row.counts = counts.get(row.pk, {})
    context = {
        "establishment": establishment,
        "membership": membership,
        "exercises": rows,
        "form": (form or ExerciseForm()) if membership.has(access.ANIMATE) else None,
        "can_play": membership.has(access.OBSERVE),
    }
    return render(request, "preparedness/exercises.html", context, status=400 if form is not None else 200)


def _exercise_crisis(request, exercise_id: int, capability: str):
    crisis, membership = get_crisis_for_user(request.user, exercise_id, capability)
    if not crisis.is_exercise:
        raise Http404  # a real crisis has no chronogramme
    return crisis, membership


@login_required
@require_GET
def player(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The animator's and observers' view: the injects whose time has come, live."""
    if web_live.is_poll(request):
        current = live.version_for_user(
            request.user, topics=selectors.PLAYER_TOPICS, crisis_id=exercise_id, capability=access.OBSERVE
        )
        if unchanged := web_live.nothing_new(request, f"{current}.{selectors.due_count(exercise_id)}"):
            return unchanged  # two queries: the access with the counters, the due injects
    crisis, membership = _exercise_crisis(request, exercise_id, access.OBSERVE)
    return _player_page(request, crisis, membership)


def _player_page(request, crisis, membership, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    version = selectors.player_version(crisis)  # before reading: a change meanwhile shows at the next poll
    state = selectors.player(crisis)
    can_animate = membership.has(access.ANIMATE) and crisis.is_open
    for inject in state.due:
        inject.observe_form = ObserveForm(
            initial={"inject": inject.pk, "observation": inject.observation, "comment": inject.observation_comment},
            auto_id=f"obs_{inject.pk}_%s",
        )
    bad = forms.get("observe")
    if bad is not None:
        for inject in state.due:
            if str(inject.pk) == str(bad.data.get("inject")):
                inject.observe_form = bad
    exercise = state.exercise
    context = {
        "crisis": crisis,
        "membership": membership,
        "state": state,
        "exercise": exercise,
        "can_animate": can_animate,
        "live_version": version,
        "import_form": forms.get("import") or ImportForm() if can_animate else None,
        "level_form": forms.get("level") or ClockForm(initial={"level": exercise.level if exercise else None})
        if can_animate
        else None,
        "start_form": forms.get("start") or StartForm(auto_id="start_%s") if can_animate else None,
        "advance_form": forms.get("advance") or AdvanceForm(auto_id="advance_%s") if can_animate else None,
        "next_due_label": moment(state.next_due_at, "day_time") if state.next_due_at else "",
        # Folded once the chronogramme plays; open when there is nothing to play yet or a form came back in error.
        "animation_open": not state.total
        or exercise is None
        or exercise.started_at is None
        or any(key in forms for key in ("import", "start", "advance", "level")),
    }
    template = "preparedness/player.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context, status=status)


@login_required
@require_POST
def player_import(request: HttpRequest, exercise_id: int) -> HttpResponse:
    crisis, membership = _exercise_crisis(request, exercise_id, access.ANIMATE)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = form.cleaned_data.get("file")
            if upload:
                lines = scenarios.parse_upload(upload.read(), upload.name)
            else:
                text = form.cleaned_data["text"]
                lines = scenarios.parse_json(text) if text.lstrip()[:1] in "{[" else scenarios.parse_csv(text)
            created = services.injects_import(crisis=crisis, by=request.user, lines=lines)
        except ValidationError as exc:
            form.service_fields = {"injects": "text" if not form.cleaned_data.get("file") else "file", "crisis": None}
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)s injects importés.") % {"n": len(created)})
            return redirect("preparedness:player", crisis.pk)
    return _player_page(request, crisis, membership, forms={"import": form}, status=400)


@login_required
@require_POST
def player_clock(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The level, the start of the clock, a jump forward: one form each, told apart by `action`."""
    crisis, membership = _exercise_crisis(request, exercise_id, access.ANIMATE)
    action = request.POST.get("action")
    form_class, key = {
        "level": (ClockForm, "level"),
        "start": (StartForm, "start"),
        "advance": (AdvanceForm, "advance"),
    }.get(action, (None, None))
    if form_class is None:
        return _player_page(request, crisis, membership, status=400)
    form = form_class(request.POST, auto_id="id_%s" if key == "level" else f"{key}_%s")
    if form.is_valid():
        try:
            if key == "level":
                services.exercise_update(crisis=crisis, by=request.user, level=form.cleaned_data["level"])
            elif key == "start":
                services.exercise_start(crisis=crisis, by=request.user, **form.cleaned_data)
            else:
                services.exercise_advance(crisis=crisis, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            messages.error(request, " ".join(exc.messages))  # also when that form is not on the page
        else:
            messages.success(request, _("Horloge de l'exercice enregistrée."))
            return redirect("preparedness:player", crisis.pk)
    return _player_page(request, crisis, membership, forms={key: form}, status=400)


@login_required
@require_POST
def player_deliver(request: HttpRequest, exercise_id: int) -> HttpResponse:
    crisis, membership = _exercise_crisis(request, exercise_id, access.ANIMATE)
    form = DeliverForm(request.POST)
    if not form.is_valid():
        return _player_page(request, crisis, membership, status=400)
    inject = object_of(crisis, Inject, form.cleaned_data["inject"])
    try:
        services.inject_deliver(inject=inject, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _player_page(request, crisis, membership, status=400)
    messages.success(request, _("Inject n° %(n)s livré dans la main courante.") % {"n": inject.number})
    return redirect(f"{_player_url(crisis)}#inject-{inject.pk}")


@login_required
@require_POST
def player_observe(request: HttpRequest, exercise_id: int) -> HttpResponse:
    crisis, membership = _exercise_crisis(request, exercise_id, access.OBSERVE)
    sent = request.POST.get("inject", "")
    form = ObserveForm(request.POST, auto_id=f"obs_{sent if sent.isdigit() and len(sent) < 20 else 'x'}_%s")
    if form.is_valid():
        inject = object_of(crisis, Inject, form.cleaned_data["inject"])
        try:
            services.inject_observe(
                inject=inject,
                by=request.user,
                observation=form.cleaned_data["observation"],
                comment=form.cleaned_data["comment"],
                follow_up=form.cleaned_data["follow_up"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            messages.error(request, " ".join(exc.messages))  # also when the inject's form is not on the page
        else:
            messages.success(request, _("Observation de l'inject n° %(n)s enregistrée.") % {"n": inject.number})
            return redirect(f"{_player_url(crisis)}#inject-{inject.pk}")
    return _player_page(request, crisis, membership, forms={"observe": form}, status=400)


def _player_url(crisis) -> str:
    return reverse("preparedness:player", args=[crisis.pk])


# --- campaigns ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest, establishment_id: int) -> HttpResponse:
    capability = access.WRITE_CAMPAIGNS if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    form = None
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                services.campaign_create(establishment=establishment, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Campagne enregistrée."))
                return redirect("preparedness:campaigns", establishment.pk)
    rows = list(selectors.campaigns_of(establishment))
    chart = charts.campaign_chart(
        rows,
        click_label=_("Taux de clic"),
        report_label=_("Taux de signalement"),
        date_label=lambda day: moment(day, "date"),
    )
    context = {
        "establishment": establishment,
        "membership": membership,
        "campaigns": rows,
        "chart": chart,
        "form": (form or CampaignForm()) if membership.has(access.WRITE_CAMPAIGNS) else None,
    }
    return render(request, "preparedness/campaigns.html", context, status=400 if form is not None else 200)
