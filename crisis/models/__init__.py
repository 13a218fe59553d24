"""The core: establishments and their services, memberships, crises, the cell roster, the main courante, the RIDA.

One module per sub-domain; everything is imported here, so that `crisis.models.X` stays the
one way to name a model and Django finds them all.
"""

from .crises import Crisis, Phase, Shift
from .history import RecordChange
from .journal import RECORDED_LATE_AFTER, AppendOnlyError, JournalEntry, JournalQuerySet
from .live import LiveTopic, Topic
from .organisation import DEFAULT_SERVICES, Establishment, Ght, Membership, Role, Service
from .rida import Decision, Meeting, RidaLine, search_key

__all__ = [
    "DEFAULT_SERVICES",
    "RECORDED_LATE_AFTER",
    "AppendOnlyError",
    "Crisis",
    "Decision",
    "Establishment",
    "Ght",
    "JournalEntry",
    "JournalQuerySet",
    "LiveTopic",
    "Meeting",
    "Membership",
    "Phase",
    "RecordChange",
    "RidaLine",
    "Role",
    "Service",
    "Shift",
    "Topic",
    "search_key",
]
