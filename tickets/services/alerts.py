"""Writes of the SOC/EDR alerts: sources and their tokens, idempotent ingestion, triage.

A source's token is shown once, at creation, and kept as its SHA-256 only (like a password:
the database alone cannot push alerts). Ingestion is idempotent on (source, external id): the
unique constraint decides, so two pushes of the same alert at once leave one row, and the loser
gets the winner's row back.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis.models import Establishment, JournalEntry
from crisis.services.journal import journal_append_for_cell
from crisis.services.records import record_create, record_update

from ..models import Alert, AlertSource, Ticket
from .tickets import open_crisis_of, ticket_create

TOKEN_PREFIX = "soc_"
ALERT_FIELDS = ("source", "external_id", "host", "user", "severity", "title", "detected_at")
# The priority of the ticket an alert opens, by its severity (P4 below).
SEVERITY_PRIORITY = {
    Alert.Severity.CRITIQUE: Ticket.Priority.P1,
    Alert.Severity.HAUTE: Ticket.Priority.P2,
    Alert.Severity.MOYENNE: Ticket.Priority.P3,
}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def alert_source_create(*, establishment: Establishment, name: str) -> tuple[AlertSource, str]:
    """A new source and its token, which is returned here and never again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Nommez la source (le SOC, l'EDR).")})
    if AlertSource.objects.filter(establishment=establishment, name=name).exists():
        raise ValidationError({"name": _("Une source porte déjà ce nom dans cet établissement.")})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    source = AlertSource.objects.create(
        establishment=establishment, name=name, token_hash=token_digest(token), token_prefix=token[:8]
    )
    return source, token


def alert_source_for_token(token: str) -> AlertSource | None:
    """The active source this token belongs to, else None (one query on the digest's unique index)."""
    if not token or len(token) > 200:
        return None
    return (
        AlertSource.objects.select_related("establishment")
        .filter(token_hash=token_digest(token), is_active=True)
        .first()
    )


def alert_ingest(
    *,
    source: AlertSource,
    external_id: str,
    severity: str,
    title: str,
    detected_at: datetime,
    host: str = "",
    user: str = "",
    payload: dict | None = None,
) -> tuple[Alert, bool]:
    """Store an alert pushed by a source, once: (the alert, True) when new, (the stored one, False) when known."""
    known = Alert.objects.filter(source=source, external_id=external_id).first()
    if known is not None:
        return known, False
    alert = Alert(
        establishment_id=source.establishment_id,
        source=source,
        external_id=external_id,
        host=host,
        user=user,
        severity=severity,
        title=title,
        detected_at=detected_at,
        payload=payload or {},
    )
    try:
        with transaction.atomic():
            record_create(instance=alert, by=None, source=source.name, fields=ALERT_FIELDS)
            _seen(source)
    except IntegrityError:
        # Pushed twice at once: the other push won the unique constraint; its row is the answer.
        known = Alert.objects.filter(source=source, external_id=external_id).first()
        if known is None:
            raise
        return known, False
    return alert, True


def _seen(source: AlertSource) -> None:
    """When the source last pushed, to the minute: one write a minute at most, in the push's transaction."""
    now = timezone.now()
    if source.last_used_at is None or now - source.last_used_at > timedelta(minutes=1):
        AlertSource.objects.filter(pk=source.pk).update(last_used_at=now)
        source.last_used_at = now


def _derive(by):
    def derive(locked: Alert, changed: dict) -> dict:
        derived = {}
        if "status" in changed:
            before, after = changed["status"]
            if after not in Alert.TRANSITIONS.get(before, ()):
                allowed = ", ".join(str(Alert.Status(s).label) for s in Alert.TRANSITIONS.get(before, ()))
                raise ValidationError(
                    {
                        "status": _("Passage de « %(before)s » à « %(after)s » interdit ; possibles : %(allowed)s.")
                        % {"before": Alert.Status(before).label, "after": Alert.Status(after).label, "allowed": allowed}
                    }
                )
            derived["status_by"] = by
            derived["status_at"] = timezone.now()
            derived["resolved_at"] = (
                timezone.now() if after in (Alert.Status.RESOLUE, Alert.Status.FAUX_POSITIF) else None
            )
        return derived

    return derive


def alert_update(*, alert: Alert, by, status: str) -> list:
    """Move an alert in its triage (take it, confirm it, call it a false positive, resolve it)."""
    if status not in Alert.Status.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    return record_update(instance=alert, by=by, changes={"status": status}, derive=_derive(by))


def alert_isolate_host(*, alert: Alert, by) -> list:
    """Record that the alert's host was isolated from the network (by the EDR or by hand)."""
    if alert.host_isolated_at is not None:
        return []
    return record_update(instance=alert, by=by, changes={"host_isolated_at": timezone.now()})


def _confirmed(alert: Alert, by) -> None:
    """Opening a ticket or writing the journal confirms the alert, where its triage allows it."""
    if Alert.Status.CONFIRMEE in alert.allowed_statuses():
        alert_update(alert=alert, by=by, status=Alert.Status.CONFIRMEE)


def alert_open_ticket(*, alert: Alert, by) -> Ticket:
    """A confirmed alert becomes a ticket (once): the DSI's follow-up of the host, on the board."""
    if alert.ticket_id is not None:
        return alert.ticket
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.ticket_id is not None:
            return locked.ticket
        _confirmed(locked, by)
        ticket = ticket_create(
            establishment=alert.establishment,
            by=by,
            reporter_name=alert.source.name,
            reporter_service="SOC/EDR",
            channel=Ticket.Channel.API,
            category=Ticket.Category.POSTE,
            description=_("Alerte %(severity)s sur %(host)s : %(title)s")
            % {"severity": alert.get_severity_display(), "host": alert.host or "—", "title": alert.title},
            priority=SEVERITY_PRIORITY.get(alert.severity, Ticket.Priority.P4),
        )
        record_update(instance=alert, by=by, changes={"ticket": ticket})
    alert.refresh_from_db()
    return ticket


def alert_write_journal(*, alert: Alert, by) -> JournalEntry:
    """A confirmed alert written in the open crisis's main courante, under the source's identity (once)."""
    if alert.journal_entry_id is not None:
        return alert.journal_entry
    crisis = open_crisis_of(alert.establishment_id)
    if crisis is None:
        raise ValidationError({"crisis": _("Aucune crise ouverte : pas de main courante où l'écrire.")})
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.journal_entry_id is not None:
            return locked.journal_entry
        _confirmed(locked, by)
        entry = journal_append_for_cell(
            crisis=crisis,
            by=None,
            source=alert.source.name,
            kind=JournalEntry.Kind.FAIT,
            text=_("Alerte %(severity)s confirmée sur %(host)s : %(title)s")
            % {"severity": alert.get_severity_display(), "host": alert.host or "—", "title": alert.title},
        )
        record_update(instance=alert, by=by, changes={"journal_entry": entry})
    alert.refresh_from_db()
    return entry
