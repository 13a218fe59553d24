"""Pages of the crisis cell, one module per sub-domain. Every view needs login and a capability.

Pages work without JavaScript (forms post and redirect); htmx only makes them
faster: live pages poll "anything after version N?" (web.live).
"""

from .crises import (
    api_token_revoke,
    crisis_close,
    crisis_dashboard,
    crisis_edit,
    crisis_phase,
    dashboard_version,
    home,
)
from .decisions import decisions
from .establishments import establishment_home
from .journal import journal, journal_attachment, journal_entry
from .meetings import meeting, meeting_end, meeting_start, meetings
from .rida import rida, rida_line, rida_line_quick
from .roster import roster, shift_end, shift_hand_over, shift_start

__all__ = [
    "api_token_revoke",
    "crisis_close",
    "crisis_dashboard",
    "crisis_edit",
    "crisis_phase",
    "dashboard_version",
    "decisions",
    "establishment_home",
    "home",
    "journal",
    "journal_attachment",
    "journal_entry",
    "meeting",
    "meeting_end",
    "meeting_start",
    "meetings",
    "rida",
    "rida_line",
    "rida_line_quick",
    "roster",
    "shift_end",
    "shift_hand_over",
    "shift_start",
]
