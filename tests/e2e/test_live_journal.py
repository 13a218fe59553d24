"""Two cell members in two browsers: what one writes, the other sees without reloading."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_an_entry_posted_by_one_member_appears_for_the_other_without_reload(
    browser, live_server, crisis, director, scribe
):
    journal = f"{live_server.url}/crises/{crisis.pk}/main-courante/"
    reader = logged_in_page(browser, live_server, "director", PASSWORD)
    writer = logged_in_page(browser, live_server, "scribe", PASSWORD)
    reader.goto(journal)
    writer.goto(journal)
    reader.evaluate("window.notReloaded = true")

    writer.select_option("#id_kind", "fait")
    writer.fill("#id_text", "Le laboratoire signale que plusieurs applications ne répondent plus.")
    writer.keyboard.press("Enter")  # Enter sends, as a scribe on the phone expects

    # The writer sees it at once; the reader within the 5 seconds promised, by polling.
    writer.locator(".entry", has_text="plusieurs applications ne répondent plus").wait_for(timeout=5000)
    reader.locator(".entry", has_text="plusieurs applications ne répondent plus").wait_for(timeout=5000)
    assert reader.evaluate("window.notReloaded") is True
    assert crisis.journal_entries.filter(text__startswith="Le laboratoire signale", recorded_by=scribe).count() == 1
    # The form is ready for the next entry.
    assert writer.input_value("#id_text") == ""
