"""Decisions with their own button: the current state, one form per gate, the reassessment of the closure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web.forms import add_service_errors

from .. import selectors, services
from ..forms import DecisionForm
from ..models import Crisis, Decision
from ..permissions import Cap, get_crisis_for_user


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request: HttpRequest, crisis_id: int) -> HttpResponse:
    capability = Cap.DECIDE if request.method == "POST" else Cap.READ
    crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
    failed = None
    if request.method == "POST":
        form = DecisionForm(request.POST, auto_id=_auto_id(request.POST.get("gate", "")))
        if form.is_valid():
            try:
                decision = services.decision_record(crisis=crisis, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _after(request, crisis, decision)
        failed = form
    can_decide = membership.has(Cap.DECIDE) and crisis.is_open
    context = {
        "crisis": crisis,
        "state": selectors.decisions_state(crisis),
        "decisions": selectors.decision_list(crisis),
        "gate_forms": _gate_forms(failed) if can_decide else [],
        "failed": failed,
        "now": timezone.now(),
    }
    return render(request, "crisis/decisions.html", context, status=400 if failed is not None else 200)


def _gate_forms(failed: DecisionForm | None) -> list[tuple[str, str, DecisionForm, tuple]]:
    """(gate, label, form, the fields it asks for) for each button; the one that failed keeps its errors."""
    forms = []
    failed_gate = failed.data.get("gate") if failed is not None else None
    for gate, label in Decision.Gate.choices:
        form = failed if gate == failed_gate else DecisionForm(initial={"gate": gate}, auto_id=_auto_id(gate))
        forms.append((gate, label, form, DecisionForm.GATE_FIELDS.get(gate, ())))
    return forms


def _auto_id(gate: str) -> str:
    """Nine forms on one page: field ids prefixed by their gate stay unique."""
    return f"id_{gate[:30]}_%s"


def _after(request: HttpRequest, crisis: Crisis, decision: Decision) -> HttpResponse:
    messages.success(
        request,
        _("Décision enregistrée : %(gate)s (main courante et %(number)s).")
        % {"gate": decision.get_gate_display(), "number": decision.rida_line.number},
    )
    if decision.gate == Decision.Gate.ACTIVATION_CELLULE:
        # "Opens the roster": the roster page, where the first holders are put in their roles.
        messages.info(request, _("Cellule activée : inscrivez les premiers titulaires des rôles."))
        return redirect("crisis:roster", crisis.pk)
    return redirect("crisis:decisions", crisis.pk)
