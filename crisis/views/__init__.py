"""Pages of the crisis cell, one module per sub-domain. Every view needs login and a capability.

Pages work without JavaScript (forms post and redirect); htmx only makes them
faster: live pages poll "anything after version N?" (web.live).
"""

from .crises import (
    LoginView,
    api_token_revoke,
    crisis_close,
    crisis_dashboard,
    crisis_edit,
    crisis_phase,
    dashboard_version,
    home,
)
from .journal import journal, journal_attachment, journal_entry
from .roster import roster, shift_end, shift_hand_over, shift_start

__all__ = [
    "LoginView",
    "api_token_revoke",
    "crisis_close",
    "crisis_dashboard",
    "crisis_edit",
    "crisis_phase",
    "dashboard_version",
    "home",
    "journal",
    "journal_attachment",
    "journal_entry",
    "roster",
    "shift_end",
    "shift_hand_over",
    "shift_start",
]
