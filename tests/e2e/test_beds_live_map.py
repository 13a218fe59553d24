"""A slip typed at the keyboard on the slips page reaches another member's bed map without a reload."""

import pytest

from beds.models import Bed, Room
from crisis.models import Service
from tests.conftest import PASSWORD
from tests.e2e.conftest import logged_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_a_slip_typed_at_the_keyboard_changes_another_member_s_map_without_reload(
    browser, live_server, establishment, director, scribe
):
    unit = Service.objects.create(establishment=establishment, name="Cardiologie", code="CAR", has_beds=True)
    room = Room.objects.create(establishment=establishment, unit=unit, label="101")
    bed = Bed.objects.create(establishment=establishment, unit=unit, room=room, label="CAR-101A")
    base = f"{live_server.url}/etablissements/{establishment.pk}/lits/"

    reader = logged_in_page(browser, live_server, "scribe", PASSWORD)  # statuses only: no patient data
    reader.goto(base)
    reader.evaluate("window.notReloaded = true")
    cell = reader.locator(f"#lit-{bed.pk}")
    assert "libre" in cell.inner_text()

    writer = logged_in_page(browser, live_server, "director", PASSWORD)
    writer.goto(base + "fiches/")
    # The bed field takes the focus (autofocus, which Chromium applies after the load, later on a busy
    # machine: typing before it went nowhere, and the slip came back refused).
    writer.wait_for_function("document.activeElement && document.activeElement.id === 'fiche_bed_label'")
    writer.keyboard.type("car-101a")
    writer.keyboard.press("Alt+a")  # admission
    writer.fill("#fiche_ref", "IPP777")
    writer.fill("#fiche_initials", "MD")
    writer.fill("#fiche_birth_year", "1944")
    writer.select_option("#fiche_sex", "F")
    writer.fill("#fiche_slip_number", "FN-1")
    writer.press("#fiche_slip_number", "Enter")
    writer.locator(".messages", has_text="Fiche saisie : admission CAR-101A").wait_for(timeout=5000)
    assert writer.evaluate("document.activeElement.id") == "fiche_bed_label"  # ready for the next slip

    reader.locator(f"#lit-{bed.pk}.st-occupe").wait_for(timeout=15000)
    assert "occupé" in reader.locator(f"#lit-{bed.pk}").inner_text()
    assert "MD" not in reader.locator(f"#lit-{bed.pk}").inner_text()
    assert reader.evaluate("window.notReloaded") is True
