"""The cell roster: who holds which role, handovers, ends of shift."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from web.forms import add_service_errors

from .. import plugins, selectors, services
from ..forms import (
    HandoverForm,
    ShiftStartForm,
)
from ..models import Crisis, Shift
from ..permissions import Cap, get_crisis_for_user, object_of

# --- cell roster ----------------------------------------------------------


@login_required
@require_GET
def roster(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    return _roster_page(request, crisis, can_manage=membership.has(Cap.DECIDE) and crisis.is_open)


def _roster_page(request: HttpRequest, crisis: Crisis, *, can_manage: bool, status: int = 200, **forms) -> HttpResponse:
    """The roster, with blank forms for managers, or the form that failed and its errors."""
    roster = selectors.roster(crisis)
    failed, failed_shift = forms.get("handover_form"), forms.get("handover_shift")
    # One hand-over form per row, each with its own ids (a label names its own field only).
    people = {user_id for duty in roster for user_id in (duty.shift.holder_id, duty.shift.deputy_id) if user_id}
    phones = plugins.phones_for(crisis.establishment_id, people)  # from the crisis directory, where installed
    rows = [
        (
            duty,
            (failed if failed_shift and failed_shift.pk == duty.shift.pk else _handover_form(crisis, duty.shift))
            if can_manage
            else None,
            phones.get(duty.shift.holder_id, []),
            phones.get(duty.shift.deputy_id, []),
        )
        for duty in roster
    ]
    context = {
        "crisis": crisis,
        "roster": roster,
        "rows": rows,
        "handovers": selectors.handovers(crisis),
        "start_form": forms.get("start_form") or (ShiftStartForm(crisis=crisis) if can_manage else None),
        "handover_shift": failed_shift,
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
            return redirect("crisis:roster", crisis.pk)
    return _roster_with_errors(request, crisis, start_form=form)


@login_required
@require_POST
def shift_hand_over(request: HttpRequest, crisis_id: int, shift_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.DECIDE)
    shift = object_of(crisis, Shift.objects.select_related("holder"), shift_id)
    form = _handover_form(crisis, shift, request.POST)
    if form.is_valid():
        try:
            services.shift_hand_over(shift=shift, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Relève enregistrée."))
            return redirect("crisis:roster", crisis.pk)
    return _roster_with_errors(request, crisis, handover_form=form, handover_shift=shift)


@login_required
@require_POST
def shift_end(request: HttpRequest, crisis_id: int, shift_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.DECIDE)
    shift = object_of(crisis, Shift.objects.select_related("holder"), shift_id)
    try:
        services.shift_end(shift=shift, by=request.user)
        messages.success(request, _("Fin de vacation enregistrée."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("crisis:roster", crisis.pk)


def _handover_form(crisis: Crisis, shift: Shift, data=None) -> HandoverForm:
    return HandoverForm(data, crisis=crisis, auto_id=f"releve-{shift.pk}-%s")


def _roster_with_errors(request: HttpRequest, crisis: Crisis, **forms) -> HttpResponse:
    return _roster_page(request, crisis, can_manage=True, status=400, **forms)
