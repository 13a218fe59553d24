import pytest
from django.utils import timezone

from preparedness import scenarios, services


@pytest.fixture
def clock(monkeypatch):
    """Move the server's clock: clock.move(minutes=31). Only django.utils.timezone.now moves."""

    class Clock:
        offset = timezone.timedelta(0)
        real = staticmethod(timezone.now)

        def move(self, **delta):
            self.offset += timezone.timedelta(**delta)

    state = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + state.offset)
    return state


@pytest.fixture
def played(exercise, director):
    """The exercise with two injects at +0 and +30 min, its clock started now."""
    lines = scenarios.lines_of(
        [
            {
                "t": 0,
                "from": "Biologiste de garde",
                "to": "DSI",
                "channel": "téléphone",
                "text": "Le labo ne répond plus.",
                "expected": "Ouvrir la main courante.",
            },
            {
                "t": 30,
                "from": "SOC",
                "to": "RSSI",
                "channel": "alerte",
                "kind": "fait",
                "text": "Chiffrement en cours.",
                "expected": "Isoler.",
            },
        ]
    )
    services.injects_import(crisis=exercise, by=director, lines=lines)
    services.exercise_start(crisis=exercise, by=director)
    return exercise
