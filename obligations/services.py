"""Every write of the obligations app: obligations marked done, costs, the RETEX and its actions."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from crisis import live
from crisis.models import Crisis, Establishment, JournalEntry, RidaLine
from crisis.services import rida_create
from crisis.services.journal import attachment_check
from crisis.services.records import history_record, record_create, record_update
from web import moments

from .models import TOPIC, Cost, Kind, Obligation, Retex


def obligations_ensure(crisis: Crisis) -> None:
    """Every obligation of the crisis exists: created on first look, once (the unique constraint settles a race)."""
    have = set(Obligation.objects.filter(crisis=crisis).order_by().values_list("kind", flat=True))
    missing = [Obligation(crisis=crisis, kind=kind) for kind in Kind.values if kind not in have]
    if missing:
        Obligation.objects.bulk_create(missing, ignore_conflicts=True)


def _store_attachment(upload: UploadedFile) -> tuple[str, str]:
    """The receipt's scan, checked as the journal checks its attachments (parsed photo or PDF, size)."""
    _content_type, sha256 = attachment_check(upload)
    ext = "." + upload.name.lower().rsplit(".", 1)[-1]
    stored = default_storage.save(f"obligations/{timezone.now():%Y/%m}/{get_random_string(24)}{ext}", upload)
    return stored, sha256


def _validate(obligation: Obligation) -> None:
    errors = {}
    if obligation.status not in (Obligation.Status.A_FAIRE, Obligation.Status.FAIT, Obligation.Status.NON_APPLICABLE):
        errors["status"] = _("État inconnu : à faire, fait ou non applicable.")
    if obligation.done_at is not None and obligation.done_at > timezone.now() + timedelta(minutes=5):
        errors["done_at"] = _("La date est dans le futur.")
    if obligation.done_at is not None and obligation.done_at < obligation.crisis.detected_at - timedelta(days=1):
        errors["done_at"] = _("La date précède la détection de la crise.")
    if obligation.kind == Kind.CNIL and obligation.done_late and not obligation.late_reason.strip():
        errors["late_reason"] = _(
            "Notification après le délai de 72 h : le RGPD (art. 33) exige d'en donner les motifs."
        )
    if (
        obligation.kind == Kind.CNIL
        and obligation.status == Obligation.Status.NON_APPLICABLE
        and not obligation.notes.strip()
    ):
        errors["notes"] = _(
            "Une violation non notifiée s'inscrit au registre interne des violations : "
            "dites pourquoi elle n'est pas notifiée."
        )
    if errors:
        raise ValidationError(errors)


def _journal_text(obligation: Obligation, changed) -> str:
    names = {change.name for change in changed}
    label = obligation.get_kind_display()
    if obligation.status == Obligation.Status.FAIT and "status" in names:
        text = _("Obligation « %(label)s » faite le %(at)s") % {
            "label": label,
            "at": moments.moment(obligation.done_at, "day_time"),
        }
        if obligation.reference:
            text += " ; " + _("%(what)s : %(reference)s") % {
                "what": obligation.reference_label,
                "reference": obligation.reference,
            }
        if obligation.done_late and obligation.late_reason:
            text += " ; " + _("motif du retard : %(reason)s") % {"reason": obligation.late_reason}
        return text + "."
    if obligation.status == Obligation.Status.NON_APPLICABLE and "status" in names:
        return _("Obligation « %(label)s » sans objet : %(notes)s") % {"label": label, "notes": obligation.notes or "—"}
    return _("Obligation « %(label)s » : %(changes)s.") % {
        "label": label,
        "changes": " ; ".join(str(change) for change in changed),
    }


