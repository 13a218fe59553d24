"""Keyboard and screen-reader behaviours (RGAA 4.1 / WCAG 2.1 AA) that axe cannot see, in Chromium."""

from unittest import mock

import pytest

from crisis import selectors, services
from printing.models import PrintJob
from printing.services import requests as print_requests
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e

ANNOUNCED = "() => document.getElementById('announcer').textContent"


def _line(crisis, director, text="Rappeler les familles des patients transférés."):
    return services.rida_create(crisis=crisis, by=director, text=text)


@pytest.mark.django_db(transaction=True)
def test_the_skip_link_is_the_first_stop_and_takes_the_keyboard_to_the_content(browser, live_server, crisis):
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0  # shown while it has focus
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#contenu"
    assert page.evaluate("() => document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


@pytest.mark.django_db(transaction=True)
def test_arrow_keys_only_choose_a_rida_status_and_enter_saves_it_once_and_says_so(
    browser, live_server, crisis, director
):
    line = _line(crisis, director)
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/rida/")
    changes_before = selectors.history_of(line).count()
    status = page.locator(f"#status-{line.pk}")
    status.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = status.input_value()
    assert chosen != line.status
    page.wait_for_timeout(1500)
    line.refresh_from_db()
    assert line.status == "a_faire"  # nothing saved on the arrow keys
    page.keyboard.press("Enter")
    page.locator(f"#status-{line.pk} option[value={chosen}][selected]").wait_for(state="attached", timeout=5000)
    line.refresh_from_db()
    assert line.status == chosen
    assert selectors.history_of(line).count() == changes_before + 1  # saved once
    page.wait_for_function(f"() => ({ANNOUNCED})().includes('{line.number}')", timeout=3000)
    # Focus stays on the status of that line, and leaving it saves nothing more.
    assert page.evaluate("() => document.activeElement.id") == f"status-{line.pk}"
    page.keyboard.press("Tab")
    page.wait_for_timeout(500)
    line.refresh_from_db()
    assert line.status == chosen


@pytest.mark.django_db(transaction=True)
def test_leaving_a_rida_status_chosen_with_the_keyboard_saves_it(browser, live_server, crisis, director):
    line = _line(crisis, director)
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/rida/")
    page.locator(f"#status-{line.pk}").focus()
    page.keyboard.press("ArrowDown")
    chosen = page.locator(f"#status-{line.pk}").input_value()
    page.keyboard.press("Tab")
    page.locator(f"#status-{line.pk} option[value={chosen}][selected]").wait_for(state="attached", timeout=5000)
    line.refresh_from_db()
    assert line.status == chosen


@pytest.mark.django_db(transaction=True)
def test_a_live_refresh_keeps_the_focus_on_the_link_it_replaced(browser, live_server, crisis, director):
    first, second = _line(crisis, director), _line(crisis, director, "Commander des imprimés de secours.")
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/rida/")
    link = page.locator(f"#rida-{first.pk} a").first
    link.focus()
    href = link.get_attribute("href")
    page.evaluate(
        "() => { window.refreshed = false; document.body.addEventListener('htmx:afterSettle', () => { window.refreshed = true; }); }"
    )
    services.rida_update(line=second, by=director, text="Commander des imprimés de secours (200).")
    page.wait_for_function("() => window.refreshed", timeout=12000)
    page.locator(f"#rida-{second.pk}", has_text="(200)").wait_for(timeout=5000)
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == href


@pytest.mark.django_db(transaction=True)
def test_an_error_on_the_journal_time_puts_focus_on_the_time_not_the_text(browser, live_server, crisis):
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/main-courante/")
    page.fill("#id_time", "2599")
    page.fill("#id_text", "Appel du laboratoire.")
    page.focus("#id_text")
    page.keyboard.press("Enter")
    page.locator("#id_time_error").wait_for(timeout=5000)
    page.wait_for_function("() => document.activeElement.id === 'id_time'", timeout=3000)


@pytest.mark.django_db(transaction=True)
def test_a_print_job_becoming_ready_is_said_in_a_region_that_stays(browser, live_server, crisis, director):
    with mock.patch.object(print_requests, "dispatch_on_commit"):
        job = print_requests.print_job_request(
            establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
        )
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/impressions/{job.pk}/")
    assert page.locator("progress").get_attribute("aria-label")
    PrintJob.objects.filter(pk=job.pk).update(status=PrintJob.Status.FAILED, error="Serveur d'impression absent.")
    page.wait_for_function(f"() => ({ANNOUNCED})().includes('échoué')", timeout=8000)


@pytest.mark.django_db(transaction=True)
def test_the_meetings_five_minute_warning_and_its_overrun_are_said_when_they_happen(
    browser, live_server, crisis, director
):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=now, max_minutes=6)
    # 6-minute point opened 50 s ago: the warning (5 minutes before the end) comes in 10 s, the end 5 min later.
    services.meeting_start(meeting=meeting, by=director, at=now - timedelta(seconds=50))
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/points/{meeting.pk}/")
    assert page.evaluate(ANNOUNCED) == ""  # nothing said on arrival
    page.wait_for_function(f"() => ({ANNOUNCED})().includes('5 minutes')", timeout=15000)
    # The overrun: the same page, its end moved to a second from now.
    page.evaluate(
        """() => { const c = document.querySelector('[data-countdown-end]');
                   c.dataset.countdownEnd = new Date(Date.now() + 1000).toISOString(); }"""
    )
    page.wait_for_function(f"() => ({ANNOUNCED})().length > 0 && !({ANNOUNCED})().includes('5 minutes')", timeout=5000)
    assert "dépassé" in page.evaluate(ANNOUNCED)


@pytest.mark.django_db(transaction=True)
def test_a_dashboard_refresh_keeps_the_focus_on_the_link_it_replaced(browser, live_server, crisis, director):
    line = _line(crisis, director)
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/")
    link = page.locator("#decisions-card a", has_text="RIDA →")
    link.focus()
    page.evaluate(
        "() => { window.refreshed = false;"
        " document.body.addEventListener('htmx:afterSettle', () => { window.refreshed = true; }); }"
    )
    services.rida_update(line=line, by=director, owner=director)  # "mes actions" moves on the dashboard
    page.wait_for_function("() => window.refreshed", timeout=15000)
    assert page.evaluate("() => document.activeElement.closest('#decisions-card') !== null")
    assert page.evaluate("() => document.activeElement.textContent") == "RIDA →"
