"""Beds: care units' rooms and beds, patient movements (fiches navettes), the census.

Patient data stays behind this app's boundary, every view of it logged. Created empty: its
issue fills it. Units are the establishment's services that have beds (crisis.models.Service).
"""
