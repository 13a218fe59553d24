"""Pages: the obligations (live list, one obligation with its form and pre-filled draft), costs, the RETEX."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crisis import live
from crisis.models import RidaLine
from crisis.permissions import get_crisis_for_user, object_of
from crisis.services.records import record_history
from web import live as web_live
from web.forms import add_service_errors

from . import access, drafts, exports, selectors, services
from . import retex as retex_data
from .forms import CostForm, ObligationForm, RetexActionForm, RetexForm
from .models import TOPIC, Obligation

TOPICS = (TOPIC, "crisis")


@login_required
@require_GET
def obligation_list(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if unchanged := live.unchanged_poll(request, topics=TOPICS, crisis_id=crisis_id, capability=access.READ):
        return unchanged
    crisis, membership = get_crisis_for_user(request.user, crisis_id, access.READ)
    version = live.version(crisis, TOPICS)
    context = {
        "crisis": crisis,
        "membership": membership,
        "clocks": selectors.clocks(crisis),
        "live_version": version,
    }
    template = "obligations/obligations.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def obligation_detail(request: HttpRequest, crisis_id: int, obligation_id: int) -> HttpResponse:
    capability = access.WRITE if request.method == "POST" else access.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    services.obligations_ensure(crisis)
    obligation = object_of(crisis, Obligation.objects.select_related("done_by"), obligation_id)
    obligation.crisis = crisis
    form = None
    if request.method == "POST":
        form = ObligationForm(request.POST, request.FILES, obligation=obligation)
        if form.is_valid():
            try:
                services.obligation_update(
                    obligation=obligation,
                    by=request.user,
                    attachment=form.cleaned_data.get("attachment"),
                    **form.changes(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Obligation enregistrée ; la main courante en garde la trace."))
                return redirect("obligations:obligation", crisis.pk, obligation.pk)
    if form is None and membership.has(access.WRITE):
        initial = {
            "status": obligation.status,
            "done_at": timezone.localtime(obligation.done_at) if obligation.done_at else None,
            "reference": obligation.reference,
            "late_reason": obligation.late_reason,
            "notes": obligation.notes,
            "complement_at": timezone.localtime(obligation.complement_at) if obligation.complement_at else None,
            "complement_reference": obligation.complement_reference,
        }
        form = ObligationForm(initial=initial, obligation=obligation)
    draft = drafts.draft(obligation, request.user)
    context = {
        "crisis": crisis,
        "membership": membership,
        "obligation": obligation,
        "status": obligation.shown_status(),
        "form": form,
        "draft": draft,
        "draft_text": drafts.draft_text(draft),
        "history": record_history(obligation),
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "obligations/obligation.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cost_list(request: HttpRequest, crisis_id: int) -> HttpResponse:
    capability = access.WRITE if request.method == "POST" else access.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    form = None
    if request.method == "POST":
        form = CostForm(request.POST)
        if form.is_valid():
            try:
                services.cost_create(crisis=crisis, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Coût enregistré."))
                return redirect("obligations:costs", crisis.pk)
    if form is None and membership.has(access.WRITE):
        form = CostForm(initial={"date": timezone.localdate()})
    context = {
        "crisis": crisis,
        "membership": membership,
        "costs": selectors.costs_of(crisis),
        "totals": selectors.cost_totals(crisis),
        "form": form,
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "obligations/costs.html", context, status=status)


@login_required
@require_GET
def cost_export(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """The cost lines and their totals as a spreadsheet for the finance direction."""
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, access.READ)
    response = HttpResponse(
        exports.costs_xlsx(crisis),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="couts-crise-{crisis.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def retex(request: HttpRequest, crisis_id: int) -> HttpResponse:
    capability = access.WRITE if request.method == "POST" else access.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    report = services.retex_of(crisis)
    form = action_form = None
    if request.method == "POST" and request.POST.get("what") == "action":
        action_form = RetexActionForm(request.POST, prefix="action")
        if action_form.is_valid():
            try:
                services.retex_action_create(crisis=crisis, by=request.user, **action_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(action_form, exc)
            else:
                messages.success(request, _("Action ajoutée au plan d'actions (RIDA)."))
                return redirect("obligations:retex", crisis.pk)
    elif request.method == "POST":
        form = RetexForm(request.POST, instance=report)
        if form.is_valid():
            services.retex_update(crisis=crisis, by=request.user, **{n: form.cleaned_data[n] for n in report.SECTIONS})
            messages.success(request, _("RETEX enregistré."))
            return redirect("obligations:retex", crisis.pk)
    report = services.retex_of(crisis)  # the form above edits its own copy
    can_write = membership.has(access.WRITE)
    context = {
        "crisis": crisis,
        "membership": membership,
        "retex": report,
        "figures": retex_data.figures(crisis),
        "chronology": retex_data.chronology(crisis),
        "actions": RidaLine.objects.filter(crisis=crisis, source_label="RETEX").order_by("seq"),
        "form": (form or RetexForm(instance=report)) if can_write else None,
        "action_form": (action_form or RetexActionForm(prefix="action")) if can_write and crisis.is_open else None,
    }
    failed = (form is not None and form.errors) or (action_form is not None and action_form.errors)
    return render(request, "obligations/retex.html", context, status=400 if failed else 200)
