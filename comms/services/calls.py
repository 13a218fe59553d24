"""Call lists: made from the directory, worked through on screen, sent as SMS (queued in the database),
and the replies ("OUI 20 min", "NON") recorded as outcomes."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis.models import Crisis
from crisis.services.records import record_create, record_update

from .. import sms
from ..models import Call, CallList, DirectoryEntry, Sms

MAX_SMS_ATTEMPTS = 10


def call_list_create(*, crisis: Crisis, by, title: str, people: list[DirectoryEntry], message: str = "") -> CallList:
    """A new call list, its people in the order given (the first called first)."""
    if not people:
        raise ValidationError({"people": [_("Une liste d'appel nomme au moins une personne.")]})
    if len({p.pk for p in people}) != len(people):
        raise ValidationError({"people": [_("Une personne figure deux fois dans la liste.")]})
    call_list = CallList(crisis=crisis, title=title.strip(), message=message.strip(), created_by=by)

    def saved(new: CallList) -> None:
        Call.objects.bulk_create(Call(call_list=new, person=p, position=i) for i, p in enumerate(people))

    return record_create(
        instance=call_list,
        by=by,
        validate=lambda new: new.full_clean(exclude=["crisis", "created_by"]),
        saved=saved,
        fields=("title", "message"),
        journal=lambda new: _("Liste d'appel ouverte : %(t)s (%(n)s personnes).") % {"t": new.title, "n": len(people)},
    )


def call_record(
    *, call: Call, by, outcome: str, arrival: str = "", note: str = "", at=None, channel: str = "téléphone"
) -> list:
    """What came of calling one person: reached, no answer, message left, coming (and when)."""
    if outcome not in Call.Outcome.values:
        raise ValidationError({"outcome": [_("Résultat inconnu.")]})
    if call.call_list.status != CallList.Status.IN_PROGRESS:
        raise ValidationError({"outcome": [_("Cette liste d'appel est terminée.")]})
    changes = {"outcome": outcome, "arrival": arrival.strip(), "note": note.strip(), "at": at or timezone.now()}
    changes |= {"by": by, "channel": channel}
    return record_update(
        instance=call,
        by=by,
        changes=changes,
        crisis=call.call_list.crisis,
        validate=lambda locked: locked.full_clean(exclude=["call_list", "person", "by"]),
        source="" if by else "SMS",
    )


def call_list_close(*, call_list: CallList, by) -> list:
    return record_update(instance=call_list, by=by, changes={"status": CallList.Status.CLOSED})


def call_list_send_sms(*, call_list: CallList, by) -> dict:
    """Queue the list's message to everyone not yet reached; sent after commit by the sending task.

    Returns {sent, failed}: sent are the messages handed to the queue (they leave as soon as the
    gateway takes them); failed are the people left out, each with why (no mobile, gateway down:
    then their message waits in the queue and goes as soon as it is back)."""
    from .. import tasks

    if call_list.status != CallList.Status.IN_PROGRESS:
        raise ValidationError({"call_list": [_("Cette liste d'appel est terminée.")]})
    if not call_list.message.strip():
        raise ValidationError({"message": [_("La liste n'a pas de message SMS à envoyer.")]})
    gateway = sms.status()
    sent, failed, queued = [], [], []
    with transaction.atomic():
        calls = call_list.calls.select_related("person").select_for_update(of=("self",))
        for call in calls:
            if call.reached:
                continue
            person = call.person
            if not sms.is_mobile(person.mobile):
                failed.append({"person": person.pk, "name": str(person), "reason": _("pas de numéro de mobile")})
                continue
            # A message still queued (its task gave up while the gateway was down) is sent again, not doubled.
            message = Sms.objects.filter(call=call, status=Sms.Status.QUEUED).first() or Sms.objects.create(
                call=call, number=sms.msisdn(person.mobile), text=call_list.message
            )
            queued.append(message.pk)
            if gateway["ready"]:
                sent.append({"person": person.pk, "name": str(person), "number": message.number, "sms": message.pk})
            else:
                failed.append(
                    {
                        "person": person.pk,
                        "name": str(person),
                        "reason": _("passerelle SMS indisponible : message en file d'attente, envoyé à son retour"),
                    }
                )
        if queued:
            transaction.on_commit(lambda: tasks.send_sms.delay(queued))
    return {"sent": sent, "failed": failed, "queued": len(queued), "gateway": gateway}


def sms_deliver(*, sms_ids: list[int]) -> dict:
    """Hand the queued messages to the gateway, one by one; a gateway down leaves the rest queued
    (raises GatewayDown after recording why, so the task retries)."""
    delivered = 0
    for pk in sms_ids:
        down = None
        with transaction.atomic():
            message = Sms.objects.select_for_update().filter(pk=pk, status=Sms.Status.QUEUED).first()
            if message is None:
                continue  # already sent by an earlier try
            message.attempts += 1
            try:
                ref = sms.send(message.number, message.text)
            except sms.GatewayDown as exc:
                down = exc
                message.error = str(exc)[:300]
                if message.attempts >= MAX_SMS_ATTEMPTS:
                    message.status = Sms.Status.FAILED
                message.save(update_fields=["attempts", "error", "status"])
            else:
                message.status, message.gateway_ref, message.sent_at = Sms.Status.SENT, ref, timezone.now()
                message.error = ""
                message.save(update_fields=["attempts", "status", "gateway_ref", "sent_at", "error"])
                delivered += 1
        if down is not None:
            raise down  # after the attempt is saved: the task retries, the rest stay queued
    return {"delivered": delivered}


REPLY = re.compile(r"^\s*(oui|ok|yes|non|no)\b\W*(.*)$", re.IGNORECASE | re.DOTALL)


def parse_reply(text: str) -> tuple[str, str, str]:
    """(outcome, arrival, note) of a reply: "OUI 20 min" is coming in 20 min; "NON" reached, not coming."""
    found = REPLY.match(text or "")
    if found is None:
        return Call.Outcome.REACHED, "", text.strip()[:200]
    answer, rest = found.group(1).lower(), found.group(2).strip()
    if answer in ("oui", "ok", "yes"):
        return Call.Outcome.COMING, rest[:60], text.strip()[:200]
    return Call.Outcome.REACHED, "", (_("ne vient pas") + (f" : {rest}" if rest else ""))[:200]


def sms_receive() -> int:
    """Record the replies waiting at the gateway as outcomes: a reply goes to the last message sent to
    that number in a call list still in progress. Returns how many were recorded."""
    recorded = 0
    for reply in sms.replies():
        number = sms.msisdn(reply.number)
        last = (
            Sms.objects.filter(
                number=number, status=Sms.Status.SENT, call__call_list__status=CallList.Status.IN_PROGRESS
            )
            .select_related("call__call_list__crisis")
            .order_by("-sent_at", "-pk")
            .first()
        )
        if last is not None:
            outcome, arrival, note = parse_reply(reply.text)
            call_record(call=last.call, by=None, outcome=outcome, arrival=arrival, note=note, channel="SMS")
            recorded += 1
        sms.done(reply)
    return recorded
