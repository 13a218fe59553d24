"""Cross-cutting web plumbing shared by every app: URL converters, middleware,
login throttling, API pagination and error handling, the health probe.

It imports no domain app: domain apps import it.
"""
