"""Decisions with their own button: each is a "décision" entry in the journal and a D line in the RIDA.

The emergency department's closure carries its next reassessment: recording
the reassessment (closure maintained, or reopening) answers the closure's D
line and, when maintained, sets the next one.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from web.moments import moment

from ..models import Crisis, Decision, JournalEntry, Phase, RidaLine
from .crises import crisis_change_phase
from .journal import FUTURE_TOLERANCE, journal_append_for_cell
from .records import record_create
from .rida import rida_create, rida_update

Gate = Decision.Gate
THEME = "Décision"


def current_closure(crisis: Crisis) -> Decision | None:
    """The decision keeping the emergency department closed now (the last closure or maintenance), if any."""
    last = (
        Decision.objects.filter(crisis=crisis, gate__in=[Gate.URGENCES_FERMEES, Gate.URGENCES_ROUVERTES])
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return last if last is not None and last.gate == Gate.URGENCES_FERMEES else None


def _validate(*, crisis: Crisis, gate: str, occurred_at: datetime, reassess_at, opinion: str, pathway, destination):
    errors = {}
    if crisis.closed_at is not None:
        errors["crisis"] = _("La crise est close.")
    if gate not in Gate.values:
        errors["gate"] = _("Décision inconnue.")
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("L'heure de la décision est dans le futur.")
    if gate == Gate.URGENCES_FERMEES:
        if reassess_at is None:
            errors["reassess_at"] = _("La fermeture des urgences fixe l'heure de sa prochaine réévaluation.")
        elif reassess_at <= occurred_at:
            errors["reassess_at"] = _("La réévaluation suit la décision.")
    elif reassess_at is not None and not 2000 <= reassess_at.year <= 2100:
        errors["reassess_at"] = _("Date hors des limites acceptées.")
    if gate == Gate.RECONNEXION_INTERNET and not opinion.strip():
        errors["opinion"] = _("La reconnexion s'appuie sur un avis (ANSSI, CERT Santé, PRIS) : lequel ?")
    if gate == Gate.DETOURNEMENT_PATIENTS:
        if not pathway.strip():
            errors["pathway"] = _("Quelle filière est détournée ?")
        if not destination.strip():
            errors["destination"] = _("Vers quel établissement ?")
    if errors:
        raise ValidationError(errors)


def _local(at: datetime) -> str:
    return moment(at, "day_time")


def _yes_no(value) -> str:
    if value is None:
        return _("non précisé")
    return _("oui") if value else _("non")


def decision_text(decision: Decision, *, maintained: bool = False) -> str:
    """What the journal and the D line say, in the cell's words."""
    parts = [_("Décision : %(gate)s.") % {"gate": decision.get_gate_display()}]
    if maintained:
        parts = [_("Réévaluation : fermeture des urgences maintenue.")]
    elif decision.gate == Gate.URGENCES_ROUVERTES and decision.reassesses_id:
        parts = [_("Réévaluation : urgences rouvertes.")]
    if decision.reassess_at:
        parts.append(_("Prochaine réévaluation : %(at)s.") % {"at": _local(decision.reassess_at)})
    if decision.opinion:
        parts.append(_("Sur avis de : %(opinion)s.") % {"opinion": decision.opinion})
    if decision.gate == Gate.DETOURNEMENT_PATIENTS:
        parts.append(
            _(
                "Filière : %(pathway)s ; destination : %(destination)s ; ARS informée : %(ars)s ; SAMU informé : %(samu)s."
            )
            % {
                "pathway": decision.pathway,
                "destination": decision.destination,
                "ars": _yes_no(decision.ars_informed),
                "samu": _yes_no(decision.samu_informed),
            }
        )
    if decision.details:
        parts.append(decision.details)
    return " ".join(parts)


