"""Obligations: what the establishment owes and must prove.

Regulatory clocks and pre-filled reports, the evidence file, the journal chain's checks, costs,
the RETEX and its action plan. Reads every app below it. Created empty: its issue fills it.
"""
