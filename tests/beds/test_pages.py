"""The beds' pages: the live map, a bed's form, the slips page, census, import, export, history, access log.

director: sees patient data and types movements; scribe and observer: statuses and totals only;
outsider: another establishment (404); dpo: the access log only.
"""

import re

import pytest
from django.urls import reverse

from beds.models import AccessLog, BedStatus, Movement, PendingSlip
from crisis import live, plugins
from crisis.plugins import Scope

from .conftest import admit, ago


def url(name, establishment, *args):
    return reverse(f"beds:{name}", args=[establishment.pk, *args])


@pytest.fixture
def occupied(establishment, director, ward):
    admit(establishment, director, ward[0], n=7, minutes=90)
    return ward


def test_the_map_shows_patients_to_those_who_may_see_them_and_logs_it(client, establishment, director, occupied):
    client.force_login(director)
    page = client.get(url("map", establishment)).content.decode()
    assert "IPP00007" not in page and "JD 1957 F" in page  # the cell needs no more than initials, year, sex
    assert 'class="bed st-occupe"' in page and "occupé" in page and "libre" in page
    log = AccessLog.objects.get()
    assert (log.user, log.what, log.patients) == (director, "carte des lits", 1)


def test_the_map_shows_statuses_and_totals_only_to_others_and_logs_nothing(
    client, establishment, scribe, observer, occupied
):
    for user in (scribe, observer):
        client.force_login(user)
        response = client.get(url("map", establishment))
        page = response.content.decode()
        assert response.status_code == 200 and "JD 1957" not in page and "occupé" in page
        assert "taux" in page and "16,7 %" in page
    assert not AccessLog.objects.exists()


def test_the_map_refuses_the_outsider(client, establishment, outsider, occupied):
    client.force_login(outsider)
    assert client.get(url("map", establishment)).status_code == 404
    assert client.get(url("map", establishment), {"v": "1"}, HTTP_HX_REQUEST="true").status_code == 404


