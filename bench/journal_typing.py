"""Benchmark: the keystrokes and clicks it takes to type the night's first eleven events in the main courante.

    .venv/bin/python bench/journal_typing.py [--screenshot /tmp/typing-shots/journal.png]

A real headless Chromium (Debian's, as in tests/e2e) drives the console served on a
throwaway database (SQLite file by default, PostgreSQL when DATABASE_URL is set) by the
browser tests' live server. A secretary, logged in once (not counted), types the first
eleven injects of the scenario (crisis/demo/ransomware-night.json, the project's copy of
the shared one) as a practised one would, keyboard only: the time of each past event as
four digits ("0330"), the text, Alt + a letter for the type and the priority when they
differ from what the form shows, the channel by its first letter, the sender and the
recipient, Enter to send. Every key and every click goes through the counting wrappers
of `Counted`; a chord (Alt+U, Shift+Tab) counts as one key; a character of text counts
as one key (capitals and accented letters included, as on a French keyboard).

Each entry is then read back from the database (time, type, channel, priority, sender,
recipient, author) and looked for on the page; any difference stops the script. It
prints a table per entry, the totals and averages, and the figures of issue #7 beside
them (878 keys and 72 clicks for eleven events of the same night, before the quick-entry form).

The events are dated the day the script runs and the server's clock is moved to 19:45
that day (only the clock: a constant offset on django.utils.timezone.now), so that
"0300" to "1100" are past times of today, whatever the hour the script is run at.
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
# Playwright's sync API runs an event loop in this thread; the ORM calls here are not async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import live_server, throwaway_database  # noqa: E402
from crisis.demo.seed import SCENARIO  # noqa: E402
from crisis.forms import KIND_KEYS, PRIORITY_KEYS  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, clock_at, logged_in_page  # noqa: E402

ENTRIES = 11
T0 = time(23, 0)  # the scenario's T0: Sunday 23:00, injects are minutes after it
TYPED_AT = time(19, 45)  # when the secretary types the night in (the session did the same)
PASSWORD = "bench-typing"
# Issue #7: eleven events of the same night, typed before the quick-entry form.
BEFORE = {"keys": 878, "clicks": 72, "time_keys_per_entry": 13}
# What the channel <select> jumps to when its first letter is typed (type-ahead), by code.
CHANNEL_LETTERS = {"telephone": "t", "sur_site": "s", "reunion": "r", "papier": "p", "messagerie": "m", "autre": "a"}
GROUPS = ("text", "time", "names", "form")


@dataclass
class Tally:
    keys: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))
    clicks: int = 0

    @property
    def total(self) -> int:
        return sum(self.keys.values())


class Counted:
    """The only way the script touches the page: every key and click is counted for the current entry."""

    def __init__(self, page):
        self.page = page
        self.tallies: list[Tally] = []

    def next_entry(self) -> None:
        self.tallies.append(Tally())

    def type(self, text: str, group: str) -> None:
        for character in text:
            self.page.keyboard.type(character)
            self.tallies[-1].keys[group] += 1

    def press(self, key: str, group: str = "form") -> None:
        self.page.keyboard.press(key)
        self.tallies[-1].keys[group] += 1

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.tallies[-1].clicks += 1


def injects() -> list[dict]:
    """The first eleven injects, each with its local time of the night (the day the script runs)."""
    night = json.loads(SCENARIO.read_text(encoding="utf-8"))["injects"][:ENTRIES]
    t0 = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), T0))
    for inject in night:
        inject["at"] = timezone.localtime(t0 + timedelta(minutes=inject["t"]))
    assert all(inject["at"].date() == timezone.localdate() for inject in night), "the eleven are not all of one day"
    return night


def seed():
    from django.contrib.auth import get_user_model

    from crisis import services
    from crisis.models import Establishment, Membership, Role

    establishment = Establishment.objects.create(name="CH banc de saisie", short_name="BENCH-SAISIE")
    secretary = get_user_model().objects.create_user(
        "secretaire", password=PASSWORD, first_name="Sophie", last_name="Garnier"
    )
    Membership.objects.create(user=secretary, establishment=establishment, role=Role.SECRETAIRE)
    crisis = services.crisis_create(establishment=establishment, by=secretary, title="Rançongiciel de nuit")
    return crisis, secretary


def form_state(page) -> dict:
    """What the form shows now (read, not typed: reading costs the secretary nothing)."""
    return page.evaluate(
        """() => ({
            kind: document.querySelector("#entry-form input[name=kind]:checked")?.value,
            priority: document.querySelector("#entry-form input[name=priority]:checked")?.value,
            channel: document.querySelector("#id_channel").value,
            focused: document.activeElement && document.activeElement.id,
        })"""
    )


def type_entry(counted: Counted, inject: dict) -> None:
    """One entry the way a practised secretary types it, from the text box the form focuses."""
    page = counted.page
    counted.next_entry()
    state = form_state(page)
    if state["focused"] != "id_text":
        counted.click("#id_text")
    counted.press("Shift+Tab")  # the time box is just before the text
    counted.type(inject["at"].strftime("%H%M"), "time")
    counted.press("Tab")
    counted.type(inject["text"], "text")
    if state["kind"] != inject["kind"]:
        counted.press(f"Alt+{KIND_KEYS[inject['kind']]}")
    if state["priority"] != inject["priority"]:
        counted.press(f"Alt+{PRIORITY_KEYS[inject['priority']]}")
    counted.press("Tab")  # to the channel
    if state["channel"] != inject["channel"]:
        counted.press(CHANNEL_LETTERS[inject["channel"]])
    counted.press("Tab")
    counted.type(inject["from"], "names")
    counted.press("Tab")
    counted.type(inject["to"], "names")
    choices = form_state(page)
    if (choices["kind"], choices["priority"], choices["channel"]) != tuple(
        inject[name] for name in ("kind", "priority", "channel")
    ):
        raise AssertionError(f"the form shows {choices} before sending {inject['text'][:40]!r}")
    counted.press("Enter")  # sends (htmx); the fresh form comes back focused on the text
    page.locator(".entry .text", has_text=inject["text"]).wait_for(timeout=10_000)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_text'")


def check_landed(crisis, secretary, night: list[dict], page) -> None:
    """Every entry is in the database as typed, and on the page."""
    entries = {entry.text: entry for entry in crisis.journal_entries.filter(recorded_by=secretary, corrects=None)}
    for inject in night:
        entry = entries.get(inject["text"])
        assert entry is not None, f"missing: {inject['text'][:50]}"
        landed = {
            "at": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d %H:%M"),
            **{name: getattr(entry, name) for name in ("kind", "channel", "priority", "sender", "recipient")},
        }
        expected = {
            "at": inject["at"].strftime("%Y-%m-%d %H:%M"),
            **{name: inject[name] for name in ("kind", "channel", "priority")},
            "sender": inject["from"],
            "recipient": inject["to"],
        }
        assert landed == expected, f"{inject['text'][:50]}: {landed} != {expected}"
    shown = page.locator(".entry .text").all_inner_texts()
    assert all(inject["text"] in shown for inject in night), "an entry is missing from the page"


def report(night: list[dict], tallies: list[Tally]) -> None:
    print(f"database: {connection.vendor}; {len(night)} entries typed in Chromium, keyboard only")
    head = f"{'#':>3} {'time':>5} {'type':<13} {'channel':<10} {'priority':<7} {'text':>5} {'time':>5} {'names':>6} {'form':>5} {'keys':>5} {'excl. text':>10} {'clicks':>6}"
    print(head)
    for n, (inject, tally) in enumerate(zip(night, tallies, strict=True), 1):
        k = tally.keys
        print(
            f"{n:>3} {inject['at']:%H:%M} {inject['kind']:<13} {inject['channel']:<10} {inject['priority']:<7}"
            f" {k['text']:>5} {k['time']:>5} {k['names']:>6} {k['form']:>5} {tally.total:>5} {tally.total - k['text']:>10} {tally.clicks:>6}"
        )
    totals = {group: sum(t.keys[group] for t in tallies) for group in GROUPS}
    keys, clicks = sum(totals.values()), sum(t.clicks for t in tallies)
    count = len(tallies)
    line = f"{totals['text']:>5} {totals['time']:>5} {totals['names']:>6} {totals['form']:>5} {keys:>5} {keys - totals['text']:>10} {clicks:>6}"
    print(f"{'total':<44}{line}")
    average = " ".join(
        f"{value / count:>{width}.1f}"
        for value, width in zip(
            [*totals.values(), keys, keys - totals["text"], clicks], (5, 5, 6, 5, 5, 10, 6), strict=True
        )
    )
    print(f"{'per entry':<44}{average}")
    form = totals["time"] + totals["form"]
    print(
        f"\nnow: {keys} keys ({keys / count:.0f} per entry); without the text {keys - totals['text']}"
        f" ({(keys - totals['text']) / count:.1f} per entry): the names {totals['names']}"
        f" ({totals['names'] / count:.1f}), the form itself (time, type, priority, channel, moving, sending) {form}"
        f" ({form / count:.1f} per entry, {totals['time'] / count:.0f} of them the time, none the date); {clicks} clicks"
    )
    print(
        f"before (issue #7, eleven events of that night; how its keys split was not recorded beyond the date and time):"
        f" {BEFORE['keys']} keys ({BEFORE['keys'] / count:.0f} per entry, {BEFORE['time_keys_per_entry']} of them the"
        f" date and time), {BEFORE['clicks']} clicks ({BEFORE['clicks'] / count:.1f} per entry)"
    )


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--screenshot", "var/bench-smoke/journal-typing.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", default="/tmp/typing-shots/journal.png", help="the journal page afterwards")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    evening = timezone.make_aware(datetime.combine(timezone.localdate(), TYPED_AT))
    with throwaway_database("typing"), clock_at(evening), live_server() as server, sync_playwright() as playwright:
        night = injects()
        crisis, secretary = seed()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = logged_in_page(browser, server, secretary.username, PASSWORD)
            page.goto(f"{server.url}/crises/{crisis.pk}/main-courante/")
            counted = Counted(page)
            for inject in night:
                type_entry(counted, inject)
            check_landed(crisis, secretary, night, page)
            Path(args.screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.screenshot, full_page=True)
        finally:
            browser.close()
            # Playwright's greenlet gets a connection of its own: closed here, or PostgreSQL refuses the drop.
            connection.close()
        report(night, counted.tallies)
        print(f"every entry checked in the database and on the page; screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
