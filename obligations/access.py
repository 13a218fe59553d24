"""Who may do what with obligations, costs and the RETEX, in the core's capabilities."""

from crisis.permissions import Cap

READ = Cap.READ
WRITE = Cap.DECIDE  # marking an obligation done, a cost, the RETEX: the crisis's deciders
EXPORT = Cap.PRINT
