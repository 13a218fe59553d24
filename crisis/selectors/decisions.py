"""Reads of the decisions (gates in effect) and the dashboard's decisions card."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Crisis, Decision
from .rida import my_open_actions_counted, rida_counters


@dataclass
class GateState:
    gate: str
    label: str
    in_effect: bool
    last: object  # the latest Decision of this gate, or None


@dataclass
class DecisionsState:
    gates: list[GateState]
    closure: object | None  # the decision keeping the emergency department closed, if any
    closed_since: datetime | None
    next_reassessment: datetime | None
    reassessment_due: bool
    network_cut_since: datetime | None
    plan_blanc_since: datetime | None
    diversions: list
    rows: list  # "État actuel": one CurrentRow per gate pair or single gate


@dataclass
class CurrentRow:
    """One line of the current state: a pair of opposite gates (or a single gate), its state and since when."""

    key: str
    label: str
    state: str  # in words ("déclenché", "levé"); "" when never decided
    in_effect: bool
    since: datetime | None
    is_pair: bool = True  # a pair's state holds since then; a single gate was decided at that time


# The pairs as the cell says them: subject, state while on, state once off.
PAIR_WORDS = {
    "plan_blanc_declenche": (_("Plan blanc"), _("déclenché"), _("levé")),
    "urgences_fermees": (_("Urgences"), _("fermées"), _("rouvertes")),
    "coupure_reseau": (_("Accès à internet"), _("coupé"), _("rétabli")),
}


# Gates that end another's effect: the latest of a pair is the one in effect.
GATE_PAIRS = {
    "plan_blanc_declenche": "plan_blanc_leve",
    "urgences_fermees": "urgences_rouvertes",
    "coupure_reseau": "reconnexion_internet",
}


def decisions_state(crisis: Crisis, now: datetime | None = None, *, with_rows: bool = True) -> DecisionsState:
    """The current state of every gate, from the latest decision of each (one query).

    ``with_rows=False`` (the dashboard's card, which shows neither): no gate list and no "État actuel"
    rows, whose labels are translated one by one."""
    now = now or timezone.now()
    decisions = Decision.objects.filter(crisis=crisis).order_by("occurred_at", "pk")
    if not with_rows:  # the card: what it says of a closure and the diversions, nothing else of a decision
        decisions = decisions.only("crisis_id", "gate", "occurred_at", "reassess_at", "pathway", "destination")
    decisions = list(decisions)
    latest = {}
    for decision in decisions:
        latest[decision.gate] = decision
    pair_of = {**GATE_PAIRS, **{off: on for on, off in GATE_PAIRS.items()}}

    def in_effect(gate: str) -> bool:
        last = latest.get(gate)
        if last is None:
            return False
        other = latest.get(pair_of.get(gate, ""))
        return other is None or (other.occurred_at, other.pk) < (last.occurred_at, last.pk)

    gates = (
        [GateState(gate, str(label), in_effect(gate), latest.get(gate)) for gate, label in Decision.Gate.choices]
        if with_rows
        else []
    )
    closure = latest.get("urgences_fermees") if in_effect("urgences_fermees") else None
    return DecisionsState(
        gates=gates,
        closure=closure,
        closed_since=_run_start(decisions, "urgences_fermees", "urgences_rouvertes") if closure else None,
        next_reassessment=closure.reassess_at if closure else None,
        reassessment_due=bool(closure and closure.reassess_at and closure.reassess_at <= now),
        network_cut_since=_run_start(decisions, "coupure_reseau", "reconnexion_internet")
        if in_effect("coupure_reseau")
        else None,
        plan_blanc_since=_run_start(decisions, "plan_blanc_declenche", "plan_blanc_leve")
        if in_effect("plan_blanc_declenche")
        else None,
        diversions=[d for d in decisions if d.gate == "detournement_patients"][-3:][::-1],
        rows=_current_rows(decisions, latest, in_effect) if with_rows else [],
    )


def _current_rows(decisions: list, latest: dict, in_effect) -> list[CurrentRow]:
    """One row per pair (its state and since when: the start of the current run), then the single gates."""
    rows, paired = [], {*GATE_PAIRS, *GATE_PAIRS.values()}
    for gate, label in Decision.Gate.choices:
        if gate in GATE_PAIRS:
            off = GATE_PAIRS[gate]
            subject, on_word, off_word = PAIR_WORDS[gate]
            if in_effect(gate):
                rows.append(CurrentRow(gate, str(subject), str(on_word), True, _run_start(decisions, gate, off)))
            elif latest.get(off) is not None:
                rows.append(CurrentRow(gate, str(subject), str(off_word), False, latest[off].occurred_at))
            else:
                rows.append(CurrentRow(gate, str(subject), "", False, None))
        elif gate not in paired:
            last = latest.get(gate)
            rows.append(
                CurrentRow(
                    gate, str(label), str(_("décidée")) if last else "", False, last and last.occurred_at, is_pair=False
                )
            )
    return rows


def _run_start(decisions: list, on: str, off: str) -> datetime | None:
    """When the current run of `on` began: the first `on` after the last `off` (closed since 07:00)."""
    start = None
    for decision in decisions:
        if decision.gate == off:
            start = None
        elif decision.gate == on and start is None:
            start = decision.occurred_at
    return start


def decision_list(crisis: Crisis, limit: int = 200) -> QuerySet:
    return (
        Decision.objects.filter(crisis=crisis)
        .select_related("decided_by", "journal_entry", "rida_line")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def decisions_card(crisis: Crisis, now: datetime | None = None) -> dict:
    """What the dashboard's decisions card shows everyone: the current state, open and overdue actions.

    The member's own actions are its own part (my_rida), rendered apart for each member."""
    now = now or timezone.now()
    return {
        "state": decisions_state(crisis, now, with_rows=False),
        "rida": rida_counters(crisis, None, now),
        "now": now,
    }


def my_rida(crisis: Crisis, user, now: datetime | None = None, shown: int = 5) -> dict:
    """The member's open actions for the decisions card: how many, how many overdue, the closest due first."""
    now = now or timezone.now()
    mine, my_overdue, actions = my_open_actions_counted(crisis, user, now, shown)  # a member may own a hundred
    return {"mine": mine, "my_overdue": my_overdue, "actions": actions, "now": now}
