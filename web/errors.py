"""Errors a domain service raises that are a refusal, not a crash."""


class RefusedWrite(Exception):
    """A write the data model refuses by design (an append-only record): the API answers 409."""
