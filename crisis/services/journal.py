"""The main courante: append-only entries in a hash chain, attachments, corrections."""

import hashlib
import hmac
import json
import warnings
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .. import live
from ..models import Crisis, JournalEntry, Topic
from ..search import entry_search_text

# A device clock a few minutes fast must not block an entry; hours ahead is a typo.
FUTURE_TOLERANCE = timedelta(minutes=5)

# What Pillow must find in a picture of each type; a PNG ends with its IEND chunk.
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
PNG_END = b"IEND\xaeB`\x82"
ATTACHMENT_EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".webp": "image/webp",
}


# --- hash chain -----------------------------------------------------------
#
# Each entry's hash covers its content and the previous entry's hash. Since the chain is keyed,
# the hash is an HMAC-SHA256 with settings.JOURNAL_KEY, a key kept outside the database: someone
# with every database right (trigger disabled, rows rewritten, hashes recomputed) cannot produce
# hashes that verify without the key. Each entry stores the id of the key that chained it, so the
# key can be rotated: the previous keys stay in JOURNAL_OLD_KEYS and their entries still verify.
#
# Entries written before the chain was keyed (plain SHA-256) keep working: migration 0013 marked
# them with the key id "sha256" and they verify the old way, without a key. That must not let a
# rewriter mark later entries "sha256" too: the migration sealed, per crisis, how many entries
# are legacy (journal_legacy_seq) with an HMAC of that boundary (journal_legacy_seal). A legacy
# entry past the sealed boundary, or a boundary whose seal does not verify, breaks the chain.

LEGACY_KEY_ID = "sha256"


def key_id_of(key: str) -> str:
    """A short public name of a key: stored with each entry, it says which key chained it."""
    return "k" + hashlib.sha256(b"journal-key-id\0" + key.encode()).hexdigest()[:11]


def journal_keys() -> dict[str, bytes]:
    """{key id: key} of the current key and the previous ones (rotation)."""
    keys = [settings.JOURNAL_KEY, *settings.JOURNAL_OLD_KEYS]
    return {key_id_of(key): key.encode() for key in keys if key}


def current_key_id() -> str:
    return key_id_of(settings.JOURNAL_KEY)


