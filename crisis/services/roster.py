"""The cell roster: shifts, handovers, ends of shift."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import live
from ..models import Crisis, JournalEntry, Membership, Role, Shift, Topic
from .journal import FUTURE_TOLERANCE, _display_name, journal_append, journal_append_for_cell

# --- roster ---------------------------------------------------------------


def _check_member(crisis: Crisis, user, field: str) -> None:
    if user is None:
        return
    if not Membership.objects.filter(user=user, establishment_id=crisis.establishment_id, is_active=True).exists():
        raise ValidationError({field: _("Cette personne n'est pas membre de l'établissement.")})


def _check_roster_input(*, crisis: Crisis, role: str, holder, deputy, at: datetime) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if holder is None:
        raise ValidationError({"holder": _("Le titulaire est obligatoire.")})
    if deputy is not None and deputy == holder:
        raise ValidationError({"deputy": _("Le suppléant doit être une autre personne que le titulaire.")})
    if at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"at": _("L'heure est dans le futur.")})
    _check_member(crisis, holder, "holder")
    _check_member(crisis, deputy, "deputy")


def shift_start(*, crisis: Crisis, by, role: str, holder, deputy=None, at: datetime | None = None) -> Shift:
    """Put someone in a cell role; a role already held must be handed over instead."""
    at = at or timezone.now()
    _check_roster_input(crisis=crisis, role=role, holder=holder, deputy=deputy, at=at)
    held = ValidationError({"role": _("Ce rôle est déjà tenu : faites une relève.")})
    if Shift.objects.filter(crisis=crisis, role=role, ended_at__isnull=True).exists():
        raise held
    with transaction.atomic():
        try:
            with transaction.atomic():  # a double submit meets the one-open-shift constraint
                shift = Shift.objects.create(crisis=crisis, role=role, holder=holder, deputy=deputy, started_at=at)
        except IntegrityError:
            raise held from None
        live.bump(crisis, Topic.ROSTER)
        journal_append_for_cell(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.INFORMATION,
            channel=JournalEntry.Channel.SUR_SITE,
            text=_("Prise de poste : %(holder)s, %(role)s.")
            % {"holder": _display_name(holder), "role": shift.get_role_display()},
            occurred_at=at,
        )
    return shift


def shift_hand_over(
    *, shift: Shift, by, to_holder, deputy=None, summary: str = "", at: datetime | None = None
) -> Shift:
    """Handover: ends the shift and starts the next one, linked, with a short summary."""
    at = at or timezone.now()
    crisis = shift.crisis
    _check_roster_input(crisis=crisis, role=shift.role, holder=to_holder, deputy=deputy, at=at)
    if shift.ended_at is not None:
        raise ValidationError({"shift": _("Cette vacation est déjà terminée.")})
    if at < shift.started_at:
        raise ValidationError({"at": _("La relève ne peut précéder la prise de poste.")})
    if not summary.strip():
        raise ValidationError({"summary": _("La synthèse de relève est obligatoire.")})
    with transaction.atomic():
        ended = Shift.objects.filter(pk=shift.pk, ended_at__isnull=True).update(
            ended_at=at, handover_summary=summary.strip()
        )
        if not ended:
            raise ValidationError({"shift": _("Cette vacation vient d'être relevée par quelqu'un d'autre.")})
        successor = Shift.objects.create(
            crisis=crisis, role=shift.role, holder=to_holder, deputy=deputy, started_at=at, handed_over_from=shift
        )
        live.bump(crisis, Topic.ROSTER)
        journal_append(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.INFORMATION,
            channel=JournalEntry.Channel.SUR_SITE,
            sender=_display_name(shift.holder),
            recipient=_display_name(to_holder),
            text=_("Relève %(role)s : %(from)s → %(to)s. Synthèse : %(summary)s")
            % {
                "role": shift.get_role_display(),
                "from": _display_name(shift.holder),
                "to": _display_name(to_holder),
                "summary": summary.strip(),
            },
            occurred_at=at,
        )
    shift.ended_at = at
    return successor


def shift_end(*, shift: Shift, by, at: datetime | None = None) -> Shift:
    """Release a role without successor (end of activation of that function)."""
    at = at or timezone.now()
    if shift.ended_at is not None:
        raise ValidationError({"shift": _("Cette vacation est déjà terminée.")})
    if at < shift.started_at or at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"at": _("Heure de fin invalide.")})
    with transaction.atomic():
        if not Shift.objects.filter(pk=shift.pk, ended_at__isnull=True).update(ended_at=at):
            raise ValidationError({"shift": _("Cette vacation est déjà terminée.")})
        live.bump(shift.crisis, Topic.ROSTER)
        journal_append_for_cell(
            crisis=shift.crisis,
            by=by,
            kind=JournalEntry.Kind.INFORMATION,
            channel=JournalEntry.Channel.SUR_SITE,
            text=_("Fin de vacation : %(holder)s, %(role)s.")
            % {"holder": _display_name(shift.holder), "role": shift.get_role_display()},
            occurred_at=at,
        )
    shift.ended_at = at
    return shift
