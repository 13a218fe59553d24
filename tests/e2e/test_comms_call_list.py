"""A call list worked through in the browser: a second member's page shows the outcome without a reload."""

import pytest

from comms import services
from crisis.models import Service
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_an_outcome_noted_by_one_member_shows_on_another_s_page(
    browser, live_server, crisis, establishment, director, scribe
):
    urgences = Service.objects.get(establishment=establishment, name="Urgences")
    people = [
        services.entry_create(establishment=establishment, by=director, last_name=name, service=urgences, mobile=mobile)
        for name, mobile in (("Lefèvre", "06 12 34 56 01"), ("Çelik", ""))
    ]
    the_list = services.call_list_create(crisis=crisis, by=director, title="Rappel des urgences", people=people)
    path = f"{live_server.url}/crises/{crisis.pk}/communication/appels/{the_list.pk}/"
    watcher = logged_in_page(browser, live_server, "director", PASSWORD)
    watcher.goto(path)
    assert "à appeler : 2" in watcher.inner_text("#call-list-live")

    caller = logged_in_page(browser, live_server, "scribe", PASSWORD)
    caller.goto(path)
    first = the_list.calls.order_by("position").first()
    caller.select_option(f"#appel_{first.pk}_outcome", "vient")
    caller.fill(f"#appel_{first.pk}_arrival", "20 min")
    caller.click(f"#appel-{first.pk} button[type=submit]")
    caller.wait_for_url(f"{path}#appel-{first.pk}")
    assert "vient" in caller.inner_text(f"#appel-{first.pk}")

    # The watcher's page polls every 10 s on the comms topic and swaps the list in place.
    from playwright.sync_api import expect

    expect(watcher.locator("#call-list-live")).to_contain_text("20 min", timeout=25_000)
    assert "viennent : 1" in watcher.inner_text("#call-list-live")
    watcher.context.close()
    caller.context.close()
