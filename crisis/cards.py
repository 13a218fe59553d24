"""The crisis cell's cards (crisis.plugins): on the crisis dashboard and on the establishment's home page."""

import hashlib

from django.template.loader import render_to_string
from django.utils import timezone

from web import fragments

from . import selectors
from .forms import PhaseForm
from .plugins import Scope, card


def situation(crisis, user) -> dict:
    """Phase, clock and severity (the phase form is shown to deciders only).

    The regulatory clocks (CNIL, complaint...) are a card of their own, declared by an app.
    """
    now = timezone.now()
    return {
        "elapsed": (crisis.closed_at or now) - crisis.detected_at,
        "phase_form": PhaseForm(initial={"phase": crisis.phase}),
    }


def decisions(crisis, user) -> dict:
    return selectors.decisions_card(crisis)


AGENDA_ITEM = "crisis/cards/decisions.html#agenda-item"


def my_actions(crisis, user) -> dict:
    """The member's own part of the decisions card: their open actions, each line's HTML kept by what it
    shows (a member's five lines rarely change between two polls; rendering them was most of the poll)."""
    own = selectors.my_rida(crisis, user)
    now, version, context = own["now"], fragments.template_version(AGENDA_ITEM.split("#")[0]), fragments.context_key()

    def key(line) -> str:
        shown = f"{line.seq}:{line.text}:{line.due_at.isoformat() if line.due_at else ''}"
        digest = hashlib.blake2b(shown.encode(), digest_size=12).hexdigest()
        return f"agenda:{version}:{line.pk}:{digest}:{int(_overdue(line, now))}:{context}"

    def render(line) -> str:
        return render_to_string(AGENDA_ITEM, {"line": line, "overdue": _overdue(line, now)})

    own["items"] = fragments.render_many(own["actions"], key, render)
    return own


def _overdue(line, now) -> bool:
    return line.due_at is not None and line.due_at <= now


def journal(crisis, user) -> dict:
    return {"counters": selectors.journal_counters(crisis)}


def roster(crisis, user) -> dict:
    return {"roster": selectors.roster(crisis)}


def urgent(crisis, user) -> dict:
    return {"urgent": selectors.latest_urgent(crisis)}


def crises(establishment, user) -> dict:
    return {"crises": list(selectors.crises_of_establishment(establishment))}


# The decisions in effect and the RIDA's counts are the same for everyone (again every minute: what
# is overdue moves with time); each member's own actions are rendered into it apart.
card(
    Scope.CRISIS,
    "decisions",
    "crisis/cards/decisions.html",
    decisions,
    order=10,
    topics=("decisions", "rida"),
    shared=True,
    clock=60,
    own=("crisis/cards/decisions.html", my_actions),
)
card(Scope.CRISIS, "situation", "crisis/cards/situation.html", situation, order=20, topics=("crisis",))
# The main courante's counters and urgent entries are the same for every member: rendered once per
# entry (the counters count the last hour: again every minute, entry or not).
card(
    Scope.CRISIS, "journal", "crisis/cards/journal.html", journal, order=30, topics=("journal",), shared=True, clock=60
)
card(Scope.CRISIS, "roster", "crisis/cards/roster.html", roster, order=40, topics=("roster",))
card(Scope.CRISIS, "urgent", "crisis/cards/urgent.html", urgent, order=50, topics=("journal",), wide=True, shared=True)

card(Scope.ESTABLISHMENT, "crises", "crisis/cards/crises.html", crises, order=10, topics=("crisis",))
