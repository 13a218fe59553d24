"""Who may do what in comms, in the core's capabilities."""

from crisis.permissions import Cap

READ = Cap.READ  # the directory, call lists, bulletins, messages: every member, the ARS observer included
WRITE = Cap.WRITE_JOURNAL  # edit the directory, work a call list, draft, log a call, record a receipt
PUBLISH = Cap.PUBLISH_COMMS  # approve and publish messages, validate and publish Flash info
IMPORT = Cap.ADMINISTER  # replace the directory from a CSV file