def decision_record(
    *,
    crisis: Crisis,
    by,
    gate: str,
    occurred_at: datetime | None = None,
    details: str = "",
    reassess_at: datetime | None = None,
    opinion: str = "",
    pathway: str = "",
    destination: str = "",
    ars_informed: bool | None = None,
    samu_informed: bool | None = None,
    journal_entry: JournalEntry | None = None,
) -> Decision:
    """Record a decision: journal entry, D line, and what the decision sets in motion.

    `journal_entry`: a "décision" entry the secretary already typed in the main courante;
    the decision is linked to it (its time by default) instead of writing the journal twice.

    Closing the emergency department while it is closed is the reassessment
    that maintains it; reopening answers the current closure. Activating the
    cell moves an alert to mobilisation; the end of crisis moves to its phase.
    """
    if journal_entry is not None:
        _check_entry(crisis, journal_entry)
        occurred_at = occurred_at or journal_entry.occurred_at
    occurred_at = occurred_at or timezone.now()
    details, opinion = (details or "").strip(), (opinion or "").strip()
    pathway, destination = (pathway or "").strip(), (destination or "").strip()
    _validate(
        crisis=crisis,
        gate=gate,
        occurred_at=occurred_at,
        reassess_at=reassess_at,
        opinion=opinion,
        pathway=pathway,
        destination=destination,
    )
    with transaction.atomic():
        Crisis.objects.select_for_update().only("pk").get(pk=crisis.pk)  # one decision at a time per crisis
        reassessed = current_closure(crisis) if gate in (Gate.URGENCES_FERMEES, Gate.URGENCES_ROUVERTES) else None
        decision = Decision(
            crisis=crisis,
            gate=gate,
            occurred_at=occurred_at,
            details=details,
            reassess_at=reassess_at,
            reassesses=reassessed,
            opinion=opinion,
            pathway=pathway,
            destination=destination,
            ars_informed=ars_informed,
            samu_informed=samu_informed,
            decided_by=by,
        )
        text = decision_text(decision, maintained=gate == Gate.URGENCES_FERMEES and reassessed is not None)
        if journal_entry is not None:
            if Decision.objects.filter(journal_entry=journal_entry).exists():  # checked again under the lock
                raise ValidationError({"journal_entry": _("Cette entrée est déjà enregistrée comme décision.")})
            decision.journal_entry = journal_entry
        else:
            decision.journal_entry = journal_append_for_cell(
                crisis=crisis,
                by=by,
                kind=JournalEntry.Kind.DECISION,
                channel=JournalEntry.Channel.REUNION,
                priority=JournalEntry.Priority.URGENT,
                text=text,
                occurred_at=occurred_at,
            )
        decision.rida_line = rida_create(
            crisis=crisis,
            by=by,
            kind=RidaLine.Kind.DECISION,
            theme=THEME,
            text=text,
            source_entry=decision.journal_entry,
            journal_entry=decision.journal_entry,
            owner=by if reassess_at else None,
            due_at=reassess_at,
            status=RidaLine.Status.FAIT,  # taken; its reassessment, if any, is the line's due time
        )
        record_create(instance=decision, by=by, crisis=crisis)  # its history starts, the decisions topic moves
        if reassessed is not None:
            _answer_reassessed(reassessed, decision, by)
        _set_in_motion(crisis, decision, by)
    return decision


def _check_entry(crisis: Crisis, entry: JournalEntry) -> None:
    if entry.crisis_id != crisis.pk:
        raise ValidationError({"journal_entry": _("Cette entrée appartient à une autre main courante.")})
    if entry.kind != JournalEntry.Kind.DECISION:
        raise ValidationError({"journal_entry": _("Seule une entrée de type décision devient une décision.")})
    if Decision.objects.filter(journal_entry=entry).exists():
        raise ValidationError({"journal_entry": _("Cette entrée est déjà enregistrée comme décision.")})


def _answer_reassessed(previous: Decision, decision: Decision, by) -> None:
    """The closure's D line is answered by its reassessment."""
    line = RidaLine.objects.select_related("crisis").get(pk=previous.rida_line_id)
    if line.status == RidaLine.Status.ABANDONNE or line.answered_at is not None:
        return
    answer = decision_text(decision, maintained=decision.gate == Gate.URGENCES_FERMEES)
    rida_update(line=line, by=by, status=RidaLine.Status.FAIT, answer=answer, answered_at=decision.occurred_at)


def _set_in_motion(crisis: Crisis, decision: Decision, by) -> None:
    current = Crisis.objects.only("phase").get(pk=crisis.pk).phase
    target = {Gate.ACTIVATION_CELLULE: Phase.MOBILISATION, Gate.SORTIE_DE_CRISE: Phase.SORTIE}.get(decision.gate)
    # Activating the cell moves an alert forward, never a crisis already past mobilisation back.
    if target == Phase.MOBILISATION and current != Phase.ALERTE:
        return
    if target is not None and current != target:
        crisis.phase = current
        crisis_change_phase(crisis=crisis, by=by, phase=target, at=decision.occurred_at)
