"""Readiness: each item computed on known data with its link, the score and its trend, the API's
contract, the GHT view's scoping, the card on the establishment's home; exercises never count as real."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from comms.models import DirectoryEntry
from continuity import services as continuity_services
from crisis import services as crisis_services
from crisis.models import Establishment, Membership, RidaLine, Role, Service
from preparedness import readiness, services
from preparedness.models import ReadinessSnapshot
from tests.conftest import make_user


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def item(establishment, key):
    return next(i for i in readiness.readiness(establishment).items if i.key == key)


@pytest.fixture
def services_seeded(establishment):
    crisis_services.services_seed_defaults(establishment=establishment)
    return list(Service.objects.filter(establishment=establishment))


# --- each item ---------------------------------------------------------------------------


def publish(establishment, by, service, review_due):
    return continuity_services.procedure_create_published(
        establishment=establishment,
        by=by,
        service=service,
        title=f"Sans DPI — {service.name}",
        body="x",
        review_due=review_due,
    )


def test_services_without_a_published_degraded_procedure_are_named(establishment, director, services_seeded):
    found = item(establishment, "degraded_procedures")
    assert not found.ok and found.detail.startswith("14 services sans procédure dégradée publiée : Urgences")
    assert found.url == reverse("continuity:procedures", args=[establishment.pk])
    for service in services_seeded:
        publish(establishment, director, service, date.today() + timedelta(days=200))
    assert item(establishment, "degraded_procedures").ok


def test_procedures_past_their_review_date_are_counted(establishment, director, services_seeded):
    urgences = services_seeded[0]
    publish(establishment, director, urgences, date.today() + timedelta(days=30))
    assert item(establishment, "procedures_review").ok
    publish(establishment, director, urgences, date.today() - timedelta(days=1))
    found = item(establishment, "procedures_review")
    assert not found.ok and found.detail == "1 procédure a dépassé sa date de revue."


def test_applications_without_a_verified_backup(establishment, director):
    found = item(establishment, "applications")
    assert not found.ok and found.detail == "La cartographie des applications est vide."
    assert found.url == reverse("continuity:applications", args=[establishment.pk])
    continuity_services.application_create(
        establishment=establishment,
        by=director,
        name="DPI",
        priority=1,
        backup_verified_at=date.today() - timedelta(days=30),
    )
    assert item(establishment, "applications").ok
    continuity_services.application_create(
        establishment=establishment,
        by=director,
        name="Paie",
        priority=3,
        backup_verified_at=date.today() - timedelta(days=400),
    )
    continuity_services.application_create(establishment=establishment, by=director, name="GED", priority=4)
    found = item(establishment, "applications")
    assert not found.ok and found.detail == "2 applications sans sauvegarde vérifiée depuis un an : Paie, GED."


def test_directory_entries_not_checked_for_six_months(establishment):
    assert item(establishment, "directory").detail == "L'annuaire de crise est vide."
    entry = DirectoryEntry.objects.create(establishment=establishment, last_name="Martin", checked_at=date.today())
    DirectoryEntry.objects.create(establishment=establishment, last_name="Durand", checked_at=date.today())
    found = item(establishment, "directory")
    assert found.ok and found.url == reverse("comms:directory", args=[establishment.pk])
    DirectoryEntry.objects.filter(pk=entry.pk).update(checked_at=date.today() - timedelta(days=200))
    found = item(establishment, "directory")
    assert not found.ok and found.detail == "1 entrée sur 2 non vérifiée depuis 6 mois."


def test_units_without_beds(establishment, services_seeded):
    from beds.models import Bed, Room

    found = item(establishment, "beds")
    assert not found.ok and "Maternité" in found.detail and "Réanimation" in found.detail
    assert found.url == reverse("beds:map", args=[establishment.pk])
    for unit in Service.objects.filter(establishment=establishment, has_beds=True):
        room = Room.objects.create(establishment=establishment, unit=unit, label="101")
        Bed.objects.create(establishment=establishment, unit=unit, room=room, label=f"{unit.code}-101A")
    found = item(establishment, "beds")
    assert found.ok and found.detail == "2 lits dans 2 unités."


def test_the_soc_source_connected_and_its_last_alert(establishment, clock):
    from tickets.services.alerts import alert_ingest, alert_source_create

    assert item(establishment, "soc_source").detail == "Aucune source SOC/EDR connectée."
    source, _token = alert_source_create(establishment=establishment, name="EDR")
    found = item(establishment, "soc_source")
    assert not found.ok and "aucune alerte reçue" in found.detail
    assert found.url == reverse("tickets:alerts", args=[establishment.pk])
    alert_ingest(source=source, external_id="a1", severity="haute", title="Test", detected_at=timezone.now())
    assert item(establishment, "soc_source").ok
    clock.move(days=31)
    found = item(establishment, "soc_source")
    assert not found.ok and "Plus de 30 jours sans alerte" in found.detail


def test_this_year_s_exercise_done_or_not(establishment, director, exercise):
    found = item(establishment, "exercise")
    assert not found.ok and "en cours" in found.detail
    assert found.url == reverse("preparedness:exercises", args=[establishment.pk])
    crisis_services.crisis_close(crisis=exercise, by=director, note="Fin")
    assert item(establishment, "exercise").ok


def test_a_real_crisis_never_counts_as_the_year_s_exercise(establishment, director, crisis):
    crisis_services.crisis_close(crisis=crisis, by=director, note="Fin")
    found = item(establishment, "exercise")
    assert not found.ok and found.detail == "Aucun exercice cette année (obligation annuelle)."


def test_open_post_exercise_actions_are_rida_lines_of_exercises_that_outlive_them(
    establishment, director, exercise, crisis
):
    crisis_services.rida_create(crisis=crisis, by=director, text="Action de la vraie crise")  # never counted
    assert item(establishment, "post_exercise_actions").ok
    line = crisis_services.rida_create(crisis=exercise, by=director, text="Imprimer l'annuaire")
    crisis_services.crisis_close(crisis=exercise, by=director, note="Fin")
    found = item(establishment, "post_exercise_actions")
    assert not found.ok and found.detail == "1 action post-exercice ouverte."
    assert found.url == reverse("crisis:rida", args=[exercise.pk])
    RidaLine.objects.filter(pk=line.pk).update(status=RidaLine.Status.FAIT)
    assert item(establishment, "post_exercise_actions").ok


def test_the_last_campaign_and_its_rates(establishment, director):
    assert not item(establishment, "campaign").ok
    services.campaign_create(
        establishment=establishment,
        by=director,
        date=date.today() - timedelta(days=400),
        kind="hameconnage",
        targeted=100,
        clicked=20,
        reported=10,
    )
    found = item(establishment, "campaign")
    assert not found.ok and "Plus d'un an" in found.detail
    services.campaign_create(
        establishment=establishment,
        by=director,
        date=date.today() - timedelta(days=20),
        kind="hameconnage",
        targeted=200,
        clicked=18,
        reported=60,
    )
    found = item(establishment, "campaign")
    assert found.ok and "9 % de clics, 30 % de signalements" in found.detail
    assert found.url == reverse("preparedness:campaigns", args=[establishment.pk])


def test_the_paper_kit_never_printed(establishment):
    found = item(establishment, "paper_kit")
    assert not found.ok and found.detail == "Le kit papier n'a jamais été imprimé."
    assert found.url == reverse("printing:paper-kit", args=[establishment.pk])


# --- score, trend, page, API --------------------------------------------------------------


def test_the_score_is_the_share_of_items_met_and_its_trend_the_last_day_kept(establishment, director):
    result = readiness.readiness(establishment)
    assert result.score == round(100 * result.met / len(result.items)) and result.trend is None
    ReadinessSnapshot.objects.create(
        establishment=establishment, day=date.today() - timedelta(days=3), score=result.score - 10
    )
    assert readiness.readiness(establishment).trend == 10


def test_the_page_lists_every_item_with_its_link_and_keeps_today_s_score(client, establishment, observer, outsider):
    url = reverse("preparedness:readiness", args=[establishment.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(observer)  # readiness is read by every member
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    for found in page.context["readiness"].items:
        assert f'id="item-{found.key}"' in body and f'href="{found.url}"' in body
    assert ReadinessSnapshot.objects.filter(establishment=establishment, day=timezone.localdate()).exists()


def test_the_api_answers_the_contract(establishment, observer, outsider):
    url = reverse("preparedness:api-readiness", args=[establishment.pk])
    assert url == f"/api/establishments/{establishment.pk}/readiness/"
    assert api_for(outsider).get(url).status_code == 404
    data = api_for(observer).get(url).json()
    assert isinstance(data["score"], int) and data["items"]
    assert {"key", "ok", "detail", "url"} <= set(data["items"][0])


def test_the_card_is_on_the_establishment_s_home(client, establishment, director):
    client.force_login(director)
    body = client.get(reverse("crisis:establishment", args=[establishment.pk])).content.decode()
    assert 'id="card-readiness"' in body and reverse("preparedness:readiness", args=[establishment.pk]) in body
    nav = body[body.index('<nav class="tabs"') : body.index("</nav>")]
    assert reverse("preparedness:readiness", args=[establishment.pk]) in nav


# --- the GHT ------------------------------------------------------------------------------


def test_a_member_sees_the_ght_s_composition_but_only_their_own_establishment_s_readiness(
    establishment, other_establishment, director, outsider
):
    ght = establishment.ght
    listed = api_for(director).get("/api/ghts/").json()
    assert listed == [
        {
            "id": ght.pk,
            "name": "GHT Test",
            "establishments": [
                {"id": establishment.pk, "name": "Centre hospitalier A", "short_name": "CH-A"},
                {"id": other_establishment.pk, "name": "Centre hospitalier B", "short_name": "CH-B"},
            ],
        }
    ]
    rows = api_for(director).get(f"/api/ghts/{ght.pk}/readiness/").json()
    mine, theirs = rows
    assert mine["shared"] and isinstance(mine["score"], int) and mine["items"]
    assert (theirs["name"], theirs["shared"], theirs["score"], theirs["items"], theirs["missing"]) == (
        "Centre hospitalier B",
        False,
        None,
        None,
        None,
    )


def test_a_member_of_each_establishment_sees_all_of_them_and_a_stranger_nothing(
    establishment, other_establishment, ght
):
    rssi = make_user("rssi_ght")
    for e in (establishment, other_establishment):
        Membership.objects.create(user=rssi, establishment=e, role=Role.RSSI)
    rows = api_for(rssi).get(f"/api/ghts/{ght.pk}/readiness/").json()
    assert [r["shared"] for r in rows] == [True, True]
    stranger_home = Establishment.objects.create(name="Clinique", short_name="CLQ")
    stranger = make_user("stranger")
    Membership.objects.create(user=stranger, establishment=stranger_home, role=Role.DIRECTEUR)
    assert api_for(stranger).get("/api/ghts/").json() == []
    assert api_for(stranger).get(f"/api/ghts/{ght.pk}/readiness/").status_code == 404
    client = APIClient()
    client.force_login(stranger)
    assert client.get(reverse("preparedness:ght", args=[ght.pk])).status_code == 404


def test_the_ght_page_shows_scores_where_shared(client, establishment, other_establishment, director):
    client.force_login(director)
    body = client.get(reverse("preparedness:ght", args=[establishment.ght_id])).content.decode()
    assert "Centre hospitalier B" in body and "non partagé" in body
    assert reverse("preparedness:readiness", args=[establishment.pk]) in body
    assert reverse("preparedness:readiness", args=[other_establishment.pk]) not in body


def test_the_home_page_re_renders_the_readiness_card_when_a_campaign_is_recorded(
    client, establishment, director, crisis
):
    from tests.crisis.test_card_polls import poll, poll_url, swapped

    client.force_login(director)
    url = poll_url(client.get(reverse("crisis:establishment", args=[establishment.pk])).content.decode())
    crisis_services.journal_append(crisis=crisis, by=director, text="Rien pour la préparation")
    assert poll(client, url).status_code == 204  # the crisis's journal does not move the card
    services.campaign_create(
        establishment=establishment, by=director, date=date.today(), kind="hameconnage", targeted=10, clicked=1
    )
    response = poll(client, url)
    assert response.status_code == 200 and swapped(response) == {"card-readiness"}


def test_the_cached_readiness_of_the_card_and_the_ght_moves_with_what_it_follows(establishment, director):
    def campaign_ok():
        return next(i for i in readiness.readiness_cached(establishment).items if i.key == "campaign").ok

    assert not campaign_ok() and not campaign_ok()  # the second from the cache
    services.campaign_create(
        establishment=establishment, by=director, date=date.today(), kind="hameconnage", targeted=10, clicked=1
    )
    assert campaign_ok()


def test_nothing_is_shown_to_an_anonymous_visitor(client, establishment, ght):
    assert APIClient().get("/api/ghts/").status_code in (401, 403)
    assert APIClient().get(f"/api/ghts/{ght.pk}/readiness/").status_code in (401, 403)
    assert APIClient().get(f"/api/establishments/{establishment.pk}/readiness/").status_code in (401, 403)
    for name, args in (("readiness", [establishment.pk]), ("ght", [ght.pk]), ("campaigns", [establishment.pk])):
        response = client.get(reverse(f"preparedness:{name}", args=args))
        assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_the_nightly_task_keeps_every_establishment_s_reading(establishment, other_establishment):
    from preparedness.tasks import keep_readiness_readings

    assert keep_readiness_readings() == 2  # called as the worker does: no argument, a small result
    days = ReadinessSnapshot.objects.filter(day=timezone.localdate())
    assert sorted(days.values_list("establishment_id", flat=True)) == sorted([establishment.pk, other_establishment.pk])
    assert keep_readiness_readings() == 2 and days.count() == 2  # once a day


def test_a_pris_under_contract_in_the_crisis_directory(establishment):
    found = item(establishment, "pris_contract")
    assert not found.ok and found.url == reverse("comms:directory", args=[establishment.pk])
    DirectoryEntry.objects.create(
        establishment=establishment,
        last_name="Astreinte",
        organisation="CyberRéponse",
        category="pris",
        is_external=True,
    )
    found = item(establishment, "pris_contract")
    assert found.ok and found.detail == "PRIS dans l'annuaire de crise : CyberRéponse."
