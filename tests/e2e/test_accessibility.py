"""RGAA 4.1 / WCAG 2.1 AA: every page of the console passes axe-core and our id checks.

For a writer (the crisis director, in French) and a read-only member (the observer, in
English), with every folded part open, and again with each form sent in error. The pages come
from the URL resolver (tests/e2e/accessibility.py): a new page is covered without being listed.
"""

import time
from unittest import mock

import pytest
from django.test import Client

from crisis.demo.seed import DEMO_CRISIS_TITLE, seed_demo
from crisis.models import Crisis, JournalEntry, Meeting, RidaLine, Shift
from printing import registry
from printing.models import PrintJob
from printing.services import requests as print_requests
from tests.conftest import PASSWORD
from tests.e2e import accessibility
from tests.e2e.accessibility import check_page, html_pages, visit_all
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


def id_values(crisis: Crisis, job: PrintJob) -> dict[str, list]:
    """Demo values for every kind of id found in the console's URLs: the core's here, each app's from its tests."""
    core = {
        "crisis_id": [crisis.pk],
        "establishment_id": [crisis.establishment_id],
        "seq": [JournalEntry.objects.filter(crisis=crisis).order_by("seq").values_list("seq", flat=True).first()],
        "line_id": [RidaLine.objects.filter(crisis=crisis).order_by("pk").values_list("pk", flat=True).first()],
        "meeting_id": list(Meeting.objects.filter(crisis=crisis).order_by("pk").values_list("pk", flat=True)[:2]),
        "shift_id": [Shift.objects.filter(crisis=crisis).order_by("pk").values_list("pk", flat=True).first()],
        "job_id": [job.pk],
        "document": [document.name for document in registry.all_documents()],
    }
    return {**core, **accessibility.app_id_values(crisis.establishment, core)}


@pytest.fixture
def demo(transactional_db):
    with mock.patch.object(print_requests, "dispatch_on_commit"):
        seed_demo(password=PASSWORD)
        crisis = Crisis.objects.get(title=DEMO_CRISIS_TITLE)
        director = crisis.establishment.memberships.get(user__username="directeur").user
        job = print_requests.print_job_request(
            establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
        )
    return crisis, job


def test_every_page_passes_axe_for_a_writer_and_a_read_only_member(browser, live_server, demo):
    started = time.monotonic()
    crisis, job = demo
    values = id_values(crisis, job)
    problems = []
    # The writer at 320 px wide, the reader at 640 px (a 1280 px screen at 200 % zoom): no page may scroll sideways.
    for username, language, width in (("directeur", "fr", 320), ("observateur", "en", 640)):
        client = Client()
        client.login(username=username, password=PASSWORD)
        pages, uncovered = html_pages(client, values)
        assert not uncovered or username == "observateur", f"no demo data shows these pages: {uncovered}"
        page = logged_in_page(browser, live_server, username, PASSWORD)
        page.set_viewport_size({"width": width, "height": 800})
        if language == "en":
            page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        problems += visit_all(page, live_server.url, pages, username)
        page.context.close()
    print(
        f"accessibility: {len(accessibility.VISITED)} pages in {time.monotonic() - started:.1f} s:",
        *accessibility.VISITED,
        sep="\n  ",
    )
    assert not problems, "\n".join(problems)


def test_the_checks_find_what_they_look_for(browser):
    page = browser.new_page()
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content(
        '<html><body><img src="x.png"><label for="nowhere">Nom</label><input id="twice"><input id="twice">'
        '<div style="width: 400px">large</div></body></html>'
    )
    problems = check_page(page, "sample")
    page.close()
    assert any("image-alt" in p for p in problems)
    assert any("html-has-lang" in p for p in problems)
    assert any('id "twice" used 2 times' in p for p in problems)
    assert any('missing id "nowhere"' in p for p in problems)
    assert any("scrolls sideways at 320 px" in p for p in problems)
