"""Flash info: numbered issues per crisis, a pre-filled draft, validation and publication."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis.models import Crisis
from crisis.services.records import record_create, record_update

from .. import selectors
from ..models import FlashInfo

EDITABLE = ("headline", "incidents", "restored", "still_down", "zoom", "zoom_service", "next_due_at")
DEFAULT_INTERVAL = timedelta(hours=24)  # one issue a day, as at the hospitals that published twenty


def _locked_status(flash: FlashInfo) -> str:
    """The issue's status under its row lock (the record kit's validate sees the row already changed)."""
    return FlashInfo.objects.select_for_update().values_list("status", flat=True).get(pk=flash.pk)


def _check_incidents(incidents) -> None:
    if not isinstance(incidents, list) or len(incidents) > 10:
        raise ValidationError({"incidents": [_("Une liste de dix incidents au plus.")]})
    for incident in incidents:
        if not isinstance(incident, dict) or not str(incident.get("title", "")).strip():
            raise ValidationError({"incidents": [_("Chaque incident a un titre (et la réponse donnée).")]})


def flash_draft(*, crisis: Crisis) -> dict:
    """What the next issue would say, from the tickets and the situation (nothing saved)."""
    situation = selectors.situation_summary(crisis)
    zoom_service, zoom = selectors.zoom_of_the_day(crisis)
    return {
        "number": selectors.next_flash_number(crisis),
        "status": FlashInfo.Status.DRAFT,
        "headline": "",
        "incidents": selectors.flash_incidents(crisis),
        "restored": situation["restored"],
        "still_down": situation["still_down"],
        "zoom": zoom,
        "zoom_service": zoom_service.pk if zoom_service else None,
        "next_due_at": timezone.now() + DEFAULT_INTERVAL,
        "published_at": None,
    }


def flash_create(*, crisis: Crisis, by, **fields) -> FlashInfo:
    """A new issue, numbered after the crisis's last one (under the crisis's lock: no two N°3)."""
    _check_incidents(fields.get("incidents", []))
    flash = FlashInfo(crisis=crisis, created_by=by, **{k: v for k, v in fields.items() if k in EDITABLE})

    def prepare(new: FlashInfo) -> None:
        Crisis.objects.select_for_update().filter(pk=crisis.pk).exists()
        new.number = selectors.next_flash_number(crisis)

    def validate(new: FlashInfo) -> None:
        if new.zoom_service_id and new.zoom_service.establishment_id != crisis.establishment_id:
            raise ValidationError({"zoom_service": [_("Ce service n'est pas de cet établissement.")]})
        new.full_clean(exclude=["crisis", "created_by", "zoom_service", "number"])

    return record_create(
        instance=flash,
        by=by,
        prepare=prepare,
        validate=validate,
        fields=("number", *[f for f in EDITABLE if f in fields]),
    )


def flash_update(*, flash: FlashInfo, by, **changes) -> list:
    if "incidents" in changes:
        _check_incidents(changes["incidents"])
    changes = {k: v for k, v in changes.items() if k in EDITABLE}

    # An edited issue goes back to draft: what was validated is no longer what will be posted.
    def derive(locked, changed):
        return {"status": FlashInfo.Status.DRAFT, "validated_by": None, "validated_at": None} if changed else {}

    with transaction.atomic():
        if _locked_status(flash) == FlashInfo.Status.PUBLISHED:
            raise ValidationError({"status": [_("Un numéro publié ne change plus : préparez le suivant.")]})
        return record_update(instance=flash, by=by, changes=changes, derive=derive)


def _has_content(flash: FlashInfo) -> bool:
    return bool(flash.incidents or flash.restored.strip() or flash.still_down.strip() or flash.zoom.strip())


def flash_validate(*, flash: FlashInfo, by) -> list:
    def validate(locked: FlashInfo) -> None:
        if not _has_content(locked):
            raise ValidationError({"status": [_("Ce numéro est vide : rien à valider.")]})

    with transaction.atomic():
        if _locked_status(flash) == FlashInfo.Status.PUBLISHED:
            raise ValidationError({"status": [_("Ce numéro est déjà publié.")]})
        changes = {"status": FlashInfo.Status.VALIDATED, "validated_by": by, "validated_at": timezone.now()}
        return record_update(instance=flash, by=by, changes=changes, validate=validate)


def flash_publish(*, flash: FlashInfo, by, next_due_at=None) -> list:
    """Publish an issue (validating it on the way when the publisher has not done it before)."""
    now = timezone.now()

    def derive(locked: FlashInfo, changed: dict) -> dict:
        extra = {} if locked.validated_at else {"validated_by": by, "validated_at": now}
        if locked.next_due_at is None or locked.next_due_at <= now:
            extra["next_due_at"] = next_due_at or now + DEFAULT_INTERVAL
        return extra

    def validate(locked: FlashInfo) -> None:
        if not _has_content(locked):
            raise ValidationError({"status": [_("Ce numéro est vide : rien à publier.")]})

    with transaction.atomic():
        if _locked_status(flash) == FlashInfo.Status.PUBLISHED:
            raise ValidationError({"status": [_("Ce numéro est déjà publié.")]})
        changes = {"status": FlashInfo.Status.PUBLISHED, "published_by": by, "published_at": now}
        if next_due_at is not None:
            changes["next_due_at"] = next_due_at
        return record_update(
            instance=flash,
            by=by,
            changes=changes,
            derive=derive,
            validate=validate,
            journal=lambda changed: _("Flash info n°%(n)s publié.") % {"n": flash.number},
        )


def flash_text(flash: FlashInfo) -> str:
    """The plain-text version, for an SMS or to be read on the phone."""
    crisis = flash.crisis
    lines = [
        _("FLASH INFO N°%(n)s — %(e)s") % {"n": flash.number, "e": crisis.establishment.name},
    ]
    if flash.published_at:
        lines.append(_("Publié le %(at)s") % {"at": timezone.localtime(flash.published_at).strftime("%d/%m/%Y %H:%M")})
    if flash.headline:
        lines += ["", flash.headline]
    if flash.incidents:
        lines += ["", _("LES %(n)s PRINCIPAUX INCIDENTS (72 H)") % {"n": len(flash.incidents)}]
        for i, incident in enumerate(flash.incidents, start=1):
            lines.append(f"{i}. {incident.get('title', '')}")
            if incident.get("answer"):
                lines.append("   " + _("Réponse : %(a)s") % {"a": incident["answer"]})
    for label, text in ((_("RÉTABLI"), flash.restored), (_("TOUJOURS INDISPONIBLE"), flash.still_down)):
        if text.strip():
            lines += ["", label, text.strip()]
    if flash.zoom.strip():
        title = _("ZOOM")
        if flash.zoom_service_id:
            title += f" : {flash.zoom_service.name}"
        lines += ["", title, flash.zoom.strip()]
    if flash.next_due_at:
        at = timezone.localtime(flash.next_due_at).strftime("%d/%m/%Y %H:%M")
        lines += ["", _("Prochain numéro : %(at)s") % {"at": at}]
    return "\n".join(lines) + "\n"
