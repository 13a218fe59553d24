"""Crises: opening, phases, closure and the crisis record."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import live
from ..models import Crisis, Establishment, JournalEntry, Phase, Topic
from .journal import FUTURE_TOLERANCE, journal_append_for_cell
from .records import record_update

# --- crises ---------------------------------------------------------------


def crisis_create(
    *,
    establishment: Establishment,
    by,
    title: str,
    kind: str = Crisis.Kind.CYBERATTAQUE,
    is_exercise: bool = False,
    severity: int = Crisis.Severity.MAJEURE,
    detected_at: datetime | None = None,
    awareness_at: datetime | None = None,
    declared_at: datetime | None = None,
    opened_at: datetime | None = None,
) -> Crisis:
    """Open a crisis and its main courante; an exercise is always marked as such.

    `opened_at` dates the opening entry when the main courante is opened after the fact
    (a cell that kept it on paper first); by default, now.
    """
    now = timezone.now()
    detected_at = detected_at or now
    if kind not in Crisis.Kind.values:
        raise ValidationError({"kind": _("Nature inconnue.")})
    _validate_crisis_fields(
        title=title, severity=severity, detected_at=detected_at, awareness_at=awareness_at, declared_at=declared_at
    )
    with transaction.atomic():
        crisis = Crisis.objects.create(
            establishment=establishment,
            title=title.strip(),
            kind=kind,
            is_exercise=is_exercise or kind == Crisis.Kind.EXERCICE,
            severity=severity,
            detected_at=detected_at,
            awareness_at=awareness_at,
            declared_at=declared_at,
            created_by=by,
        )
        journal_append_for_cell(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.DECISION,
            channel=JournalEntry.Channel.AUTRE,
            text=_("Ouverture de la main courante : %(title)s.") % {"title": crisis.title},
            occurred_at=opened_at or now,
        )
        live.bump(establishment, Topic.CRISIS)  # the establishment's pages list its crises
    return crisis


def crisis_change_phase(*, crisis: Crisis, by, phase: str, note: str = "", at: datetime | None = None) -> JournalEntry:
    """Move the crisis to another phase; the decision is written in the journal."""
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Phase inconnue.")})
    with transaction.atomic():
        current = _locked(crisis)
        if phase == current.phase:
            raise ValidationError({"phase": _("La crise est déjà dans cette phase.")})
        before = current.get_phase_display()
        Crisis.objects.filter(pk=crisis.pk).update(phase=phase)
        live.bump(crisis, Topic.CRISIS)
        crisis.phase = phase
        text = _("Changement de phase : %(before)s → %(after)s.") % {
            "before": before,
            "after": crisis.get_phase_display(),
        }
        if note.strip():
            text = f"{text} {note.strip()}"
        return journal_append_for_cell(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.DECISION,
            channel=JournalEntry.Channel.REUNION,
            text=text,
            occurred_at=at,
        )


def _locked(crisis: Crisis) -> Crisis:
    """The crisis row, locked until the end of the transaction, refused if closed meanwhile.

    Phase changes and closure decide from the current row, not from the copy the
    request loaded: two directors clicking at once must not both close the crisis.
    """
    current = Crisis.objects.select_for_update().get(pk=crisis.pk)
    if current.closed_at is not None:
        raise ValidationError({"closed_at": _("La crise est close.")})
    return current


def crisis_close(*, crisis: Crisis, by, note: str = "") -> JournalEntry:
    """End of crisis validated: the decision is the journal's last entry, then the journal is sealed."""
    with transaction.atomic():
        _locked(crisis)
        text = _("Fin de crise validée.")
        entry = journal_append_for_cell(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.DECISION,
            channel=JournalEntry.Channel.REUNION,
            text=f"{text} {note.strip()}".strip(),
        )
        crisis.closed_at = entry.recorded_at
        Crisis.objects.filter(pk=crisis.pk).update(closed_at=crisis.closed_at)
        live.bump(crisis, Topic.CRISIS)
    return entry


# Fields of the crisis record a user may change after opening it (phase and closure have their own decisions).
CRISIS_EDITABLE_FIELDS = ("title", "severity", "detected_at", "awareness_at", "declared_at")


def _validate_crisis_fields(*, title: str, severity: int, detected_at: datetime, awareness_at, declared_at) -> None:
    now = timezone.now()
    errors = {}
    if not title or not title.strip():
        errors["title"] = _("L'intitulé est obligatoire.")
    if severity not in Crisis.Severity.values:
        errors["severity"] = _("Gravité inconnue.")
    for name, value in (("detected_at", detected_at), ("awareness_at", awareness_at), ("declared_at", declared_at)):
        if value and value > now + FUTURE_TOLERANCE:
            errors[name] = _("Cette date est dans le futur.")
    if awareness_at and detected_at and awareness_at < detected_at:
        errors.setdefault("awareness_at", _("La prise de connaissance ne peut précéder la détection."))
    if errors:
        raise ValidationError(errors)


def crisis_update(*, crisis: Crisis, by, **fields) -> Crisis:
    """Change the crisis record; each change is kept in its history and written in the journal.

    The awareness time starts the regulatory 72-hour clocks: who moved it, and
    from what, must be traceable.
    """
    unknown = set(fields) - set(CRISIS_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Ce champ ne se modifie pas ici.") for name in unknown})
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    if "detected_at" in fields and not fields["detected_at"]:
        del fields["detected_at"]  # detection is required: an empty value keeps the current one

    def validate(locked: Crisis) -> None:
        if locked.closed_at is not None:
            raise ValidationError({"closed_at": _("La crise est close.")})
        _validate_crisis_fields(**{name: getattr(locked, name) for name in CRISIS_EDITABLE_FIELDS})

    record_update(
        instance=crisis,
        by=by,
        changes=fields,
        establishment_id=crisis.establishment_id,
        crisis=crisis,
        validate=validate,
        journal=lambda changed: (
            _("Fiche de crise modifiée — %(changes)s.") % {"changes": " ; ".join(str(c) for c in changed)}
        ),
    )
    return crisis
