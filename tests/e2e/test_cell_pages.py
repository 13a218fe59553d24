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


@pytest.mark.django_db(transaction=True)
def test_the_observer_is_told_once_that_he_only_reads_and_gets_no_link_to_an_action(
    browser, live_server, crisis, director, scribe, observer
):
    entry = services.journal_append(crisis=crisis, by=scribe, kind="decision", text="Activation de la cellule.")
    services.rida_create(crisis=crisis, by=director, text="Prévenir la pharmacie.", owner=scribe)
    closure = services.decision_record(
        crisis=crisis,
        by=director,
        gate="urgences_fermees",
        occurred_at=timezone.now() - timedelta(hours=13),
        reassess_at=timezone.now() - timedelta(hours=1),
    )
    point = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    base = f"{live_server.url}/crises/{crisis.pk}"
    reader = logged_in_page(browser, live_server, "observer", PASSWORD)
    for path in ("/main-courante/", f"/main-courante/{entry.seq}/", "/rida/", f"/points/{point.pk}/", "/decisions/"):
        reader.goto(base + path)
        assert reader.get_by_text("Lecture seule", exact=True).count() == 1, path
        body = reader.inner_text("main") if reader.locator("main").count() else reader.inner_text("body")
        for action in ("suite à donner", "enregistrer comme décision", "réévaluer", "Mes actions", "Nouvelle ligne"):
            assert action not in body, (path, action)
    writer = logged_in_page(browser, live_server, "director", PASSWORD)
    writer.goto(base + "/main-courante/")
    assert writer.get_by_text("Lecture seule", exact=True).count() == 0
    typed = writer.locator(f"#entry-{entry.seq}")
    gates_own = writer.locator(f"#entry-{closure.journal_entry.seq}")
    assert typed.get_by_text("enregistrer comme décision").count() == 1
    assert gates_own.get_by_text("enregistrer comme décision").count() == 0  # already a decision
