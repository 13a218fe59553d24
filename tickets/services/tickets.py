"""Writes of the tickets: intake with its number, triage moves, merge, escalation to the RIDA.

Every write goes through the core's record kit, so each ticket's history is complete and the
board's live topic moves in the same transaction. Numbers come from a counter row per
establishment moved by one statement under its row lock: two signalements filed at once never
share a number, and a number is never given again.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.models import Application
from crisis.models import Crisis, Establishment, Membership, RidaLine, Service
from crisis.services.records import record_create, record_update
from crisis.services.rida import rida_create

from ..models import Ticket, TicketCounter

MAX_DESCRIPTION = 5_000
# With no priority given, a patient-safety signalement starts high; the rest normal.
DEFAULT_PRIORITY = {True: Ticket.Priority.P2, False: Ticket.Priority.P3}

_COUNTER = TicketCounter._meta.db_table
_NEXT_SEQ_SQL = (
    f"INSERT INTO {_COUNTER} (establishment_id, last_seq) VALUES (%s, 1)"
    f" ON CONFLICT (establishment_id) DO UPDATE SET last_seq = {_COUNTER}.last_seq + 1 RETURNING last_seq"
)

CREATED_FIELDS = (
    "seq",
    "crisis",
    "reporter_name",
    "reporter_service",
    "reporter_phone",
    "channel",
    "service",
    "category",
    "application",
    "application_name",
    "description",
    "patient_safety",
    "priority",
    "status",
    "track",
)


def open_crisis_of(establishment_id: int) -> Crisis | None:
    """The crisis a signalement filed now belongs to: the establishment's open one (a real one before an exercise)."""
    return (
        Crisis.objects.filter(establishment_id=establishment_id, closed_at__isnull=True)
        .order_by("is_exercise", "-detected_at")
        .first()
    )


def _next_seq(establishment_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SEQ_SQL, [establishment_id])
        return cursor.fetchone()[0]


