"""Reflow (WCAG 1.4.10): the main pages read at 320 px and at 200 % zoom without scrolling sideways.

Every page is also checked at 320 px and 640 px by test_accessibility.py; here, the three pages a
cell lives on, with an overdue action and a long entry, at both sizes, header and tabs on screen.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from crisis import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
# 640 CSS px: a 1280 px wide window at 200 % zoom.
@pytest.mark.parametrize("width", [320, 640], ids=["320px", "zoom-200"])
def test_the_dashboard_journal_and_rida_reflow_with_header_and_tabs_on_screen(
    browser, live_server, crisis, director, width
):
    services.journal_append(crisis=crisis, by=director, text="Appel du laboratoire : " + "automates-bloqués-" * 12)
    services.rida_create(
        crisis=crisis, by=director, text="Prévenir la pharmacie.", due_at=timezone.now() - timedelta(hours=1)
    )
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.set_viewport_size({"width": width, "height": 700})
    for path in ("", "main-courante/", "rida/"):
        page.goto(f"{live_server.url}/crises/{crisis.pk}/{path}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path
        for name in ("Déconnexion", "Impressions", "RIDA"):
            box = page.get_by_role(
                "button" if name == "Déconnexion" else "link", name=name, exact=True
            ).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (path, name)
    assert page.locator(".overdue-words", has_text="en retard").first.is_visible()


@pytest.mark.django_db(transaction=True)
def test_a_journal_entry_s_type_never_runs_over_its_text_at_320_px(browser, live_server, crisis, director):
    services.journal_append(crisis=crisis, by=director, kind="information", text="Le CERT Santé qualifie l'incident.")
    page = logged_in_page(browser, live_server, "director", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{live_server.url}/crises/{crisis.pk}/main-courante/")
    entry = page.locator("article.entry").first
    tag, text = entry.locator(".tag-information").bounding_box(), entry.locator(".text").bounding_box()
    overlap = tag["x"] < text["x"] + text["width"] and text["x"] < tag["x"] + tag["width"]
    assert not (overlap and tag["y"] < text["y"] + text["height"] and text["y"] < tag["y"] + tag["height"])
    assert tag["x"] + tag["width"] <= 320
