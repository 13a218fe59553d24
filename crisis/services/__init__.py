"""Every write of the crisis app. Views, the API and commands all call these.

Services validate their input and raise django.core.exceptions.ValidationError
with field names, so forms show the message next to the field and the API
answers 400 with field errors; nothing is half-saved.

One module per sub-domain; the public names are re-exported here so callers
write ``services.journal_append(...)`` whatever module holds it.
"""

from .crises import CRISIS_EDITABLE_FIELDS, crisis_change_phase, crisis_close, crisis_create, crisis_update
from .decisions import current_closure, decision_record
from .journal import (
    journal_anchor_seq,
    journal_append,
    journal_append_for_cell,
    journal_correct,
    journal_entry_digest,
    journal_verify_attachments,
    journal_verify_chain,
)
from .meetings import meeting_create, meeting_end, meeting_start, next_daily_slot, overrun_minutes
from .organisation import service_named, services_seed_defaults
from .records import FieldChange, HistoryRow, history_record, record_create, record_history, record_update
from .rida import RIDA_EDITABLE_FIELDS, rida_abandon, rida_create, rida_update
from .roster import shift_end, shift_hand_over, shift_start
from .tokens import token_expires_at, token_for_login, token_revoke

__all__ = [
    "CRISIS_EDITABLE_FIELDS",
    "crisis_change_phase",
    "crisis_close",
    "crisis_create",
    "crisis_update",
    "current_closure",
    "decision_record",
    "FieldChange",
    "HistoryRow",
    "service_named",
    "services_seed_defaults",
    "history_record",
    "record_create",
    "record_history",
    "record_update",
    "journal_append",
    "journal_append_for_cell",
    "journal_correct",
    "journal_entry_digest",
    "journal_verify_attachments",
    "journal_anchor_seq",
    "journal_verify_chain",
    "meeting_create",
    "meeting_end",
    "meeting_start",
    "next_daily_slot",
    "overrun_minutes",
    "RIDA_EDITABLE_FIELDS",
    "rida_abandon",
    "rida_create",
    "rida_update",
    "shift_end",
    "shift_hand_over",
    "shift_start",
    "token_expires_at",
    "token_for_login",
    "token_revoke",
]
