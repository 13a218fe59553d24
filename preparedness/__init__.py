"""Preparedness: being ready before the night.

The readiness page per establishment and GHT, exercises with their injects and observations,
awareness campaigns. The top layer: reads everything. Created empty: its issue fills it.
"""
