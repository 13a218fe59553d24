"""The obligations' pages with demo-like data pass axe at 320 px, their forms sent in error too (the full
navigation sweep is tests/e2e/test_accessibility.py; this one is the app's own, quick to run)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crisis.models import Membership, Role
from obligations import services
from obligations.models import Kind, Obligation
from tests.conftest import PASSWORD, make_user
from tests.e2e.accessibility import visit_all
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def pages(transactional_db):
    from crisis import services as crisis_services
    from crisis.models import Establishment, Ght

    establishment = Establishment.objects.create(
        name="CH A", short_name="CHA", finess="750000001", ght=Ght.objects.create(name="GHT")
    )
    director = make_user("directrice", "Claire", "Directrice")
    Membership.objects.create(user=director, establishment=establishment, role=Role.DIRECTEUR)
    at = timezone.now() - timedelta(hours=2)
    crisis = crisis_services.crisis_create(
        establishment=establishment, by=director, title="Rançongiciel", detected_at=at, awareness_at=at
    )
    services.obligations_ensure(crisis)
    plainte = Obligation.objects.get(crisis=crisis, kind=Kind.PLAINTE)
    services.obligation_update(obligation=plainte, by=director, status="fait", reference="PV 2026/1")
    services.cost_create(
        crisis=crisis, by=director, category="assistance", amount=Decimal("100"), date=timezone.localdate()
    )
    services.retex_update(crisis=crisis, by=director, lessons="Imprimer l'annuaire.")
    cnil = Obligation.objects.get(crisis=crisis, kind=Kind.CNIL)
    return director, [
        f"/crises/{crisis.pk}/",
        f"/crises/{crisis.pk}/obligations/",
        f"/crises/{crisis.pk}/obligations/{cnil.pk}/",
        f"/crises/{crisis.pk}/obligations/{plainte.pk}/",
        f"/crises/{crisis.pk}/couts/",
        f"/crises/{crisis.pk}/retex/",
    ]


def test_the_obligations_pages_pass_axe_at_320_px(browser, live_server, pages):
    director, urls = pages
    page = logged_in_page(browser, live_server, director.username, PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    problems = visit_all(page, live_server.url, urls, director.username)
    page.context.close()
    assert not problems, "\n".join(problems)