def _validate(ticket: Ticket) -> None:
    """The rules a ticket meets at creation and after every change."""
    errors = {}
    if not (ticket.reporter_name or "").strip():
        errors["reporter_name"] = _("Le nom du déclarant est obligatoire.")
    if not (ticket.description or "").strip():
        errors["description"] = _("Décrivez le problème constaté.")
    elif len(ticket.description) > MAX_DESCRIPTION:
        errors["description"] = _("Description trop longue (5 000 caractères au plus).")
    if (
        ticket.service_id is not None
        and not Service.objects.filter(pk=ticket.service_id, establishment_id=ticket.establishment_id).exists()
    ):
        errors["service"] = _("Ce service n'est pas de cet établissement.")
    if (
        ticket.assigned_to_id is not None
        and not Membership.objects.filter(
            user_id=ticket.assigned_to_id, establishment_id=ticket.establishment_id, is_active=True
        ).exists()
    ):
        errors["assigned_to"] = _("Cette personne n'est pas membre de l'établissement.")
    if (
        ticket.application_id is not None
        and not Application.objects.filter(pk=ticket.application_id, establishment_id=ticket.establishment_id).exists()
    ):
        errors["application"] = _("Cette application n'est pas sur la cartographie de cet établissement.")
    try:
        ticket.full_clean(
            exclude=[
                "establishment",
                "crisis",
                "service",
                "application",
                "assigned_to",
                "merged_into",
                "rida_line",
                "seq",
                "created_by",
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages[0])
    if errors:
        raise ValidationError(errors)


def application_named(establishment_id: int, name: str) -> Application | None:
    """The map's application this free text names (its exact name, case aside), if any."""
    name = (name or "").strip()
    if not name:
        return None
    return Application.objects.filter(establishment_id=establishment_id, name__iexact=name).first()


def _strip(values: dict) -> dict:
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


def ticket_create(
    *,
    establishment: Establishment,
    by,
    reporter_name: str,
    description: str,
    reporter_service: str = "",
    reporter_phone: str = "",
    channel: str = Ticket.Channel.FORMULAIRE,
    service: Service | None = None,
    category: str = Ticket.Category.AUTRE,
    application: Application | None = None,
    application_name: str = "",
    patient_safety: bool = False,
    priority: int | None = None,
    track: str = Ticket.Track.TECHNIQUE,
    crisis: Crisis | None = None,
    created_at: datetime | None = None,
) -> Ticket:
    """File a signalement: it takes the next number of the establishment and joins its open crisis."""
    values = _strip(
        {
            "reporter_name": reporter_name,
            "reporter_service": reporter_service,
            "reporter_phone": reporter_phone,
            "application_name": application_name,
            "description": description,
        }
    )
    ticket = Ticket(
        establishment=establishment,
        crisis=crisis if crisis is not None else open_crisis_of(establishment.pk),
        channel=channel,
        service=service,
        category=category,
        application=application or application_named(establishment.pk, application_name),
        patient_safety=bool(patient_safety),
        priority=priority or DEFAULT_PRIORITY[bool(patient_safety)],
        track=track,
        created_at=created_at or timezone.now(),
        created_by=by,
        **values,
    )
    if ticket.crisis is not None and ticket.crisis.establishment_id != establishment.pk:
        raise ValidationError({"crisis": _("Cette crise est celle d'un autre établissement.")})
    _validate(ticket)

    def prepare(new: Ticket) -> None:
        new.seq = _next_seq(establishment.pk)

    return record_create(instance=ticket, by=by, crisis=ticket.crisis, fields=CREATED_FIELDS, prepare=prepare)


def _refused_move(before: str, after: str, allowed: tuple[str, ...]) -> ValidationError:
    labels = ", ".join(str(Ticket.Status(s).label) for s in allowed) or _("aucun")
    return ValidationError(
        {
            "status": _("Passage de « %(before)s » à « %(after)s » interdit ; possibles : %(allowed)s.")
            % {"before": Ticket.Status(before).label, "after": Ticket.Status(after).label, "allowed": labels}
        },
        code="transition",
    )


def _derive(locked: Ticket, changed: dict) -> dict:
    """What follows from a change, read on the locked ticket: when it was resolved, when answered."""
    derived = {}
    if "status" in changed:
        before, after = changed["status"]
        if after not in Ticket.TRANSITIONS.get(before, ()):
            raise _refused_move(before, after, tuple(Ticket.TRANSITIONS.get(before, ())))
        if after == Ticket.Status.RESOLU and locked.resolved_at is None:
            derived["resolved_at"] = timezone.now()
        elif after in (Ticket.Status.EN_COURS, Ticket.Status.QUALIFIE, Ticket.Status.NOUVEAU):
            derived["resolved_at"] = None
    if "answer" in changed:
        derived["answered_at"] = timezone.now() if locked.answer else None
    return derived


def ticket_update(*, ticket: Ticket, by, source: str = "", **changes) -> list:
    """Change a ticket (move, assign, qualify, answer): only allowed moves; kept in its history.

    An answer is given to the reporters of the tickets merged into this one as well.
    """
    unknown = set(changes) - set(Ticket.EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Ce champ ne se modifie pas ici.") for name in sorted(unknown)})
    changes = _strip(changes)
    if "application_name" in changes and "application" not in changes and ticket.application_id is None:
        changes["application"] = application_named(ticket.establishment_id, changes["application_name"])
    if ticket.merged_into_id is not None and set(changes) - {"answer"}:
        raise ValidationError({"status": _("Ce ticket est fusionné dans un autre : traitez celui-ci.")})
    with transaction.atomic():
        changed = record_update(
            instance=ticket, by=by, changes=changes, derive=_derive, validate=_validate, source=source
        )
        if any(c.name == "answer" for c in changed):
            for merged in Ticket.objects.filter(merged_into=ticket):
                record_update(instance=merged, by=by, changes={"answer": ticket.answer}, derive=_derive, source=source)
    return changed


def ticket_merge(*, ticket: Ticket, into: Ticket, by) -> Ticket:
    """Merge a duplicate into the ticket that stays: it closes, points to the survivor, and gets its answer.

    Tickets already merged into the duplicate follow it into the survivor.
    """
    if into.pk == ticket.pk:
        raise ValidationError({"into": _("Un ticket ne se fusionne pas dans lui-même.")})
    if into.establishment_id != ticket.establishment_id:
        raise ValidationError({"into": _("Ce ticket est celui d'un autre établissement.")})
    if into.merged_into_id is not None:
        raise ValidationError({"into": _("Ce ticket est lui-même fusionné : choisissez celui qui reste.")})
    if ticket.merged_into_id is not None:
        raise ValidationError({"into": _("Ce ticket est déjà fusionné.")})
    with transaction.atomic():
        survivor = Ticket.objects.select_for_update().get(pk=into.pk)
        if survivor.merged_into_id is not None:
            raise ValidationError({"into": _("Ce ticket est lui-même fusionné : choisissez celui qui reste.")})
        for follower in Ticket.objects.filter(merged_into=ticket):
            record_update(instance=follower, by=by, changes={"merged_into": survivor})
        changes = {"merged_into": survivor, "status": Ticket.Status.CLOS}
        if survivor.answer:
            changes["answer"] = survivor.answer
        record_update(
            instance=ticket,
            by=by,
            changes=changes,
            derive=lambda locked, changed: {"answered_at": timezone.now()} if "answer" in changed else {},
        )
    return ticket


def ticket_escalate(*, ticket: Ticket, by) -> RidaLine:
    """Raise a ticket to the crisis's RIDA as an action line, linked both ways; again returns the same line.

    The line names the ticket (its source); the line's answer comes back to the ticket (tickets.signals).
    """
    if ticket.rida_line_id is not None:
        return ticket.rida_line
    if ticket.crisis_id is None:
        raise ValidationError({"crisis": _("Ce ticket n'appartient à aucune crise : pas de RIDA où l'inscrire.")})
    if ticket.merged_into_id is not None:
        raise ValidationError({"merged_into": _("Ce ticket est fusionné : escaladez celui qui reste.")})
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.rida_line_id is not None:
            return locked.rida_line
        line = rida_create(
            crisis=ticket.crisis,
            by=by,
            kind=RidaLine.Kind.ACTION,
            theme=str(Ticket.Category(ticket.category).label),
            text=_("%(number)s (%(service)s) : %(description)s")
            % {
                "number": ticket.number,
                "service": ticket.reporter_service or (ticket.service.name if ticket.service else "—"),
                "description": ticket.description,
            },
            source_label=_("Signalement %(number)s") % {"number": ticket.number},
            owner=ticket.assigned_to,
        )
        record_update(instance=ticket, by=by, changes={"rida_line": line})
    return line


def ticket_answer_from_rida(*, line: RidaLine) -> None:
    """A RIDA line's answer flows back to the tickets escalated to it (and, through them, their duplicates)."""
    for ticket in Ticket.objects.filter(rida_line=line, merged_into__isnull=True):
        if ticket.answer != line.answer:
            ticket_update(ticket=ticket, by=None, source=line.number, answer=line.answer)
