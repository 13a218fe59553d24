"""Every write of the crisis app. Views, the API and commands all call these.

Services validate their input and raise django.core.exceptions.ValidationError
with field names, so forms show the message next to the field and the API
answers 400 with field errors; nothing is half-saved.
"""

import hashlib
import json
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from .models import Crisis, Establishment, JournalEntry, Membership, Phase, RecordChange, Role, Shift

# A device clock a few minutes fast must not block an entry; hours ahead is a typo.
FUTURE_TOLERANCE = timedelta(minutes=5)

ATTACHMENT_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
    "image/webp": (b"RIFF",),
}
ATTACHMENT_EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".webp": "image/webp",
}


# --- hash chain -----------------------------------------------------------


def _utc(value: datetime) -> str:
    return value.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def journal_entry_digest(entry: JournalEntry) -> str:
    """SHA-256 over the entry's content and the previous entry's hash."""
    content = {
        "crisis": entry.crisis_id,
        "seq": entry.seq,
        "occurred_at": _utc(entry.occurred_at),
        "recorded_at": _utc(entry.recorded_at),
        "recorded_by": entry.recorded_by_id,
        "sender": entry.sender,
        "recipient": entry.recipient,
        "channel": entry.channel,
        "kind": entry.kind,
        "priority": entry.priority,
        "text": entry.text,
        "attachment": entry.attachment.name or "",
        "attachment_sha256": entry.attachment_sha256,
        "phase": entry.phase,
        "corrects": entry.corrects_id,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def journal_verify_chain(crisis: Crisis) -> JournalEntry | None:
    """The first entry whose hash or link is wrong, or None when the chain holds.

    Checks up to the head as it is now: entries appended while the check runs
    are left for the next check instead of being reported as tampered.
    """
    head_seq, head_hash = Crisis.objects.filter(pk=crisis.pk).values_list("journal_last_seq", "journal_last_hash").get()
    prev_hash = ""
    expected_seq = 1
    entries = crisis.journal_entries.filter(seq__lte=head_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected_seq or entry.prev_hash != prev_hash or journal_entry_digest(entry) != entry.hash:
            return entry
        prev_hash = entry.hash
        expected_seq += 1
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        # Entries removed from the end: the crisis row still remembers the head.
        return JournalEntry(crisis=crisis, seq=expected_seq, hash=prev_hash)
    return None


def journal_verify_attachments(crisis: Crisis) -> JournalEntry | None:
    """The first entry whose attached file is missing or no longer matches its recorded SHA-256."""
    for entry in crisis.journal_entries.exclude(attachment="").order_by("seq").iterator():
        digest = hashlib.sha256()
        try:
            with entry.attachment.open("rb") as stored:
                for chunk in stored.chunks():
                    digest.update(chunk)
        except FileNotFoundError:
            return entry
        if digest.hexdigest() != entry.attachment_sha256:
            return entry
    return None


# --- attachments ----------------------------------------------------------


def _check_attachment(upload: UploadedFile) -> tuple[str, str]:
    """Validate type (by content, not only name) and size; return (content type, sha256)."""
    name = (upload.name or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    content_type = ATTACHMENT_EXTENSIONS.get(ext)
    if content_type is None:
        raise ValidationError({"attachment": _("Format non accepté : photo (JPEG, PNG, WebP) ou PDF uniquement.")})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"attachment": _("Fichier trop volumineux (%(limit)s Mo au plus).") % {"limit": limit}})
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(sig) for sig in ATTACHMENT_SIGNATURES[content_type]):
        raise ValidationError({"attachment": _("Le contenu du fichier ne correspond pas à son extension.")})
    if content_type == "image/webp" and head[8:12] != b"WEBP":
        raise ValidationError({"attachment": _("Le contenu du fichier ne correspond pas à son extension.")})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def _store_attachment(upload: UploadedFile) -> tuple[str, str]:
    """Store the checked file under a random name (outside any transaction); return (name, sha256)."""
    _content_type, sha256 = _check_attachment(upload)
    ext = upload.name.lower().rsplit(".", 1)[-1]
    stamp = timezone.now().strftime("%Y/%m")
    name = default_storage.save(f"journal/{stamp}/{get_random_string(24)}.{ext}", upload)
    return name, sha256


# --- journal --------------------------------------------------------------


def _validate_entry(
    *, crisis: Crisis, occurred_at: datetime, text: str, channel: str, kind: str, priority: str, corrects
):
    errors = {}
    if not text or not text.strip():
        errors["text"] = _("Le texte est obligatoire.")
    if channel not in JournalEntry.Channel.values:
        errors["channel"] = _("Canal inconnu.")
    if kind not in JournalEntry.Kind.values:
        errors["kind"] = _("Type inconnu.")
    if priority not in JournalEntry.Priority.values:
        errors["priority"] = _("Priorité inconnue.")
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("L'heure de l'événement est dans le futur.")
    if crisis.closed_at is not None:
        errors["crisis"] = _("La crise est close : sa main courante est scellée.")
    if corrects is not None and corrects.crisis_id != crisis.pk:
        errors["corrects"] = _("L'entrée corrigée appartient à une autre crise.")
    if errors:
        raise ValidationError(errors)