def test_the_map_polls_with_a_204_until_a_movement_is_recorded(
    client, establishment, director, occupied, django_assert_num_queries
):
    client.force_login(director)
    page = client.get(url("map", establishment))
    version = page.context["live_version"]
    assert f'hx-get="{url("map", establishment)}?v={version}"' in page.content.decode()
    with django_assert_num_queries(2):
        assert client.get(url("map", establishment), {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    admit(establishment, director, occupied[1], n=8, minutes=10)
    response = client.get(url("map", establishment), {"v": version}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="beds-live"') and "<html" not in body


def test_a_keeper_records_a_movement_from_a_bed_s_page(client, establishment, director, occupied):
    client.force_login(director)
    bed = occupied[0]
    page = client.get(url("bed", establishment, bed.pk))
    assert page.status_code == 200 and page.context["form"].initial["kind"] == "sortie"
    response = client.post(
        url("bed", establishment, bed.pk), {"kind": "sortie", "source": "fiche_papier", "slip_number": "FN-1"}
    )
    assert response.status_code == 302
    bed.refresh_from_db()
    assert bed.status == BedStatus.FREE and Movement.objects.latest("pk").slip_number == "FN-1"


def test_the_bed_s_form_with_htmx_answers_its_panel_and_tells_the_map(client, establishment, director, ward):
    client.force_login(director)
    response = client.post(
        url("bed", establishment, ward[0].pk),
        {"kind": "blocage", "source": "appel"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "beds-changed"
    assert body.lstrip().startswith('<section class="card" id="lit-panneau"') and "Mouvement enregistré" in body
    refused = client.post(
        url("bed", establishment, ward[0].pk), {"kind": "blocage", "source": "appel"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 200 and "n&#x27;est pas libre" in refused.content.decode()  # swapped: errors shown


def test_the_bed_s_form_refuses_bad_input_the_reader_and_the_outsider(
    client, establishment, director, scribe, outsider, occupied
):
    bed = occupied[0]
    client.force_login(director)
    response = client.post(
        url("bed", establishment, bed.pk),
        {"kind": "admission", "source": "fiche_papier", "ref": "X", "initials": "AB", "birth_year": 1950, "sex": "M"},
    )
    assert response.status_code == 400 and "Le lit CAR-101A est déjà occupé." in response.content.decode()
    response = client.post(
        url("bed", establishment, bed.pk), {"kind": "sortie", "source": "fiche_papier", "time": "99h"}
    )
    assert response.status_code == 400
    client.force_login(scribe)
    assert client.get(url("bed", establishment, bed.pk)).context["form"] is None
    assert client.post(url("bed", establishment, bed.pk), {"kind": "sortie", "source": "appel"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url("bed", establishment, bed.pk), {"kind": "sortie", "source": "appel"}).status_code == 404
    assert Movement.objects.count() == 1


def test_slips_are_typed_one_after_another_and_leave_the_pile(client, establishment, director, ward):
    client.force_login(director)
    assert client.post(url("slips-receive", establishment), {"numbers": "FN-10, FN-11 FN-12"}).status_code == 302
    assert PendingSlip.objects.filter(movement=None).count() == 3
    slip = {
        "kind": "admission",
        "bed_label": "car-101a",
        "time": "",
        "ref": "IPP42",
        "initials": "ab",
        "birth_year": "1948",
        "sex": "M",
        "source": "fiche_papier",
        "slip_number": "FN-11",
    }
    response = client.post(url("slips", establishment), slip)
    assert response.status_code == 302
    assert PendingSlip.objects.filter(movement=None).count() == 2
    page = client.get(url("slips", establishment)).content.decode()
    assert "Fiche saisie : admission CAR-101A" in page and "2 fiches en attente" in page and "autofocus" in page
    transfer = {"kind": "transfert", "bed_label": "CAR-101A", "to_bed_label": "GER-102A", "source": "appel"}
    assert client.post(url("slips", establishment), transfer).status_code == 302
    assert client.post(url("slips", establishment), {**transfer, "to_bed_label": "NOPE"}).status_code == 400


def test_the_slips_page_is_for_keepers_only(client, establishment, scribe, outsider, ward):
    for user, status in ((scribe, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url("slips", establishment)).status_code == status
        assert client.post(url("slips-receive", establishment), {"numbers": "FN-1"}).status_code == status
    assert not PendingSlip.objects.exists()


def test_the_census_page_compares_with_the_day_before(client, establishment, scribe, occupied):
    client.force_login(scribe)
    response = client.get(url("census", establishment))
    page = response.content.decode()
    assert response.status_code == 200 and "1 entrée(s), 0 sortie(s), 0 transfert(s)" in page
    assert client.get(url("census", establishment), {"date": "31/02/2026"}).status_code == 400


def test_the_csv_export_is_for_those_who_see_patient_data_and_is_logged(
    client, establishment, director, scribe, occupied
):
    client.force_login(scribe)
    assert client.get(url("export", establishment)).status_code == 403
    client.force_login(director)
    response = client.get(url("export", establishment))
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "CAR-101A;occupe;CAR-101A;IPP00007;JD;1957;F" in text
    assert AccessLog.objects.filter(what="export CSV", patients=1).exists()


def test_the_import_page_dry_runs_then_writes(client, establishment, director, ward):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(director)
    csv = "lit;ipp;initiales;annee_naissance;sexe\nCAR-101A;IPP1;AB;1950;F\nNOPE;IPP2;CD;1960;M\n"
    response = client.post(
        url("import", establishment), {"file": SimpleUploadedFile("r.csv", csv.encode()), "dry_run": "on"}
    )
    assert response.status_code == 400 and "Lit inconnu" in response.content.decode()
    good = csv.splitlines()[:2]
    response = client.post(
        url("import", establishment), {"file": SimpleUploadedFile("r.csv", "\n".join(good).encode())}
    )
    assert response.status_code == 302 and Movement.objects.filter(source="import").count() == 1


def test_a_unit_s_history_draws_its_occupancy(client, establishment, director, scribe, units, occupied):
    client.force_login(scribe)
    page = client.get(url("unit", establishment, units[0].pk)).content.decode()
    assert "<svg" in page and "<polyline" in page and "admission" in page and "IPP00007" not in page
    assert client.get(url("units", establishment)).status_code == 200
    client.force_login(director)
    assert "IPP00007" in client.get(url("unit", establishment, units[0].pk)).content.decode()


def test_the_access_log_is_the_dpo_s(client, establishment, director, dpo, outsider, occupied):
    client.force_login(director)
    client.get(url("map", establishment))
    assert client.get(url("access-log", establishment)).status_code == 403
    client.force_login(dpo)
    page = client.get(url("access-log", establishment)).content.decode()
    assert "Claire Directrice" in page and "carte des lits" in page
    assert (
        client.get(url("map", establishment)).status_code == 200 and AccessLog.objects.count() == 1
    )  # no patients for the DPO
    client.force_login(outsider)
    assert client.get(url("access-log", establishment)).status_code == 404


def test_navigation_and_cards_follow_the_capabilities(client, establishment, director, scribe, dpo, occupied):
    from crisis.models import Membership

    def names(user):
        return [e.url_name for e in plugins.nav_entries(Scope.ESTABLISHMENT, Membership.objects.get(user=user))]

    assert {"beds:map", "beds:slips", "beds:census", "beds:units"} <= set(names(director))
    assert "beds:access-log" not in names(director) and "beds:slips" not in names(scribe)
    assert "beds:access-log" in names(dpo)
    client.force_login(scribe)
    home = client.get(reverse("crisis:establishment", args=[establishment.pk])).content.decode()
    assert 'id="card-beds"' in home and "16,7 % d'occupation, 5 lits libres sur 6." in home
    assert re.search(r"0 fiches? navettes? en attente de saisie</p>", home)  # not a link: the scribe types none


def test_the_crisis_dashboard_shows_the_card_and_follows_the_establishment_s_topic(client, crisis, director, ward):
    client.force_login(director)
    page = client.get(reverse("crisis:dashboard", args=[crisis.pk]))
    assert 'id="card-beds"' in page.content.decode()
    # The keeper types the slips: the count links to them (read from the page's membership, no query of its own).
    assert f'<a href="{reverse("beds:slips", args=[crisis.establishment_id])}">' in page.content.decode()
    before = live.version(crisis, ["beds"])
    admit(crisis.establishment, director, ward[0])
    assert int(live.version(crisis, ["beds"])) > int(before)


def test_the_map_costs_the_same_queries_whatever_the_history_and_escapes_labels(client, establishment, director, ward):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beds import services
    from beds.models import Bed

    Bed.objects.filter(pk=ward[2].pk).update(label="<b>CAR</b>")
    client.force_login(director)
    client.get(url("map", establishment))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("map", establishment)).status_code == 200
        return len(captured)

    admit(establishment, director, ward[0], n=1, minutes=600)
    few = queries()
    for minutes in range(590, 300, -20):  # the bed blocked and back in service, over and over
        services.movement_record(
            establishment=establishment, by=director, kind="blocage", bed=ward[1], occurred_at=ago(minutes)
        )
        services.movement_record(
            establishment=establishment, by=director, kind="deblocage", bed=ward[1], occurred_at=ago(minutes - 5)
        )
    assert Movement.objects.count() > 25 and queries() == few
    page = client.get(url("map", establishment)).content.decode()
    assert "&lt;b&gt;CAR&lt;/b&gt;" in page and "<b>CAR</b>" not in page
