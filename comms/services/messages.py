"""Messages prepared ahead: drafted from a template, placeholders filled, approved, published (with the
units that must confirm receipt); and the log of external communications."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis.models import Crisis, Establishment, Service
from crisis.services.records import record_create, record_update

from ..defaults import DEFAULT_TEMPLATES
from ..models import Acknowledgement, ContactLogEntry, Message, MessageTemplate

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholders(text: str) -> list[str]:
    """The {placeholders} of a text, each once, in order."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text or "")))


def missing(message: Message) -> list[str]:
    """The placeholders of the message left without a value."""
    values = message.values or {}
    return [p for p in placeholders(message.title + "\n" + message.body) if not str(values.get(p, "")).strip()]


def filled(text: str, values: dict) -> str:
    """The text with its placeholders replaced; one left unfilled stays visible as {name}, never a blank."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")).strip() or m.group(0), text or "")


def templates_of(establishment: Establishment):
    """The establishment's templates, created from the French defaults the first time."""
    existing = MessageTemplate.objects.filter(establishment=establishment)
    if not existing.exists():
        MessageTemplate.objects.bulk_create(
            MessageTemplate(establishment=establishment, kind=kind, title=title, body=body)
            for kind, title, body in DEFAULT_TEMPLATES
        )
    return existing.order_by("kind", "title", "pk")


def _check_values(values) -> dict:
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        raise ValidationError({"values": [_("Des valeurs texte, nommées comme les champs du modèle.")]})
    if any(len(v) > 2000 for v in values.values()):
        raise ValidationError({"values": [_("2 000 caractères au plus par valeur.")]})
    return {k: v.strip() for k, v in values.items()}


def message_create(
    *, crisis: Crisis, by, template: MessageTemplate, values: dict | None = None, **overrides
) -> Message:
    if template.establishment_id != crisis.establishment_id:
        raise ValidationError({"template": [_("Ce modèle n'est pas de cet établissement.")]})
    message = Message(
        crisis=crisis,
        template=template,
        kind=template.kind,
        title=overrides.get("title") or template.title,
        body=overrides.get("body") or template.body,
        values=_check_values(values or {}),
        created_by=by,
    )
    return record_create(
        instance=message,
        by=by,
        validate=lambda new: new.full_clean(exclude=["crisis", "template", "created_by"]),
        fields=("kind", "title", "body", "values"),
    )


def message_update(*, message: Message, by, **changes) -> list:
    if "values" in changes:
        changes["values"] = _check_values(changes["values"])
    changes = {k: v for k, v in changes.items() if k in ("title", "body", "values")}

    def derive(locked, changed):  # an edited message must be approved again
        return {"status": Message.Status.DRAFT, "approved_by": None, "approved_at": None} if changed else {}

    with transaction.atomic():
        if _locked_status(message) == Message.Status.PUBLISHED:
            raise ValidationError({"status": [_("Un message publié ne change plus : rédigez-en un nouveau.")]})
        return record_update(instance=message, by=by, changes=changes, derive=derive)


def _locked_status(message: Message) -> str:
    """The message's status under its row lock (the record kit's validate sees the row already changed)."""
    return Message.objects.select_for_update().values_list("status", flat=True).get(pk=message.pk)


def message_approve(*, message: Message, by) -> list:
    """Approve a draft: refused while a placeholder is unfilled (never a blank in print)."""

    def validate(locked: Message) -> None:
        left = missing(locked)
        if left:
            names = ", ".join("{" + p + "}" for p in left)
            raise ValidationError({"values": [_("Champs à remplir avant l'approbation : %(p)s") % {"p": names}]})

    with transaction.atomic():
        if _locked_status(message) != Message.Status.DRAFT:
            raise ValidationError({"status": [_("Seul un brouillon s'approuve.")]})
        changes = {"status": Message.Status.APPROVED, "approved_by": by, "approved_at": timezone.now()}
        return record_update(instance=message, by=by, changes=changes, validate=validate)


def message_publish(*, message: Message, by, channel: str, next_update_at=None, units: list[Service] = ()) -> list:
    """Publish an approved message on a channel; the units named must each confirm receipt."""
    if channel not in Message.Channel.values:
        raise ValidationError({"channel": [_("Canal inconnu.")]})
    if any(u.establishment_id != message.crisis.establishment_id for u in units):
        raise ValidationError({"units": [_("Ce service n'est pas de cet établissement.")]})

    def validate(locked: Message) -> None:
        if next_update_at is not None and next_update_at <= timezone.now():
            raise ValidationError({"next_update_at": [_("La prochaine mise à jour est à venir.")]})

    changes = {
        "status": Message.Status.PUBLISHED,
        "published_by": by,
        "published_at": timezone.now(),
        "channel": channel,
        "next_update_at": next_update_at,
    }
    with transaction.atomic():
        if _locked_status(message) != Message.Status.APPROVED:
            raise ValidationError({"status": [_("Un message est approuvé avant d'être publié.")]})
        changed = record_update(
            instance=message,
            by=by,
            changes=changes,
            validate=validate,
            journal=lambda c: (
                _("Message publié (%(c)s) : %(t)s") % {"c": message.get_channel_display(), "t": message.title}
            ),
        )
        Acknowledgement.objects.bulk_create(
            [Acknowledgement(message=message, service=u) for u in dict.fromkeys(units)], ignore_conflicts=True
        )
    return changed


def acknowledge(*, acknowledgement: Acknowledgement, by, by_name: str = "", at=None) -> list:
    """A unit confirmed it received the message (when, and who said so)."""
    if acknowledgement.acknowledged_at is not None:
        return []
    changes = {"acknowledged_at": at or timezone.now(), "acknowledged_by": by_name.strip()[:120], "recorded_by": by}
    return record_update(instance=acknowledgement, by=by, changes=changes, crisis=acknowledgement.message.crisis)


def contact_log_create(*, crisis: Crisis, by, **fields) -> ContactLogEntry:
    entry = ContactLogEntry(crisis=crisis, created_by=by, **fields)
    if entry.at is None:
        entry.at = timezone.now()

    def validate(new: ContactLogEntry) -> None:
        if new.at > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationError({"at": [_("Un appel déjà passé : pas de date à venir.")]})
        new.full_clean(exclude=["crisis", "created_by", "handled_by"])

    return record_create(
        instance=entry, by=by, validate=validate, fields=[k for k in fields if k != "handled_by"] + ["handled_by"]
    )
