"""An exercise played in three browsers: the animator delivers the shared scenario's first injects,
a player sees them arrive in the journal without reloading, an observer marks a reaction. The next
inject shows on the animator's page at its time, not before, without reloading either."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from crisis.models import JournalEntry
from preparedness import scenarios, services
from preparedness.models import Inject
from tests.conftest import PASSWORD
from tests.e2e.accessibility import check_page
from tests.e2e.conftest import clock_at, logged_in_page

pytestmark = pytest.mark.e2e

SCENARIO = Path(__file__).resolve().parents[2] / "preparedness" / "scenarios_data" / "ransomware-night.json"


@pytest.mark.django_db(transaction=True)
def test_the_animator_plays_a_player_reads_an_observer_marks(browser, live_server, exercise, director, scribe, pris):
    lines = scenarios.lines_of(json.loads(SCENARIO.read_text("utf-8")))
    services.injects_import(crisis=exercise, by=director, lines=lines)
    services.exercise_start(crisis=exercise, by=director, minutes_before_now=265)  # #1 (+240) and #2 (+265) due
    player_url = f"{live_server.url}/crises/{exercise.pk}/exercice/"

    animator = logged_in_page(browser, live_server, "director", PASSWORD)
    player = logged_in_page(browser, live_server, "pris", PASSWORD)
    observer = logged_in_page(browser, live_server, "scribe", PASSWORD)
    player.goto(f"{live_server.url}/crises/{exercise.pk}/main-courante/")
    player.evaluate("window.notReloaded = true")
    animator.goto(player_url)
    assert animator.locator(".exercise-banner").is_visible()
    assert not check_page(animator, "player"), check_page(animator, "player")
    assert animator.locator("#player-live", has_text="Fichiers renommés").count() == 1
    assert animator.locator("#player-live", has_text="Coupure des accès internet").count() == 0  # +275: not yet

    # The animator delivers the first two, from the keyboard.
    for number in (1, 2):
        button = animator.get_by_role("button", name=f"Livrer l'inject n° {number}")
        button.focus()
        animator.keyboard.press("Enter")
        animator.wait_for_load_state()
        animator.get_by_text(f"Inject n° {number} livré dans la main courante.").wait_for(timeout=5000)

    # The player sees both in the journal, from their simulated senders, without reloading.
    player.locator(".entry", has_text="Le laboratoire signale un problème").wait_for(timeout=8000)
    player.locator(".entry", has_text="All your files are encrypted").wait_for(timeout=8000)
    assert player.locator(".entry", has_text="Biologiste de garde").count() == 1
    assert player.evaluate("window.notReloaded") is True
    assert JournalEntry.objects.filter(crisis=exercise, source__startswith="Exercice").count() == 2

    # The third inject (+275) appears on the animator's page at its time, by polling.
    animator.evaluate("window.notReloaded = true")
    with clock_at(timezone.now() + timedelta(minutes=11)):
        animator.locator("#player-live", has_text="Coupure des accès internet").wait_for(timeout=8000)
    assert animator.evaluate("window.notReloaded") is True

    # An observer marks the reaction to the first inject: late, with a comment.
    first = Inject.objects.get(crisis=exercise, number=1)
    observer.goto(player_url)
    form = observer.locator(f"#inject-{first.pk} form.observe-form")
    form.locator("label.seg", has_text="en retard").click()
    form.get_by_label("Commentaire").fill("Main courante ouverte à +12 min")
    form.get_by_role("button", name="Noter").click()
    observer.get_by_text("Observation de l'inject n° 1 enregistrée.").wait_for(timeout=5000)
    first.refresh_from_db()
    assert (first.observation, first.observation_comment, first.observed_by) == (
        "en_retard",
        "Main courante ouverte à +12 min",
        scribe,
    )
    assert not check_page(observer, "player observed"), check_page(observer, "player observed")
    for page in (animator, player, observer):
        page.context.close()
