"""The RIDA: numbered lines (information, decision, action) with an owner, a due time, a status and the answer.

Numbers come from a counter on the crisis row, moved in the creating
transaction under the crisis row's lock (PostgreSQL) or the write lock taken by
IMMEDIATE transactions (SQLite): two lines created at once never share a
number, and a number is never given again. Every change goes through
record_create and record_update, so the line's history is complete; nothing is deleted.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Crisis, JournalEntry, Meeting, Membership, RidaLine
from .journal import journal_append_for_cell
from .records import record_create, record_update

MAX_TEXT = 20_000
RIDA_EDITABLE_FIELDS = RidaLine.EDITABLE_FIELDS


def _check_member(crisis: Crisis, user, field: str, errors: dict) -> None:
    if user is None:
        return
    if not Membership.objects.filter(user=user, establishment_id=crisis.establishment_id, is_active=True).exists():
        errors[field] = _("Cette personne n'est pas membre de l'établissement.")


def _check_date(value: datetime | None, field: str, errors: dict) -> None:
    if value is not None and not 2000 <= value.year <= 2100:
        errors[field] = _("Date hors des limites acceptées.")


def _validate_line(crisis: Crisis, line: RidaLine) -> None:
    """The rules a line must meet, at creation and after every change."""
    errors = {}
    if crisis.closed_at is not None:
        errors["crisis"] = _("La crise est close : le RIDA ne se modifie plus.")
    if not (line.text or "").strip():
        errors["text"] = _("Le texte est obligatoire.")
    elif len(line.text) > MAX_TEXT:
        errors["text"] = _("Texte trop long.")
    if line.kind not in RidaLine.Kind.values:
        errors["kind"] = _("Type inconnu.")
    if line.status not in RidaLine.Status.values:
        errors["status"] = _("Statut inconnu.")
    elif line.kind != RidaLine.Kind.ACTION and line.status in RidaLine.OPEN_STATUSES:
        errors["status"] = _(
            "Seule une action est à faire ou en cours : une information est notée, une décision prise."
        )
    if line.status == RidaLine.Status.ABANDONNE and not (line.abandon_reason or "").strip():
        errors["abandon_reason"] = _("Une ligne abandonnée doit dire pourquoi.")
    if line.owner_id is not None and (line.owner_other or "").strip():
        errors["owner_other"] = _("Un seul porteur : un membre de la cellule ou une personne, un service.")
    for name in ("due_at", "answered_at"):
        _check_date(getattr(line, name), name, errors)
    if errors:
        raise ValidationError(errors)


def _running_meeting(crisis: Crisis) -> Meeting | None:
    return Meeting.objects.filter(crisis=crisis, started_at__isnull=False, ended_at__isnull=True).first()


# What a line's creation records in its history.
CREATED_FIELDS = ("seq", "kind", "theme", "text", "source_entry", "source_label", "owner", "owner_other", "due_at")
CREATED_FIELDS += ("status", "answer", "meeting", "journal_entry")


def rida_create(
    *,
    crisis: Crisis,
    by,
    text: str,
    kind: str = RidaLine.Kind.ACTION,
    theme: str = "",
    source_entry: JournalEntry | None = None,
    source_label: str = "",
    owner=None,
    owner_other: str = "",
    due_at: datetime | None = None,
    status: str | None = None,
    answer: str = "",
    abandon_reason: str = "",
    meeting: Meeting | None = None,
    journal_entry: JournalEntry | None = None,
) -> RidaLine:
    """Add a line to the crisis's RIDA with the next number.

    A line created while a point de situation is running belongs to it. A
    decision line writes a "décision" entry in the journal (unless the caller,
    a decision with its own button, wrote it already).
    """
    if not status:  # an action is to do; an information is noted, a decision taken, from the start
        status = RidaLine.Status.A_FAIRE if kind == RidaLine.Kind.ACTION else RidaLine.Status.FAIT
    line = RidaLine(
        crisis=crisis,
        kind=kind,
        theme=(theme or "").strip(),
        text=(text or "").strip(),
        source_entry=source_entry,
        source_label=(source_label or "").strip(),
        owner=owner,
        owner_other=(owner_other or "").strip(),
        due_at=due_at,
        status=status,
        answer=(answer or "").strip(),
        abandon_reason=(abandon_reason or "").strip(),
        meeting=meeting,
        journal_entry=journal_entry,
        created_by=by,
    )
    errors = {}
    _check_member(crisis, owner, "owner", errors)
    if source_entry is not None and source_entry.crisis_id != crisis.pk:
        errors["source_entry"] = _("Cette entrée appartient à une autre main courante.")
    if meeting is not None and meeting.crisis_id != crisis.pk:
        errors["meeting"] = _("Ce point de situation appartient à une autre crise.")
    if errors:
        raise ValidationError(errors)
    _validate_line(crisis, line)
    if line.answer:
        line.answered_at = timezone.now()

    def prepare(line: RidaLine) -> None:
        head = Crisis.objects.select_for_update().only("rida_last_seq", "closed_at").get(pk=crisis.pk)
        if head.closed_at is not None:
            raise ValidationError({"crisis": _("La crise est close : le RIDA ne se modifie plus.")})
        line.seq = head.rida_last_seq + 1
        if line.meeting is None:
            line.meeting = _running_meeting(crisis)
        if line.kind == RidaLine.Kind.DECISION and line.journal_entry is None:
            line.journal_entry = journal_append_for_cell(
                crisis=crisis,
                by=by,
                kind=JournalEntry.Kind.DECISION,
                channel=JournalEntry.Channel.REUNION,
                text=_("Décision %(number)s : %(text)s") % {"number": line.number, "text": line.text},
            )

    def saved(line: RidaLine) -> None:
        Crisis.objects.filter(pk=crisis.pk).update(rida_last_seq=line.seq)

    record_create(instance=line, by=by, crisis=crisis, fields=CREATED_FIELDS, prepare=prepare, saved=saved)
    crisis.rida_last_seq = line.seq
    return line


def _with_owner_rule(line: RidaLine, changes: dict) -> dict:
    """One owner at a time: choosing a member clears the free-text owner, and the other way round."""
    changes = dict(changes)
    if changes.get("owner") is not None and "owner_other" not in changes:
        changes["owner_other"] = ""
    if (changes.get("owner_other") or "").strip() and "owner" not in changes:
        changes["owner"] = None
    for name in ("theme", "text", "source_label", "owner_other", "answer", "abandon_reason"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    return changes


def rida_update(*, line: RidaLine, by, **changes) -> RidaLine:
    """Change a line (status, owner, due time, answer...): kept in its history, shown live.

    Closing a line records who validated the closure; an answer given without
    a date is dated now. Abandoning needs a reason.
    """
    unknown = set(changes) - set(RIDA_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Ce champ ne se modifie pas ici.") for name in unknown})
    changes = _with_owner_rule(line, changes)
    errors = {}
    _check_member(line.crisis, changes.get("owner"), "owner", errors)
    if errors:
        raise ValidationError(errors)
    derive = _derived_from(by, explicit=set(changes))
    crisis = line.crisis

    def validate(locked: RidaLine) -> None:
        _validate_line(Crisis.objects.only("closed_at").get(pk=crisis.pk), locked)

    record_update(
        instance=line,
        by=by,
        changes=changes,
        establishment_id=crisis.establishment_id,
        crisis=crisis,
        derive=derive,
        validate=validate,
    )
    return line


def _derived_from(by, explicit: set[str]):
    """What follows from a change, read on the locked line (never the caller's copy, which may be stale).

    Closing records who validated the closure; reopening clears it (the closure
    no longer holds); an answer given without a date is dated now. A field the
    caller sets itself is left as given.
    """

    def derive(locked: RidaLine, changed: dict) -> dict:
        derived = {}
        if "status" in changed:
            before, after = changed["status"]
            if after == RidaLine.Status.FAIT:
                derived["closure_validated_by"] = by
            elif before == RidaLine.Status.FAIT:
                derived["closure_validated_by"] = None
        if "answer" in changed and locked.answer and locked.answered_at is None:
            derived["answered_at"] = timezone.now()
        return {name: value for name, value in derived.items() if name not in explicit}

    return derive


def rida_abandon(*, line: RidaLine, by, reason: str) -> RidaLine:
    """No hard delete: a line is abandoned, with its reason, and stays in the RIDA."""
    return rida_update(line=line, by=by, status=RidaLine.Status.ABANDONNE, abandon_reason=reason)
