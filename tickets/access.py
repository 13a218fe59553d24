"""Who may do what with signalements, tickets and alerts, in the core's capabilities."""

from crisis.models import Role
from crisis.permissions import Cap

READ = Cap.READ  # the board, the lists, the reports: every member, the ARS observer included
REPORT = Cap.WRITE_JOURNAL  # file a signalement from a unit, type paper slips: every working member
TRIAGE = Cap.WRITE_JOURNAL  # qualify, move, assign, answer, merge: the DSI and RSSI hold no more than this
ESCALATE = Cap.MANAGE_RIDA  # a RIDA line is the RIDA keepers'
ALERTS_TRIAGE = Cap.WRITE_JOURNAL

# The roles whose every page shows the banner of a critical or high alert nobody has taken yet.
BANNER_ROLES = (Role.RSSI, Role.DSI)
