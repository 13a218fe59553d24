"""Reads shared by views, the API and documents, one module per sub-domain.

`from crisis.selectors import x` (or `selectors.x`) keeps working: the public names are re-exported here.
"""

from .crises import crises_of_establishment
from .decisions import (
    GATE_PAIRS,
    DecisionsState,
    GateState,
    decision_list,
    decisions_card,
    decisions_state,
)
from .history import (
    HistoryRow,
    history_of,
    record_history,
)
from .journal import (
    MATCH_COUNT_CAP,
    TIME_ORDER,
    EntryKey,
    JournalFilters,
    JournalOrder,
    journal_authors,
    journal_counters,
    journal_entries,
    journal_entries_by_key,
    journal_in_time_order,
    journal_mark_corrected,
    journal_match_count,
    journal_page,
    journal_page_keys,
    latest_urgent,
)
from .meetings import (
    AgendaSection,
    meeting_agenda,
    meeting_releve,
    meetings_of,
    new_signalements_since,
    previous_meeting,
)
from .rida import (
    RidaFilters,
    my_open_actions,
    rida_counters,
    rida_in_number_order,
    rida_lines,
    rida_page,
    rida_themes,
)
from .roster import (
    DUTY_GAP,
    MAX_CONTINUOUS_DUTY,
    REST_WINDOW_DAYS,
    DutyStatus,
    handovers,
    roster,
)

__all__ = [
    "crises_of_establishment",
    "AgendaSection",
    "DUTY_GAP",
    "DecisionsState",
    "DutyStatus",
    "EntryKey",
    "GATE_PAIRS",
    "GateState",
    "HistoryRow",
    "JournalFilters",
    "JournalOrder",
    "MATCH_COUNT_CAP",
    "MAX_CONTINUOUS_DUTY",
    "REST_WINDOW_DAYS",
    "RidaFilters",
    "TIME_ORDER",
    "decision_list",
    "decisions_card",
    "decisions_state",
    "handovers",
    "history_of",
    "journal_authors",
    "journal_counters",
    "journal_entries",
    "journal_entries_by_key",
    "journal_in_time_order",
    "journal_mark_corrected",
    "journal_match_count",
    "journal_page",
    "journal_page_keys",
    "latest_urgent",
    "meeting_agenda",
    "meeting_releve",
    "meetings_of",
    "my_open_actions",
    "new_signalements_since",
    "previous_meeting",
    "rida_counters",
    "record_history",
    "rida_in_number_order",
    "rida_lines",
    "rida_page",
    "rida_themes",
    "roster",
]
