"""Real headless Chromium (Debian's package) driven by Playwright; no downloaded browser."""

import os
from contextlib import contextmanager
from datetime import datetime

import pytest
from django.utils import timezone

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop; Django must allow its ORM calls in tests meanwhile.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def logged_in_page(browser, live_server, username: str, password: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


@contextmanager
def clock_at(moment: datetime):
    """The server's clock moved by a constant offset to `moment` (it keeps ticking).

    The live server runs in this process: "0740" can be typed as a past time of today
    whatever the hour the tests run at. Only calls to django.utils.timezone.now move; model
    defaults bound at import (`default=timezone.now`), the database and the browser keep theirs.
    """
    real_now = timezone.now
    offset = moment - real_now()
    timezone.now = lambda: real_now() + offset
    try:
        yield
    finally:
        timezone.now = real_now
