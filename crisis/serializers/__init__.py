"""API serializers of the crisis app, one module per sub-domain: input and output kept apart.

Input serializers only check shapes (types, lengths, choices, dates a database
can store); rules that need the database or the crisis live in services, so
the web forms, the API and commands enforce the same ones.
"""

from .common import (
    JOURNAL_PAGE_MAX,
    JOURNAL_PAGE_SIZE,
    MAX_ID,
    MAX_SEQ,
    MAX_TEXT,
    EstablishmentRefSerializer,
    UserRefSerializer,
)
from .crises import (
    CrisisCreateSerializer,
    CrisisSerializer,
    CrisisUpdateSerializer,
    PhaseChangeSerializer,
)
from .decisions import (
    DecisionCreateSerializer,
    DecisionSerializer,
    DecisionsSerializer,
    GateStateSerializer,
)
from .journal import (
    JournalEntryCreateSerializer,
    JournalEntrySerializer,
    JournalEntryUploadSerializer,
    JournalPageSerializer,
    JournalQuerySerializer,
)
from .meetings import (
    AgendaItemSerializer,
    AgendaSectionSerializer,
    AgendaSerializer,
    MeetingCreateSerializer,
    MeetingEndSerializer,
    MeetingSerializer,
    MeetingStartSerializer,
)
from .organisation import (
    EstablishmentSerializer,
    MembershipSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from .rida import (
    RidaExportQuerySerializer,
    RidaHistoryRowSerializer,
    RidaLineCreateSerializer,
    RidaLineSerializer,
    RidaLineUpdateSerializer,
    RidaQuerySerializer,
)

__all__ = [
    "AgendaItemSerializer",
    "AgendaSectionSerializer",
    "AgendaSerializer",
    "CrisisCreateSerializer",
    "CrisisSerializer",
    "CrisisUpdateSerializer",
    "DecisionCreateSerializer",
    "DecisionSerializer",
    "DecisionsSerializer",
    "EstablishmentRefSerializer",
    "EstablishmentSerializer",
    "GateStateSerializer",
    "JOURNAL_PAGE_MAX",
    "JOURNAL_PAGE_SIZE",
    "JournalEntryCreateSerializer",
    "JournalEntrySerializer",
    "JournalEntryUploadSerializer",
    "JournalPageSerializer",
    "JournalQuerySerializer",
    "MAX_ID",
    "MAX_SEQ",
    "MAX_TEXT",
    "MeetingCreateSerializer",
    "MeetingEndSerializer",
    "MeetingSerializer",
    "MeetingStartSerializer",
    "MembershipSerializer",
    "PhaseChangeSerializer",
    "RidaExportQuerySerializer",
    "RidaHistoryRowSerializer",
    "RidaLineCreateSerializer",
    "RidaLineSerializer",
    "RidaLineUpdateSerializer",
    "RidaQuerySerializer",
    "TokenRequestSerializer",
    "TokenSerializer",
    "UserRefSerializer",
]