def obligation_update(*, obligation: Obligation, by, attachment: UploadedFile | None = None, **changes) -> list:
    """Change an obligation: marked done (when, by whom, the reference), not applicable, notes.

    Done without a time is done now; done_by is the member who marks it. A CNIL
    notification done after its 72 hours needs the reasons of the delay (GDPR art. 33).
    Every change writes the journal (the record kit's `journal=`).
    """
    stored = _store_attachment(attachment) if attachment is not None else None  # checked before any write

    def derive(locked: Obligation, changed: dict) -> dict:
        if "status" not in changed:
            return {}
        if locked.status == Obligation.Status.FAIT:
            return {"done_at": locked.done_at or timezone.now(), "done_by": by}
        return {"done_at": None, "done_by": None}

    def validate(locked: Obligation) -> None:
        locked.crisis = obligation.crisis
        _validate(locked)

    for name in ("reference", "late_reason", "notes", "complement_reference"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    with transaction.atomic():
        changed = record_update(
            instance=obligation,
            by=by,
            changes=changes,
            crisis=obligation.crisis,
            derive=derive,
            validate=validate,
            # A crisis closed has its journal sealed: an insurer declared afterwards is kept in the history only.
            journal=(lambda changed: _journal_text(obligation, changed)) if obligation.crisis.is_open else None,
            journal_kind=JournalEntry.Kind.ACTION,
        )
        if stored is not None:
            _attach(obligation, by, *stored)
    return changed


def _attach(obligation: Obligation, by, name: str, sha256: str) -> None:
    """The receipt's scan saved beside the record kit (which diffs plain values, not files), its history kept."""
    before = Obligation.objects.select_for_update().values("attachment", "attachment_sha256").get(pk=obligation.pk)
    Obligation.objects.filter(pk=obligation.pk).update(attachment=name, attachment_sha256=sha256)
    history_record(
        obj=obligation,
        establishment=Establishment(pk=obligation.crisis.establishment_id),
        by=by,
        before=before,
        after={"attachment": name, "attachment_sha256": sha256},
    )
    live.bump(obligation.crisis, TOPIC)
    obligation.attachment.name, obligation.attachment_sha256 = name, sha256


# --- costs --------------------------------------------------------------------


def cost_create(
    *,
    crisis: Crisis,
    by,
    category: str,
    amount: Decimal,
    date: date,
    supplier: str = "",
    reference: str = "",
    covered_by: str = "",
    label: str = "",
) -> Cost:
    cost = Cost(
        crisis=crisis,
        category=category,
        amount=amount,
        date=date,
        supplier=(supplier or "").strip(),
        reference=(reference or "").strip(),
        covered_by=covered_by or "",
        label=(label or "").strip(),
        created_by=by,
    )

    def validate(new: Cost) -> None:
        errors = {}
        if new.amount is not None and new.amount <= 0:
            errors["amount"] = _("Le montant doit être positif.")
        if new.date and new.date > timezone.localdate() + timedelta(days=366):
            errors["date"] = _("Date trop lointaine.")
        if errors:
            raise ValidationError(errors)
        new.full_clean(exclude=["crisis", "created_by"])

    return record_create(instance=cost, by=by, crisis=crisis, validate=validate)


# --- RETEX --------------------------------------------------------------------


def retex_of(crisis: Crisis) -> Retex:
    """The crisis's RETEX, created empty on first look."""
    retex, _created = Retex.objects.get_or_create(crisis=crisis)
    return retex


def retex_update(*, crisis: Crisis, by, **sections) -> list:
    unknown = set(sections) - set(Retex.SECTIONS)
    if unknown:
        raise ValidationError({name: _("Section inconnue.") for name in unknown})
    retex = retex_of(crisis)
    changes = {name: (value or "").strip() for name, value in sections.items()}
    return record_update(instance=retex, by=by, changes=changes, crisis=crisis)


def retex_action_create(
    *, crisis: Crisis, by, text: str, owner=None, owner_other: str = "", due_at: datetime | None = None
) -> RidaLine:
    """An action of the RETEX's plan: a RIDA line with source "RETEX", open after the crisis is over.

    Written while the crisis is open (its RETEX phase): the RIDA closes with the crisis,
    its open lines stay to follow up (the RETEX page and the PDF list them).
    """
    with transaction.atomic():
        return rida_create(
            crisis=crisis,
            by=by,
            text=text,
            kind=RidaLine.Kind.ACTION,
            theme=_("Plan d'actions RETEX"),
            source_label="RETEX",
            owner=owner,
            owner_other=owner_other,
            due_at=due_at,
        )
