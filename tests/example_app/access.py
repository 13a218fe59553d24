"""Who may do what with the consignes, in the core's capabilities."""

from crisis.permissions import Cap

READ = Cap.WRITE_JOURNAL  # the cell's working members; not the ARS observer
WRITE = Cap.MANAGE_RIDA
