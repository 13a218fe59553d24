"""REST API of tickets and alerts: one module per sub-domain."""
