"""Roster: who holds which role, handovers, fatigue warnings."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crisis import selectors, services
from crisis.models import Shift


def test_a_handover_ends_the_shift_and_links_the_next(crisis, director, scribe):
    shift = services.shift_start(crisis=crisis, by=director, role="secretaire", holder=scribe)
    successor = services.shift_hand_over(
        shift=shift, by=director, to_holder=director, summary="RAS ; 3 actions en cours."
    )
    shift.refresh_from_db()
    assert shift.ended_at is not None and shift.handover_summary == "RAS ; 3 actions en cours."
    assert successor.handed_over_from == shift and successor.ended_at is None
    assert crisis.journal_entries.filter(text__contains="Relève").exists()


def test_a_handover_without_summary_is_refused(crisis, director, scribe):
    shift = services.shift_start(crisis=crisis, by=director, role="secretaire", holder=scribe)
    with pytest.raises(ValidationError) as error:
        services.shift_hand_over(shift=shift, by=director, to_holder=director, summary=" ")
    assert "summary" in error.value.message_dict
    assert Shift.objects.filter(crisis=crisis).count() == 1


def test_a_held_role_cannot_be_started_twice(crisis, director, scribe):
    services.shift_start(crisis=crisis, by=director, role="secretaire", holder=scribe)
    with pytest.raises(ValidationError):
        services.shift_start(crisis=crisis, by=director, role="secretaire", holder=director)


def test_an_outsider_cannot_hold_a_role(crisis, director, outsider):
    with pytest.raises(ValidationError) as error:
        services.shift_start(crisis=crisis, by=director, role="dsi", holder=outsider)
    assert "holder" in error.value.message_dict


def test_it_warns_after_twelve_hours_in_a_row(crisis, director, scribe):
    now = timezone.now()
    first = services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, at=now - timedelta(hours=13))
    # Same person takes another role after 30 minutes: still the same stretch.
    services.shift_end(shift=first, by=director, at=now - timedelta(hours=6))
    services.shift_start(
        crisis=crisis, by=director, role="secretaire", holder=scribe, at=now - timedelta(hours=5, minutes=30)
    )
    (duty,) = selectors.roster(crisis)
    assert duty.over_continuous_limit
    assert duty.hours_on_duty == pytest.approx(13, abs=0.1)
    assert any("12 h" in warning for warning in duty.warnings)


def test_a_real_rest_resets_the_stretch(crisis, director, scribe):
    now = timezone.now()
    first = services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, at=now - timedelta(hours=20))
    services.shift_end(shift=first, by=director, at=now - timedelta(hours=10))
    services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, at=now - timedelta(hours=2))
    (duty,) = selectors.roster(crisis)
    assert not duty.over_continuous_limit
    assert duty.hours_on_duty == pytest.approx(2, abs=0.1)


def _morning(days_ago: int):
    """09:00 local time, days_ago days back: an 8-hour day shift stays within its calendar day."""
    day = timezone.localtime() - timedelta(days=days_ago)
    return day.replace(hour=9, minute=0, second=0, microsecond=0)


def test_it_warns_without_a_rest_day_in_seven(crisis, director, scribe):
    now = timezone.now()
    for days_ago in range(8, 0, -1):
        start = _morning(days_ago)
        shift = services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, at=start)
        services.shift_end(shift=shift, by=director, at=start + timedelta(hours=8))
    services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, at=now - timedelta(hours=1))
    (duty,) = selectors.roster(crisis)
    assert duty.no_rest_day
    assert not duty.over_continuous_limit


def test_one_day_off_in_the_week_clears_the_rest_warning(crisis, director, scribe):
    now = timezone.now()
    for days_ago in (6, 5, 4, 2, 1):  # day 3 off
        start = _morning(days_ago)
        shift = services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, at=start)
        services.shift_end(shift=shift, by=director, at=start + timedelta(hours=8))
    services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, at=now - timedelta(hours=1))
    (duty,) = selectors.roster(crisis)
    assert not duty.no_rest_day


def test_a_shift_is_ended_once_even_from_a_stale_copy(crisis, director, scribe):
    shift = services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe)
    stale_copy = Shift.objects.get(pk=shift.pk)
    services.shift_end(shift=shift, by=director)
    with pytest.raises(ValidationError):
        services.shift_end(shift=stale_copy, by=director)
    assert crisis.journal_entries.filter(text__startswith="Fin de vacation").count() == 1
