"""Forms of the crisis cell's pages, one module per sub-domain (form plumbing any app uses: web.forms).

`from crisis.forms import X` keeps working: the public names are re-exported here.
"""

from .crises import (
    CloseForm,
    CrisisEditForm,
    CrisisForm,
    PhaseForm,
)
from .decisions import (
    YES_NO,
    DecisionForm,
)
from .journal import (
    KIND_KEYS,
    MAX_TEXT,
    PRIORITY_KEYS,
    CorrectionForm,
    JournalEntryForm,
    JournalFilterForm,
)
from .meetings import (
    MeetingForm,
)
from .members import (
    MemberChoices,
    members_of,
)
from .rida import (
    RidaEditForm,
    RidaFilterForm,
    RidaLineForm,
    RidaQuickForm,
)
from .roster import (
    HandoverForm,
    ShiftStartForm,
)

__all__ = [
    "CloseForm",
    "CorrectionForm",
    "CrisisEditForm",
    "CrisisForm",
    "DecisionForm",
    "HandoverForm",
    "JournalEntryForm",
    "JournalFilterForm",
    "KIND_KEYS",
    "MAX_TEXT",
    "MeetingForm",
    "MemberChoices",
    "PRIORITY_KEYS",
    "PhaseForm",
    "RidaEditForm",
    "RidaFilterForm",
    "RidaLineForm",
    "RidaQuickForm",
    "ShiftStartForm",
    "YES_NO",
    "members_of",
]
