"""A live page never pauses silently: refreshed under a form being typed elsewhere, held (and said) inside."""

import pytest

from crisis import services
from crisis.models import RidaLine
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_typing_in_the_filters_does_not_stop_new_lines_from_arriving(browser, live_server, crisis, director, scribe):
    page = logged_in_page(browser, live_server, "scribe", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/rida/")
    page.click("#filtre_q")  # the filter bar's search: a form outside the live table
    page.keyboard.type("pharm")
    line = services.rida_create(crisis=crisis, by=director, text="Prévenir la pharmacie.")
    page.locator(f"#rida-{line.pk}").wait_for(timeout=12000)
    assert page.evaluate("document.activeElement.id") == "filtre_q"
    assert page.input_value("#filtre_q") == "pharm"


@pytest.mark.django_db(transaction=True)
def test_a_refresh_held_while_a_rows_status_is_focused_is_said_with_its_count_and_applied_on_request(
    browser, live_server, crisis, director, scribe
):
    first = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/rida/")
    page.focus(f"#status-{first.pk}")
    second = services.rida_create(crisis=crisis, by=director, text="Prévenir la pharmacie.")
    services.rida_create(crisis=crisis, by=director, text="Prévenir la cuisine.")
    note = page.locator("#rida-live-paused")
    note.wait_for(timeout=12000)
    assert "Mises à jour en pause" in note.inner_text() and "2 changements" in note.inner_text()
    assert page.locator(f"#rida-{second.pk}").count() == 0  # held: the row being edited has not moved
    note.get_by_role("button").click()
    page.locator(f"#rida-{second.pk}").wait_for(timeout=5000)
    assert page.locator("#rida-live-paused").count() == 0
    assert RidaLine.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_dashboard_refresh_held_while_the_phase_form_is_focused_is_said_and_applied_on_request(
    browser, live_server, crisis, director
):
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/")
    page.focus("#card-situation input[name=note]")  # the phase form's reason: a form of the cards has the focus
    services.journal_append(crisis=crisis, by=director, text="Le standard ne répond plus.", priority="urgent")
    note = page.locator("#dashboard-cards-paused")
    note.wait_for(timeout=15000)
    assert "Mises à jour en pause" in note.inner_text()
    assert page.locator("#card-urgent", has_text="Le standard ne répond plus").count() == 0  # held
    note.get_by_role("button").click()
    page.locator("#card-urgent", has_text="Le standard ne répond plus").wait_for(timeout=5000)
    assert page.locator("#dashboard-cards-paused").count() == 0
