"""Every write of comms, by sub-domain: the directory, call lists and SMS, Flash info, messages."""

from .calls import call_list_close, call_list_create, call_list_send_sms, call_record, sms_deliver, sms_receive
from .directory import directory_csv, directory_import, entry_create, entry_update
from .flash import flash_create, flash_draft, flash_publish, flash_text, flash_update, flash_validate
from .messages import (
    acknowledge,
    contact_log_create,
    filled,
    message_approve,
    message_create,
    message_publish,
    message_update,
    missing,
    placeholders,
    templates_of,
)

__all__ = [
    "acknowledge",
    "call_list_close",
    "call_list_create",
    "call_list_send_sms",
    "call_record",
    "contact_log_create",
    "directory_csv",
    "directory_import",
    "entry_create",
    "entry_update",
    "filled",
    "flash_create",
    "flash_draft",
    "flash_publish",
    "flash_text",
    "flash_update",
    "flash_validate",
    "message_approve",
    "message_create",
    "message_publish",
    "message_update",
    "missing",
    "placeholders",
    "sms_deliver",
    "sms_receive",
    "templates_of",
]
