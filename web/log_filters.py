"""Filters of the server log."""

import logging

from django.core.exceptions import PermissionDenied


class OneLineRefusals(logging.Filter):
    """A refused request (403) is one line saying who, what and why, not a traceback.

    Django logs a PermissionDenied raised in a view with its traceback; a read-only member
    pressing a button is no crash, and a page of stack per click drowns the real errors.
    The reason is the one an access helper gave (crisis.permissions.refused).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        denied = record.exc_info[1] if record.exc_info else None
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) != 403 or not isinstance(denied, PermissionDenied) or request is None:
            return True
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        reason = getattr(denied, "log_reason", "") or str(denied) or "permission denied"
        record.msg = "Forbidden (403): %s %s by %s: %s"
        record.args = (request.method, request.get_full_path(), who, reason)
        record.exc_info, record.exc_text = None, None
        return True
