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
from ..models import Crisis, Decision, JournalEntry
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
                entry = _entry(crisis, form.cleaned_data.get("entry"))
                decision = services.decision_record(
                    crisis=crisis, by=request.user, journal_entry=entry, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _after(request, crisis, decision)
        failed = form
    can_decide = membership.has(Cap.DECIDE) and crisis.is_open
    # "Enregistrer comme décision" from a décision entry: every gate's form prefilled with it.
    from_entry = _entry_or_none(crisis, request.GET.get("entree")) if can_decide else None
    context = {
        "crisis": crisis,
        "membership": membership,
        "state": selectors.decisions_state(crisis),
        "decisions": selectors.decision_list(crisis),
        "gate_forms": _gate_forms(failed, from_entry) if can_decide else [],
        "from_entry": from_entry,
        "failed": failed,
        "now": timezone.now(),
    }
    return render(request, "crisis/decisions.html", context, status=400 if failed is not None else 200)


def _gate_forms(failed: DecisionForm | None, entry: JournalEntry | None = None) -> list[tuple]:
    """(gate, label, form, the fields it asks for) for each button; the one that failed keeps its errors."""
    forms = []
    failed_gate = failed.data.get("gate") if failed is not None else None
    prefilled = {}
    if entry is not None:
        prefilled = {"entry": entry.seq, "occurred_at": timezone.localtime(entry.occurred_at), "details": entry.text}
    for gate, label in Decision.Gate.choices:
        initial = {"gate": gate, **prefilled}
        form = failed if gate == failed_gate else DecisionForm(initial=initial, auto_id=_auto_id(gate))
        forms.append((gate, label, form, DecisionForm.GATE_FIELDS.get(gate, ())))
    return forms


def _entry(crisis: Crisis, seq: int | None) -> JournalEntry | None:
    """The journal entry a decision records, by its number; a number of no entry is an error next to the form."""
    if seq is None:
        return None
    entry = JournalEntry.objects.filter(crisis=crisis, seq=seq).first()
    if entry is None:
        raise ValidationError({"journal_entry": _("Entrée introuvable dans cette main courante.")})
    return entry


def _entry_or_none(crisis: Crisis, raw: str | None) -> JournalEntry | None:
    """The décision entry named by ?entree=, if it is one and not yet a decision (else the page is as usual)."""
    if not raw or not raw.isdigit() or len(raw) > 9:
        return None
    entry = JournalEntry.objects.filter(crisis=crisis, seq=int(raw), kind=JournalEntry.Kind.DECISION).first()
    if entry is None or Decision.objects.filter(journal_entry=entry).exists():
        return None
    return entry


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
