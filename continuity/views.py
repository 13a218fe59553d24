"""Continuity's pages. Establishment: the procedure library (drafts, versions, publication, import and
export), the application map and its dependency graph, the restart plan, the re-entry backlog.
Crisis: the situation board (live) and the workarounds (live). Every form posts and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisis import live
from crisis.permissions import get_crisis_for_user, get_establishment_for_user, object_of
from crisis.services.records import record_history
from web import live as web_live
from web.forms import add_service_errors

from . import catalogue, exchange, graph, selectors, services
from . import permissions as access
from .forms import (
    ApplicationForm,
    ImportForm,
    ProcedureDraftForm,
    ProcedureNewForm,
    PublishForm,
    ReentryDayForm,
    ReentryKindForm,
    StatusForm,
    WorkaroundForm,
)
from .markdown import render_markdown
from .models import (
    APPLICATIONS_TOPIC,
    PROCEDURES_TOPIC,
    REENTRY_TOPIC,
    SITUATION_TOPIC,
    WORKAROUNDS_TOPIC,
    Application,
    Procedure,
    ReentryKind,
    Workaround,
)

MAX_IMPORT_BYTES = 2_000_000

# --- procedure library --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def procedures(request: HttpRequest, establishment_id: int) -> HttpResponse:
    capability = access.EDIT if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    form = None
    if request.method == "POST":
        form = ProcedureNewForm(request.POST, establishment=establishment, prefix="new")
        if form.is_valid():
            _label, kind, body = catalogue.TEMPLATES[form.cleaned_data["template"]]
            try:
                procedure = services.procedure_create(
                    establishment=establishment,
                    by=request.user,
                    service=form.cleaned_data["service"],
                    title=form.cleaned_data["title"],
                    kind=kind,
                    body=body,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Brouillon créé : complétez-le puis publiez-le."))
                return redirect("continuity:procedure", establishment.pk, procedure.pk)
    can_edit = membership.has(access.EDIT)
    rows = list(selectors.procedures_of(establishment))
    context = {
        "establishment": establishment,
        "membership": membership,
        "procedures": rows,
        "gaps": selectors.gaps(establishment),
        "today": timezone.localdate(),
        "form": (form or ProcedureNewForm(establishment=establishment, prefix="new")) if can_edit else None,
        "import_form": ImportForm(prefix="import") if can_edit else None,
    }
    return render(request, "continuity/procedures.html", context, status=400 if form and form.errors else 200)


def _procedure_page(request, establishment, membership, procedure, *, draft_form=None, publish_form=None, status=200):
    published = selectors.published_procedures(establishment).filter(procedure=procedure).first()
    can_edit = membership.has(access.EDIT)
    if draft_form is None and can_edit:
        draft_form = ProcedureDraftForm(
            establishment=establishment,
            prefix="draft",
            initial={
                "service": procedure.service_id,
                "kind": procedure.kind,
                "title": procedure.title,
                "trigger_applications": list(procedure.trigger_applications.all()),
                "owner": procedure.owner,
                "review_due": procedure.review_due,
                "tested_at": procedure.tested_at,
                "body": procedure.body,
            },
        )
    can_publish = membership.has(access.PUBLISH) and procedure.status == Procedure.Status.DRAFT
    context = {
        "establishment": establishment,
        "membership": membership,
        "procedure": procedure,
        "published": published,
        "published_html": render_markdown(published.body) if published else "",
        "draft_html": render_markdown(procedure.body) if procedure.status == Procedure.Status.DRAFT else "",
        "versions": list(selectors.versions_of(procedure)),
        "history": record_history(procedure),
        "draft_form": draft_form if can_edit else None,
        "publish_form": (publish_form or PublishForm(prefix="publish")) if can_publish else None,
    }
    return render(request, "continuity/procedure.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def procedure(request: HttpRequest, establishment_id: int, procedure_id: int) -> HttpResponse:
    capability = access.EDIT if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    found = object_of(establishment, selectors.procedures_of(establishment), procedure_id)
    if request.method == "GET":
        return _procedure_page(request, establishment, membership, found)
    form = ProcedureDraftForm(request.POST, establishment=establishment, prefix="draft")
    if form.is_valid():
        try:
            changed = services.procedure_update(procedure=found, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Brouillon enregistré.") if changed else _("Rien n'a changé."))
            return redirect("continuity:procedure", establishment.pk, found.pk)
    return _procedure_page(request, establishment, membership, found, draft_form=form, status=400)


@login_required
@require_POST
def procedure_publish(request: HttpRequest, establishment_id: int, procedure_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.PUBLISH)
    found = object_of(establishment, selectors.procedures_of(establishment), procedure_id)
    form = PublishForm(request.POST, prefix="publish")
    if form.is_valid():
        try:
            version = services.procedure_publish(
                procedure=found, by=request.user, review_due=form.cleaned_data["review_due"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Version %(n)s publiée : elle est en vigueur.") % {"n": version.number})
        return redirect("continuity:procedure", establishment.pk, found.pk)
    return _procedure_page(request, establishment, membership, found, publish_form=form, status=400)


@login_required
@require_GET
def procedure_version(request: HttpRequest, establishment_id: int, procedure_id: int, number: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    found = object_of(establishment, Procedure, procedure_id)
    version = selectors.versions_of(found).filter(number=number).first()
    if version is None:
        raise Http404
    context = {
        "establishment": establishment,
        "membership": membership,
        "procedure": found,
        "version": version,
        "html": render_markdown(version.body),
    }
    return render(request, "continuity/procedure_version.html", context)


@login_required
@require_GET
def procedures_export(request: HttpRequest, establishment_id: int, fmt: str) -> HttpResponse:
    establishment, _membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    selected = selectors.procedures_of(establishment)
    if "procedure" in request.GET:
        try:
            selected = selected.filter(pk=int(request.GET["procedure"]))
        except ValueError:
            raise Http404 from None
    text = exchange.dumps(exchange.export_data(selected), fmt)
    response = HttpResponse(text, content_type="application/yaml" if fmt == "yaml" else "application/json")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="procedures-{establishment.short_name}-{stamp}.{fmt}"'
    return response


@login_required
@require_POST
def procedures_import(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, _membership = get_establishment_for_user(request.user, establishment_id, access.EDIT)
    form = ImportForm(request.POST, request.FILES, prefix="import")
    if not form.is_valid():
        messages.error(request, _("Choisissez un fichier JSON ou YAML."))
        return redirect("continuity:procedures", establishment.pk)
    upload = form.cleaned_data["file"]
    fmt = "yaml" if upload.name.lower().endswith((".yaml", ".yml")) else "json"
    try:
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError({"file": _("Fichier trop gros.")})
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("Le fichier doit être en UTF-8.")}) from None
        created = exchange.import_data(establishment=establishment, by=request.user, data=exchange.loads(text, fmt))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s procédure(s) importée(s) comme brouillons.") % {"n": len(created)})
    return redirect("continuity:procedures", establishment.pk)


# --- application map, graph, restart plan -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def applications(request: HttpRequest, establishment_id: int) -> HttpResponse:
    capability = access.EDIT if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    form = None
    if request.method == "POST":
        form = ApplicationForm(request.POST, establishment=establishment, prefix="app")
        if form.is_valid():
            try:
                created = services.application_create(establishment=establishment, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Application ajoutée à la cartographie."))
                return redirect("continuity:application", establishment.pk, created.pk)
    rows = list(
        Application.objects.filter(establishment=establishment).prefetch_related("depends_on", "services", "procedures")
    )
    context = {
        "establishment": establishment,
        "membership": membership,
        "applications": rows,
        "form": (form or ApplicationForm(establishment=establishment, prefix="app"))
        if membership.has(access.EDIT)
        else None,
    }
    return render(request, "continuity/applications.html", context, status=400 if form and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, establishment_id: int, application_id: int) -> HttpResponse:
    capability = access.EDIT if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    found = object_of(
        establishment,
        Application.objects.prefetch_related("depends_on", "dependents", "services", "procedures"),
        application_id,
    )
    form = None
    if request.method == "POST":
        form = ApplicationForm(request.POST, establishment=establishment, exclude=found, prefix="app")
        if form.is_valid():
            try:
                changed = services.application_update(application=found, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Application enregistrée.") if changed else _("Rien n'a changé."))
                return redirect("continuity:application", establishment.pk, found.pk)
    if form is None and membership.has(access.EDIT):
        initial = {name: getattr(found, name) for name in services.APPLICATION_FIELDS}
        initial["depends_on"] = list(found.depends_on.all())
        initial["services"] = list(found.services.all())
        form = ApplicationForm(establishment=establishment, exclude=found, prefix="app", initial=initial)
    context = {
        "establishment": establishment,
        "membership": membership,
        "application": found,
        "history": record_history(found),
        "form": form,
    }
    return render(request, "continuity/application.html", context, status=400 if form and form.errors else 200)


@login_required
@require_GET
def dependency_graph(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    svg = graph.dependency_svg(*selectors.dependency_graph(establishment))
    if request.GET.get("format") == "svg":
        return HttpResponse(svg, content_type="image/svg+xml")
    context = {"establishment": establishment, "membership": membership, "svg": mark_safe(svg)}  # noqa: S308 - names escaped in graph.py
    return render(request, "continuity/graph.html", context)


@login_required
@require_GET
def restart_plan(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    context = {"establishment": establishment, "membership": membership, "plan": selectors.restart_plan(establishment)}
    return render(request, "continuity/restart_plan.html", context)


# --- re-entry backlog -------------------------------------------------------------------------

REENTRY_TOPICS = (REENTRY_TOPIC,)


@login_required
@require_http_methods(["GET", "POST"])
def reentry(request: HttpRequest, establishment_id: int) -> HttpResponse:
    capability = access.REPORT if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    kind_form = day_form = None
    if request.method == "POST":
        if "day-reentry" in request.POST:
            day_form = ReentryDayForm(request.POST, prefix="day")
            if day_form.is_valid():
                row = object_of(establishment, ReentryKind, day_form.cleaned_data["reentry"])
                try:
                    services.reentry_record(
                        reentry=row,
                        by=request.user,
                        count=day_form.cleaned_data["count"],
                        day=day_form.cleaned_data["day"],
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("continuity:reentry", establishment.pk)
                messages.success(request, _("Saisies du jour enregistrées."))
                return redirect("continuity:reentry", establishment.pk)
        else:
            kind_form = ReentryKindForm(request.POST, prefix="kind")
            if kind_form.is_valid():
                try:
                    services.reentry_kind_create(establishment=establishment, by=request.user, **kind_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(kind_form, exc)
                else:
                    messages.success(request, _("Nature de ressaisie ajoutée."))
                    return redirect("continuity:reentry", establishment.pk)
    can_report = membership.has(access.REPORT)
    rows = selectors.reentry_backlog(establishment)
    for row in rows:
        row.form = (
            ReentryDayForm(prefix="day", initial={"reentry": row.reentry.pk}, auto_id=f"ressaisie_{row.reentry.pk}_%s")
            if can_report
            else None
        )
    context = {
        "establishment": establishment,
        "membership": membership,
        "rows": rows,
        "kind_form": (kind_form or ReentryKindForm(prefix="kind")) if can_report else None,
        "day_form_error": day_form is not None and bool(day_form.errors),
    }
    failed = (kind_form is not None and kind_form.errors) or (day_form is not None and day_form.errors)
    return render(request, "continuity/reentry.html", context, status=400 if failed else 200)


# --- the crisis: situation board and workarounds ----------------------------------------------------

SITUATION_TOPICS = (SITUATION_TOPIC, APPLICATIONS_TOPIC, PROCEDURES_TOPIC)
WORKAROUND_TOPICS = (WORKAROUNDS_TOPIC,)


@login_required
@require_http_methods(["GET", "POST"])
def situation(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if request.method == "GET" and (
        unchanged := live.unchanged_poll(request, topics=SITUATION_TOPICS, crisis_id=crisis_id, capability=access.READ)
    ):
        return unchanged
    capability = access.REPORT if request.method == "POST" else access.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    form = None
    if request.method == "POST":
        form = StatusForm(request.POST)
        if form.is_valid() and not crisis.is_open:
            messages.error(request, _("Cette crise est close."))
            return redirect("continuity:situation", crisis.pk)
        if form.is_valid():
            found = object_of(crisis, Application, form.cleaned_data["application"])
            data = {k: v for k, v in form.cleaned_data.items() if k != "application"}
            services.application_status_set(crisis=crisis, application=found, by=request.user, **data)
            messages.success(request, _("État de « %(name)s » enregistré.") % {"name": found.name})
            return redirect(f"{request.path}#app-{found.pk}")
    version = live.version(crisis, SITUATION_TOPICS)
    found = selectors.situation(crisis)
    can_report = membership.has(access.REPORT) and crisis.is_open
    for row in found.rows:
        row.form = (
            StatusForm(
                initial={
                    "application": row.application.pk,
                    "status": row.status_value or "",
                    "comment": row.status.comment if row.status else "",
                    "eta": row.status.eta if row.status else None,
                },
                auto_id=f"etat_{row.application.pk}_%s",
            )
            if can_report
            else None
        )
    context = {
        "crisis": crisis,
        "establishment": crisis.establishment,
        "membership": membership,
        "situation": found,
        "plan": selectors.restart_plan(crisis.establishment),
        "live_version": version,
        "form_error": form is not None and bool(form.errors),
    }
    template = "continuity/situation.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context, status=400 if form is not None and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def workarounds(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if request.method == "GET" and (
        unchanged := live.unchanged_poll(request, topics=WORKAROUND_TOPICS, crisis_id=crisis_id, capability=access.READ)
    ):
        return unchanged
    capability = access.REPORT if request.method == "POST" else access.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    form = None
    if request.method == "POST" and "end" in request.POST:
        try:
            ended = object_of(crisis, Workaround, int(request.POST["end"]))
        except ValueError:
            raise Http404 from None
        if ended.until is None:
            services.workaround_update(workaround=ended, by=request.user, until=timezone.now())
            messages.success(request, _("Contournement terminé."))
        return redirect("continuity:workarounds", crisis.pk)
    if request.method == "POST":
        form = WorkaroundForm(request.POST, establishment=crisis.establishment, prefix="wa")
        if form.is_valid():
            try:
                services.workaround_create(crisis=crisis, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Contournement enregistré."))
                return redirect("continuity:workarounds", crisis.pk)
    version = live.version(crisis, WORKAROUND_TOPICS)
    context = {
        "crisis": crisis,
        "establishment": crisis.establishment,
        "membership": membership,
        "workarounds": list(selectors.workarounds_of(crisis)),
        "can_end": membership.has(access.REPORT) and crisis.is_open,
        "form": (form or WorkaroundForm(establishment=crisis.establishment, prefix="wa"))
        if membership.has(access.REPORT) and crisis.is_open
        else None,
        "live_version": version,
    }
    template = "continuity/workarounds.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context, status=400 if form is not None and form.errors else 200)
