"""The meeting's countdown, as the cell sees it: no warning at first, the 5-minute warning near the end, late after."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crisis import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


def running_meeting(crisis, director, minutes_ago: int):
    started = timezone.now() - timedelta(minutes=minutes_ago)
    point = services.meeting_create(crisis=crisis, by=director, scheduled_at=started)
    return services.meeting_start(meeting=point, by=director, at=started)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("minutes_ago", "warning_visible", "overdue"),
    [(0, False, False), (26, True, False), (31, True, True)],
    ids=["just-opened", "five-minutes-left", "over-time"],
)
def test_the_five_minute_warning_shows_only_in_the_last_five_minutes(
    browser, live_server, crisis, director, minutes_ago, warning_visible, overdue
):
    point = running_meeting(crisis, director, minutes_ago)
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/points/{point.pk}/")
    page.wait_for_timeout(1200)  # one tick of the countdown in the browser
    assert page.locator(".countdown-warning").is_visible() is warning_visible
    assert ("overdue" in page.locator(".countdown").get_attribute("class")) is overdue


@pytest.mark.django_db(transaction=True)
def test_an_element_with_the_hidden_attribute_stays_hidden_whatever_its_class(browser, live_server, crisis, director):
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/")
    for cls in ("warning", "button", "tag", "status", "phase", "counters", "actions"):
        page.evaluate(
            "cls => { const el = document.createElement('p'); el.className = cls; el.hidden = true;"
            " el.id = 'probe-' + cls; el.textContent = cls; document.body.append(el); }",
            cls,
        )
        assert page.locator(f"#probe-{cls}").is_visible() is False, cls
