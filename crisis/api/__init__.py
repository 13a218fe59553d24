"""REST API of the crisis app, under /api/, one module per sub-domain.

Views validate input with a serializer, resolve the object through the access
helpers of crisis.permissions (outsider 404, missing capability 403) and call a
service or a selector. They never test roles themselves. Same rules everywhere:
bad input a 400 with field errors, DELETE a 405.
"""

from .auth import (
    TokenView,
)
from .base import (
    NON_FIELD_ERRORS,
    CrisisScopedView,
    EstablishmentScopedView,
    ScopedView,
)
from .crises import (
    CrisisDetailView,
    CrisisListView,
    CrisisPhaseView,
)
from .decisions import (
    DecisionListView,
)
from .journal import (
    JournalAttachmentView,
    JournalEntryView,
    JournalListView,
)
from .meetings import (
    MeetingAgendaView,
    MeetingDetailView,
    MeetingEndView,
    MeetingListView,
    MeetingScopedView,
    MeetingStartView,
    agenda_items,
)
from .organisation import (
    EstablishmentDetailView,
    EstablishmentListView,
    MembershipListView,
)
from .rida import (
    RidaExportView,
    RidaHistoryView,
    RidaLineView,
    RidaListView,
    rida_export_response,
)

__all__ = [
    "CrisisDetailView",
    "CrisisListView",
    "CrisisPhaseView",
    "CrisisScopedView",
    "EstablishmentScopedView",
    "ScopedView",
    "DecisionListView",
    "EstablishmentDetailView",
    "EstablishmentListView",
    "JournalAttachmentView",
    "JournalEntryView",
    "JournalListView",
    "MeetingAgendaView",
    "MeetingDetailView",
    "MeetingEndView",
    "MeetingListView",
    "MeetingScopedView",
    "MeetingStartView",
    "MembershipListView",
    "NON_FIELD_ERRORS",
    "RidaExportView",
    "RidaHistoryView",
    "RidaLineView",
    "RidaListView",
    "TokenView",
    "agenda_items",
    "rida_export_response",
]