def journal_append(
    *,
    crisis: Crisis,
    by,
    text: str,
    kind: str = JournalEntry.Kind.FAIT,
    priority: str = JournalEntry.Priority.NORMAL,
    channel: str = JournalEntry.Channel.AUTRE,
    sender: str = "",
    recipient: str = "",
    occurred_at: datetime | None = None,
    attachment: UploadedFile | None = None,
    corrects: JournalEntry | None = None,
) -> JournalEntry:
    """Append one entry to the crisis's main courante, chained to the previous one."""
    recorded_at = timezone.now()
    occurred_at = occurred_at or recorded_at
    _validate_entry(
        crisis=crisis,
        occurred_at=occurred_at,
        text=text,
        channel=channel,
        kind=kind,
        priority=priority,
        corrects=corrects,
    )
    attachment_name, attachment_sha256 = _store_attachment(attachment) if attachment else ("", "")
    with transaction.atomic():
        # The crisis row is the chain's lock: one append at a time per crisis.
        head = (
            Crisis.objects.select_for_update()
            .only("journal_last_seq", "journal_last_hash", "phase", "closed_at")
            .get(pk=crisis.pk)
        )
        if head.closed_at is not None:  # closed since the caller loaded its copy
            raise ValidationError({"crisis": _("La crise est close : sa main courante est scellée.")})
        entry = JournalEntry(
            crisis=crisis,
            seq=head.journal_last_seq + 1,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            recorded_by=by,
            sender=sender.strip(),
            recipient=recipient.strip(),
            channel=channel,
            kind=kind,
            priority=priority,
            text=text.strip(),
            attachment_sha256=attachment_sha256,
            phase=head.phase,
            corrects=corrects,
            prev_hash=head.journal_last_hash,
        )
        entry.attachment.name = attachment_name
        entry.hash = journal_entry_digest(entry)
        entry.save()
        Crisis.objects.filter(pk=crisis.pk).update(journal_last_seq=entry.seq, journal_last_hash=entry.hash)
    crisis.journal_last_seq, crisis.journal_last_hash = entry.seq, entry.hash
    return entry


def journal_correct(*, original: JournalEntry, by, text: str, **fields) -> JournalEntry:
    """A correction is a new entry pointing at the one it corrects; both stay visible."""
    fields.setdefault("kind", original.kind)
    fields.setdefault("priority", original.priority)
    fields.setdefault("channel", original.channel)
    fields.setdefault("sender", original.sender)
    fields.setdefault("recipient", original.recipient)
    fields.setdefault("occurred_at", original.occurred_at)
    return journal_append(crisis=original.crisis, by=by, text=text, corrects=original, **fields)


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _journal_for_cell(*, crisis: Crisis, by, kind: str, channel: str, text: str, **fields) -> JournalEntry:
    """What the console itself writes in the journal (phase, roster, record changes): from `by`, to the cell."""
    fields.setdefault("sender", _display_name(by))
    fields.setdefault("recipient", _("Cellule de crise"))
    return journal_append(crisis=crisis, by=by, kind=kind, channel=channel, text=text, **fields)


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
) -> Crisis:
    """Open a crisis and its main courante; an exercise is always marked as such."""
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
        _journal_for_cell(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.DECISION,
            channel=JournalEntry.Channel.AUTRE,
            text=_("Ouverture de la main courante : %(title)s.") % {"title": crisis.title},
            occurred_at=now,
        )
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
        crisis.phase = phase
        text = _("Changement de phase : %(before)s → %(after)s.") % {
            "before": before,
            "after": crisis.get_phase_display(),
        }
        if note.strip():
            text = f"{text} {note.strip()}"
        return _journal_for_cell(
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
        entry = _journal_for_cell(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.DECISION,
            channel=JournalEntry.Channel.REUNION,
            text=f"{text} {note.strip()}".strip(),
        )
        crisis.closed_at = entry.recorded_at
        Crisis.objects.filter(pk=crisis.pk).update(closed_at=crisis.closed_at)
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


def _describe(crisis: Crisis, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if name == "severity":
        return str(Crisis.Severity(value).label)
    return str(value)


def crisis_update(*, crisis: Crisis, by, **fields) -> Crisis:
    """Change the crisis record; each change is kept in its history and written in the journal.

    The awareness time starts the regulatory 72-hour clocks: who moved it, and
    from what, must be traceable.
    """
    unknown = set(fields) - set(CRISIS_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Ce champ ne se modifie pas ici.") for name in unknown})
    if crisis.closed_at is not None:
        raise ValidationError({"closed_at": _("La crise est close.")})
    merged = {name: fields.get(name, getattr(crisis, name)) for name in CRISIS_EDITABLE_FIELDS}
    merged["title"] = (merged["title"] or "").strip()
    merged["detected_at"] = merged["detected_at"] or crisis.detected_at
    _validate_crisis_fields(**merged)
    changed = {name: value for name, value in merged.items() if value != getattr(crisis, name)}
    if not changed:
        return crisis
    before = {name: getattr(crisis, name) for name in changed}
    lines = [
        f"{Crisis._meta.get_field(name).verbose_name} : {_describe(crisis, name, before[name])} → {_describe(crisis, name, value)}"
        for name, value in changed.items()
    ]
    with transaction.atomic():
        _locked(crisis)
        Crisis.objects.filter(pk=crisis.pk).update(**changed)
        for name, value in changed.items():
            setattr(crisis, name, value)
        history_record(obj=crisis, establishment=crisis.establishment, by=by, before=before, after=changed)
        _journal_for_cell(
            crisis=crisis,
            by=by,
            kind=JournalEntry.Kind.INFORMATION,
            channel=JournalEntry.Channel.AUTRE,
            text=_("Fiche de crise modifiée — %(changes)s.") % {"changes": " ; ".join(lines)},
        )
    return crisis


# --- history of records ---------------------------------------------------


def history_record(*, obj, establishment: Establishment, by, before: dict, after: dict, action: str = "update"):
    """Keep one change of a record: who, when, the fields before and after."""
    return RecordChange.objects.create(
        establishment=establishment,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        changed_by=by,
        before=before,
        after=after,
    )


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
        _journal_for_cell(
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
        _journal_for_cell(
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
