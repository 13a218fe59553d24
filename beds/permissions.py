"""Who may do what with the beds, in the core's capabilities.

- READ (every member, the ARS observer included): the map's statuses and totals, the census's counts.
- PATIENT (``Cap.SEE_PATIENT_DATA``): patient references, in pages, API and documents, each view logged.
- WRITE: typing movements means typing patient references, so it takes the same capability.
- ACCESS_LOG (``Cap.READ_ACCESS_LOG``, the DPO's by default): the log of those views. The DPO
  reads who saw what without seeing the patient data themself (the DPO has no SEE_PATIENT_DATA).
"""

from crisis.permissions import Cap

READ = Cap.READ
PATIENT = Cap.SEE_PATIENT_DATA
WRITE = Cap.SEE_PATIENT_DATA
ACCESS_LOG = Cap.READ_ACCESS_LOG
