"""Every write of tickets and alerts: ``<entity>_<verb>(*, ...)``, called by views, API, commands alike."""

from .alerts import (
    alert_ingest,
    alert_isolate_host,
    alert_open_ticket,
    alert_source_create,
    alert_source_for_token,
    alert_update,
    alert_write_journal,
    token_digest,
)
from .tickets import (
    open_crisis_of,
    ticket_answer_from_rida,
    ticket_create,
    ticket_escalate,
    ticket_merge,
    ticket_update,
)

__all__ = [
    "alert_ingest",
    "alert_isolate_host",
    "alert_open_ticket",
    "alert_source_create",
    "alert_source_for_token",
    "alert_update",
    "alert_write_journal",
    "open_crisis_of",
    "ticket_answer_from_rida",
    "ticket_create",
    "ticket_escalate",
    "ticket_merge",
    "ticket_update",
    "token_digest",
]
