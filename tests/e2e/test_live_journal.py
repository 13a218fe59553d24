"""Two cell members in two browsers: what one writes, the other sees without reloading."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from crisis import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import clock_at, logged_in_page

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

    writer.click("label.seg-fait")
    writer.fill("#id_text", "Le laboratoire signale que plusieurs applications ne répondent plus.")
    writer.keyboard.press("Enter")  # Enter sends, as a scribe on the phone expects

    # The writer sees it at once; the reader within the 5 seconds promised, by polling.
    writer.locator(".entry", has_text="plusieurs applications ne répondent plus").wait_for(timeout=5000)
    reader.locator(".entry", has_text="plusieurs applications ne répondent plus").wait_for(timeout=5000)
    assert reader.evaluate("window.notReloaded") is True
    assert crisis.journal_entries.filter(text__startswith="Le laboratoire signale", recorded_by=scribe).count() == 1
    # The form is ready for the next entry.
    assert writer.input_value("#id_text") == ""


@pytest.mark.django_db(transaction=True)
def test_a_past_event_typed_as_four_digits_lands_at_its_time_for_both_members(
    browser, live_server, crisis, director, scribe
):
    journal = f"{live_server.url}/crises/{crisis.pk}/main-courante/"
    services.journal_append(crisis=crisis, by=scribe, text="Point de situation en cours")
    reader = logged_in_page(browser, live_server, "director", PASSWORD)
    writer = logged_in_page(browser, live_server, "scribe", PASSWORD)
    reader.goto(journal)
    writer.goto(journal)
    reader.evaluate("window.notReloaded = true")
    earlier = timezone.localtime() - timedelta(minutes=40)
    if earlier.date() != timezone.localdate():  # just after midnight: the event was yesterday
        writer.fill("#id_date", earlier.strftime("%Y-%m-%d"))

    writer.fill("#id_time", earlier.strftime("%H%M"))
    writer.focus("#id_text")
    writer.keyboard.type("Le standard avait signalé une coupure")
    writer.keyboard.press("Alt+u")  # urgent, without leaving the text
    writer.keyboard.press("Enter")

    for page in (writer, reader):
        page.locator(".entry", has_text="avait signalé une coupure").wait_for(timeout=5000)
        texts = page.locator(".entry .text").all_inner_texts()
        # In event-time order the late entry sits below the later ones, not on top.
        assert texts.index("Le standard avait signalé une coupure") > texts.index("Point de situation en cours")
    assert reader.evaluate("window.notReloaded") is True
    entry = crisis.journal_entries.get(text="Le standard avait signalé une coupure")
    assert entry.priority == "urgent" and entry.channel == "non_precise"
    assert timezone.localtime(entry.occurred_at).strftime("%H:%M") == earlier.strftime("%H:%M")


@pytest.mark.django_db(transaction=True)
def test_two_entries_typed_with_the_keyboard_alone_land_as_typed(browser, live_server, crisis, scribe):
    """No click after login: a past event typed "0740", then an urgent one by its key, type and channel kept."""
    with clock_at(timezone.make_aware(datetime.combine(timezone.localdate(), time(19, 45)))):
        page = logged_in_page(browser, live_server, "scribe", PASSWORD)
        page.goto(f"{live_server.url}/crises/{crisis.pk}/main-courante/")
        # The form is ready to type in (autofocus: Chromium applies it after the load, later on a busy machine).
        page.wait_for_function("document.activeElement && document.activeElement.id === 'id_text'")

        page.keyboard.press("Shift+Tab")  # the time box, just before the text
        page.keyboard.type("0740")
        page.keyboard.press("Tab")
        page.keyboard.type("Passage en mode dégradé validé")
        page.keyboard.press("Alt+d")  # décision
        page.keyboard.press("Tab")  # the channel, chosen by its first letter
        page.keyboard.press("t")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        page.locator(".entry", has_text="Passage en mode dégradé validé").wait_for(timeout=5000)
        page.wait_for_function("document.activeElement.id === 'id_text'")  # ready for the next one

        page.keyboard.type("Le standard est saturé")
        page.keyboard.press("Alt+u")  # urgent
        page.keyboard.press("Enter")
        page.locator(".entry.urgent", has_text="Le standard est saturé").wait_for(timeout=5000)

        past = crisis.journal_entries.get(text="Passage en mode dégradé validé")
        urgent = crisis.journal_entries.get(text="Le standard est saturé")
        assert timezone.localtime(past.occurred_at) == timezone.make_aware(
            datetime.combine(timezone.localdate(), time(7, 40))
        )
        assert (past.kind, past.channel, past.priority) == ("decision", "telephone", "normal")
        assert abs(urgent.occurred_at - timezone.now()) < timedelta(minutes=2)  # empty time: now
        # Type and channel stay as last chosen; priority goes back to normal unless its key is pressed.
        assert (urgent.kind, urgent.channel, urgent.priority) == ("decision", "telephone", "urgent")
        assert page.locator(f"#entry-{past.seq} time").inner_text().endswith("07:40")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False])
def test_hints_that_need_javascript_show_only_with_it(browser, live_server, crisis, scribe, javascript):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", "scribe")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/crises/{crisis.pk}/main-courante/")
    for hint in ("Entrée pour ajouter", "Cette page se met à jour toute seule"):
        assert page.get_by_text(hint).is_visible() is javascript, hint
    context.close()
