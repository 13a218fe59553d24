"""A member turns a journal entry into a RIDA action and changes its status inline; another sees it live."""

import pytest

from crisis import services
from crisis.models import RidaLine
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_an_action_made_from_an_entry_and_its_inline_status_reach_another_member_without_reload(
    browser, live_server, crisis, director, scribe
):
    entry = services.journal_append(crisis=crisis, by=scribe, text="Les familles ne joignent plus les chambres.")
    rida = f"{live_server.url}/crises/{crisis.pk}/rida/"
    reader = logged_in_page(browser, live_server, "director", PASSWORD)
    writer = logged_in_page(browser, live_server, "scribe", PASSWORD)
    reader.goto(rida)
    reader.evaluate("window.notReloaded = true")

    # "Suite à donner": one click on the entry's page, the form comes prefilled with the entry.
    writer.goto(f"{live_server.url}/crises/{crisis.pk}/main-courante/{entry.seq}/")
    assert writer.input_value("#suite_text") == entry.text
    writer.click("#follow-up-form button[type=submit]")
    writer.locator("#suite a", has_text="RIDA-001").wait_for(timeout=5000)
    line = RidaLine.objects.get()
    assert line.source_entry_id == entry.pk

    # The other member's table shows it by polling, without a reload.
    row = reader.locator(f"#rida-{line.pk}")
    row.wait_for(timeout=12000)

    # Inline status change, in place (htmx), then seen by the other member.
    writer.goto(rida)
    writer.select_option(f"#status-{line.pk}", "en_cours")
    writer.press(f"#status-{line.pk}", "Enter")  # a choice is saved on Enter or on leaving the field
    writer.locator(f"#status-{line.pk} option[value=en_cours][selected]").wait_for(state="attached", timeout=5000)
    assert writer.url == rida
    reader.locator(f"#status-{line.pk} option[value=en_cours][selected]").wait_for(state="attached", timeout=12000)
    assert reader.evaluate("window.notReloaded") is True
    line.refresh_from_db()
    assert line.status == "en_cours"


@pytest.mark.django_db(transaction=True)
def test_a_rows_owner_select_takes_the_pages_one_member_list_when_used_and_enter_saves_the_choice(
    browser, live_server, crisis, director, scribe, observer
):
    line = services.rida_create(crisis=crisis, by=director, text="Appeler le biomédical.", owner=director)
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/rida/")
    owner = page.locator(f"#owner-{line.pk}")
    assert owner.locator("option").count() == 2  # the blank and its owner: the row carries no member list
    owner.focus()
    assert owner.locator("option").count() == 1 + 3  # filled from the page's list on focus
    assert owner.input_value() == str(director.pk)
    page.keyboard.press("ArrowDown")  # the keyboard only chooses...
    page.wait_for_timeout(800)
    line.refresh_from_db()
    assert line.owner == director
    chosen = owner.input_value()
    page.keyboard.press("Enter")  # ...and Enter saves
    page.locator(f"#owner-{line.pk} option[value='{chosen}'][selected]").wait_for(state="attached", timeout=5000)
    line.refresh_from_db()
    assert str(line.owner_id) == chosen
    assert page.evaluate("() => document.activeElement.id") == f"owner-{line.pk}"
