"""What the cell sees on its pages, at the widths of its laptops (1366 and 1024 px)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crisis import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e

WIDTHS = [1366, 1024]


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_planning_a_point_keeps_the_fields_up_and_the_daily_slot_on_one_line(
    browser, live_server, crisis, director, scribe, width
):
    services.meeting_create(
        crisis=crisis,
        by=director,
        title="Point technique quotidien",
        kind="point_technique",
        scheduled_at=timezone.now() + timedelta(hours=2),
        repeats_daily=True,
    )
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/crises/{crisis.pk}/points/")
    assert "quotidien quotidien" not in page.inner_text("table").replace("\n", " ")
    kind, scheduled, chair = box(page, ".field-kind"), box(page, ".field-scheduled_at"), box(page, ".field-chair")
    assert abs(scheduled["y"] - kind["y"]) < 5 and abs(chair["y"] - kind["y"]) < 5  # one line of short fields
    attendees, guests = box(page, ".field-attendees"), box(page, ".field-guests")
    assert guests["y"] < attendees["y"] + attendees["height"]  # beside the list, not pushed below it
    daily = box(page, ".field-repeats_daily label")
    assert daily["height"] < 30  # one line, not four


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_rida_table_shows_status_and_owner_each_under_its_heading_and_numbers_on_one_line(
    browser, live_server, crisis, director, scribe, width
):
    for n in range(12):
        services.rida_create(crisis=crisis, by=director, text=f"Action {n} " + "texte long " * 12, owner=scribe)
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/crises/{crisis.pk}/rida/")
    headers = page.locator(".rida-table thead th")
    status_head, owner_head = headers.nth(5).bounding_box(), headers.nth(6).bounding_box()
    row = page.locator(".rida-table tbody tr").first
    status_cell, owner_cell = row.locator("td.status-cell").bounding_box(), row.locator("td.owner-cell").bounding_box()
    assert abs(status_cell["x"] - status_head["x"]) < 2 and abs(owner_cell["x"] - owner_head["x"]) < 2
    assert row.locator("td.owner-cell select").is_visible()
    number = row.locator("td.number a").bounding_box()
    line_height = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td.number a')).lineHeight)")
    assert number["height"] < 1.5 * line_height  # "RIDA-012", never "RIDA-/012"
