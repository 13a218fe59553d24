"""Who may do what in continuity, in the core's capabilities (none added).

- READ (Cap.READ): every member reads procedures, the map, the restart plan, the situation board.
- REPORT (Cap.WRITE_JOURNAL): the cell's working members (DSI included) set application statuses in a
  crisis, log workarounds and keep the re-entry backlog (its kinds and each day's entries): facts
  reported by those who see them, like a journal line.
- EDIT (Cap.MANAGE_RIDA): those who keep the cell's follow-up (direction, coordination, care direction,
  quality, secretariat) edit procedure drafts, import procedures and edit the application map. The DSI
  role has no MANAGE_RIDA by default: give it through ROLE_CAPABILITIES if the DSI keeps the map.
- PUBLISH (Cap.DECIDE): publishing a version puts it in force for the whole establishment, a decision
  (directeur, coordinateur, RSSI).
"""

from crisis.permissions import Cap

READ = Cap.READ
REPORT = Cap.WRITE_JOURNAL
EDIT = Cap.MANAGE_RIDA
PUBLISH = Cap.DECIDE