def _utc(value: datetime) -> str:
    return value.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(entry: JournalEntry) -> bytes:
    content = {
        "crisis": entry.crisis_id,
        "seq": entry.seq,
        "occurred_at": _utc(entry.occurred_at),
        "recorded_at": _utc(entry.recorded_at),
        "recorded_by": entry.recorded_by_id,
        "source": entry.source,
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
    if entry.key_id != LEGACY_KEY_ID:
        content["key_id"] = entry.key_id
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def journal_entry_digest(entry: JournalEntry, keys: dict[str, bytes] | None = None) -> str | None:
    """The entry's hash: HMAC-SHA256 with the key its key_id names (plain SHA-256 for legacy entries).

    None when the key it names is not known here (another key, or a key id made up).
    """
    if entry.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(_canonical(entry)).hexdigest()
    key = (keys if keys is not None else journal_keys()).get(entry.key_id)
    if key is None:
        return None
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


def legacy_seal(crisis_id: int, legacy_seq: int, legacy_hash: str, key: str) -> str:
    """The keyed seal of a crisis's legacy boundary: "<key id>:<hmac>" (see the chain's notes above)."""
    message = f"{crisis_id}:{legacy_seq}:{legacy_hash}".encode()
    return f"{key_id_of(key)}:{hmac.new(key.encode(), message, hashlib.sha256).hexdigest()}"


def _legacy_boundary_holds(crisis_id: int, legacy_seq: int, seal: str, legacy_hash: str, keys) -> bool:
    if legacy_seq == 0:
        return True
    key_id, _sep, mac = seal.partition(":")
    key = keys.get(key_id)
    if key is None:
        return False
    message = f"{crisis_id}:{legacy_seq}:{legacy_hash}".encode()
    return hmac.compare_digest(mac, hmac.new(key, message, hashlib.sha256).hexdigest())


def journal_verify_chain(crisis: Crisis, keys: dict[str, bytes] | None = None) -> JournalEntry | None:
    """The first entry whose hash, key or link is wrong, or None when the chain holds.

    Checks up to the head as it is now: entries appended while the check runs
    are left for the next check instead of being reported as tampered.
    """
    keys = journal_keys() if keys is None else keys
    head_seq, head_hash, legacy_seq, seal = (
        Crisis.objects.filter(pk=crisis.pk)
        .values_list("journal_last_seq", "journal_last_hash", "journal_legacy_seq", "journal_legacy_seal")
        .get()
    )
    prev_hash = ""
    expected_seq = 1
    entries = crisis.journal_entries.filter(seq__lte=head_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        legacy = entry.key_id == LEGACY_KEY_ID
        if (
            entry.seq != expected_seq
            or entry.prev_hash != prev_hash
            or (legacy and entry.seq > legacy_seq)
            or not hmac.compare_digest(journal_entry_digest(entry, keys) or "", entry.hash)
        ):
            return entry
        if entry.seq == legacy_seq and not _legacy_boundary_holds(crisis.pk, legacy_seq, seal, entry.hash, keys):
            return entry
        prev_hash = entry.hash
        expected_seq += 1
    if head_seq != expected_seq - 1 or head_hash != prev_hash or legacy_seq > head_seq:
        # Entries removed from the end: the crisis row still remembers the head.
        return JournalEntry(crisis=crisis, seq=expected_seq, hash=prev_hash)
    return None


def journal_anchor_seq(crisis: Crisis, anchor: str) -> int | None:
    """The number of the entry whose hash a printed anchor gives (its full hash, or its first 16
    characters at least), or None when no entry of the crisis's journal has it."""
    anchor = anchor.strip().lower()
    if len(anchor) < 16:
        return None
    match = crisis.journal_entries.filter(hash__startswith=anchor).order_by("seq").values_list("seq", flat=True)
    return next(iter(match), None)


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
    """Validate type (by parsing the content, not by its name or first bytes) and size; return (type, sha256)."""
    name = (upload.name or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    content_type = ATTACHMENT_EXTENSIONS.get(ext)
    if content_type is None:
        raise ValidationError({"attachment": _("Format non accepté : photo (JPEG, PNG, WebP) ou PDF uniquement.")})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"attachment": _("Fichier trop volumineux (%(limit)s Mo au plus).") % {"limit": limit}})
    upload.seek(0)
    parses = _is_pdf(upload) if content_type == "application/pdf" else _is_image(upload, IMAGE_FORMATS[content_type])
    if not parses:
        raise ValidationError({"attachment": _("Le contenu du fichier ne correspond pas à son extension.")})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def attachment_check(upload: UploadedFile) -> tuple[str, str]:
    """The journal's check of an attached photo or PDF (parsed, not trusted by its name), for any app's
    attachments (an obligation's receipt): (content type, SHA-256), or ValidationError on "attachment"."""
    return _check_attachment(upload)


def _is_image(upload: UploadedFile, expected_format: str) -> bool:
    """Pillow decodes the whole picture: a signature followed by anything else (HTML...) fails.

    A PNG must also end at its IEND chunk, so nothing can ride after the picture.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    return False
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False
    if expected_format == "PNG":
        upload.seek(max(upload.size - len(PNG_END), 0))
        return upload.read() == PNG_END
    return True


def _is_pdf(upload: UploadedFile) -> bool:
    """pypdf reads the cross-reference table and every page: "%PDF-" followed by HTML fails."""
    try:
        reader = PdfReader(upload)
        return len(reader.pages) > 0 and all(page.mediabox is not None for page in reader.pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


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
    source: str = "",
    kind: str = JournalEntry.Kind.FAIT,
    priority: str = JournalEntry.Priority.NORMAL,
    channel: str = JournalEntry.Channel.NON_PRECISE,
    sender: str = "",
    recipient: str = "",
    occurred_at: datetime | None = None,
    attachment: UploadedFile | None = None,
    corrects: JournalEntry | None = None,
) -> JournalEntry:
    """Append one entry to the crisis's main courante, chained to the previous one.

    `by` is the member who wrote it; an integration (a SOC/EDR) writes with
    by=None and names itself in `source`.
    """
    if by is None and not source.strip():
        raise ValidationError({"source": _("Une entrée sans auteur doit nommer sa source.")})
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
            source=source.strip()[:120],
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
            key_id=current_key_id(),
            search_text=entry_search_text(text=text.strip(), sender=sender.strip(), recipient=recipient.strip()),
        )
        entry.attachment.name = attachment_name
        entry.hash = journal_entry_digest(entry)
        counters = _counter_changes(entry)  # before saving: the entry's own correction is not there yet
        entry.save()
        # The same statement moves the head and the dashboard's counters (both shown under the journal topic).
        Crisis.objects.filter(pk=crisis.pk).update(journal_last_seq=entry.seq, journal_last_hash=entry.hash, **counters)
        live.bump(crisis, Topic.JOURNAL)
    crisis.journal_last_seq, crisis.journal_last_hash = entry.seq, entry.hash
    return entry


COUNTED_KINDS = {
    JournalEntry.Kind.DECISION: "journal_decision_count",
    JournalEntry.Kind.ACTION: "journal_action_count",
    JournalEntry.Kind.COMMUNICATION: "journal_communication_count",
}


def _counter_changes(entry: JournalEntry) -> dict:
    """How the crisis's counters move with this entry, as F() updates.

    A new entry counts once, under its type and priority. A correction is no new
    fact: the fact (the first entry and every correction below it, corrections of
    corrections included) counts under its latest version, so a correction moves
    the counts from the version it replaces to its own type and priority.
    """
    delta = {name: 0 for name in ("journal_entry_count", "journal_urgent_count", *COUNTED_KINDS.values())}
    if entry.corrects_id is None:
        delta["journal_entry_count"] += 1
    else:
        kind, priority = _current_version(entry.corrects)
        delta["journal_urgent_count"] -= priority == JournalEntry.Priority.URGENT
        if kind in COUNTED_KINDS:
            delta[COUNTED_KINDS[kind]] -= 1
    delta["journal_urgent_count"] += entry.priority == JournalEntry.Priority.URGENT
    if entry.kind in COUNTED_KINDS:
        delta[COUNTED_KINDS[entry.kind]] += 1
    return {name: F(name) + change for name, change in delta.items() if change}


CURRENT_VERSION = """
WITH RECURSIVE fact(id) AS (
    SELECT id FROM crisis_journalentry WHERE id = %s
    UNION ALL SELECT e.id FROM crisis_journalentry e JOIN fact ON e.corrects_id = fact.id
)
SELECT kind, priority FROM crisis_journalentry WHERE id IN (SELECT id FROM fact) ORDER BY seq DESC LIMIT 1
"""


def _current_version(corrected: JournalEntry) -> tuple[str, str]:
    """Type and priority of the latest version of the fact that `corrected` belongs to.

    Walks up to the fact's first entry (a correction chain is short), then reads the
    latest of its corrections through the partial index on the corrected link.
    """
    root = corrected
    while root.corrects_id is not None:
        root = JournalEntry.objects.only("corrects_id").get(pk=root.corrects_id)
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_VERSION, [root.pk])
        return cursor.fetchone()


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


def journal_append_for_cell(
    *,
    crisis: Crisis,
    text: str,
    kind: str,
    by=None,
    source: str = "",
    channel: str = JournalEntry.Channel.AUTRE,
    **fields,
) -> JournalEntry:
    """What the console writes in the journal on the cell's behalf, or an integration writes in it.

    Phase changes, roster moves, record changes and RIDA decisions pass `by` (the
    member who acted: the entry is from them, to the cell). An integration (a
    SOC/EDR alert, an imported ticket) passes by=None and a `source` naming it,
    so the journal says clearly who or what wrote the line.
    """
    fields.setdefault("sender", _display_name(by) if by is not None else source)
    fields.setdefault("recipient", _("Cellule de crise"))
    return journal_append(crisis=crisis, by=by, source=source, kind=kind, channel=channel, text=text, **fields)
