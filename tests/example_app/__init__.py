"""A small feature that lives only in the test tree: it shows what an app needs to plug into the core.

"Consignes de service": instructions an establishment gives its services during a crisis
(establishment-scoped records with history). The app declares a live page with its navigation
entry, a card on the establishment's home, an API and a printable document, and touches
nothing outside its own folder: tests/settings.py installs it (tests only).
"""
