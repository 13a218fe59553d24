"""Home, crisis creation, dashboard, phase changes, roster pages, login throttling, health."""

import re

from django.urls import reverse

from crisis import services
from crisis.models import Crisis, Shift


def test_home_lists_only_my_establishments_crises(client, crisis, outsider, other_establishment):
    services.crisis_create(establishment=other_establishment, by=outsider, title="Panne électrique CH-B")
    client.force_login(outsider)
    body = client.get(reverse("crisis:home")).content.decode()
    assert "Panne électrique CH-B" in body and crisis.title not in body


def test_a_director_opens_a_crisis_with_its_journal(client, director, establishment):
    client.force_login(director)
    response = client.post(
        reverse("crisis:home"),
        {
            "establishment": establishment.pk,
            "title": "Panne du DPI",
            "kind": "panne",
            "severity": 3,
            "detected_at": "",
            "awareness_at": "",
        },
    )
    crisis = Crisis.objects.get(title="Panne du DPI")
    assert response.status_code == 302 and response["Location"] == reverse("crisis:dashboard", args=[crisis.pk])
    assert crisis.journal_entries.filter(seq=1, kind="decision").exists()


def test_a_crisis_cannot_be_opened_in_someone_elses_establishment(client, director, other_establishment):
    client.force_login(director)
    response = client.post(
        reverse("crisis:home"),
        {"establishment": other_establishment.pk, "title": "Intrusion", "kind": "panne", "severity": 3},
    )
    assert response.status_code == 200 and not Crisis.objects.filter(title="Intrusion").exists()


def test_an_untitled_crisis_is_refused(client, director, establishment):
    client.force_login(director)
    response = client.post(
        reverse("crisis:home"), {"establishment": establishment.pk, "title": "", "kind": "panne", "severity": 3}
    )
    assert "obligatoire" in response.content.decode()
    assert not Crisis.objects.exists()


def test_the_observer_cannot_open_a_crisis(client, observer, establishment):
    client.force_login(observer)
    response = client.post(
        reverse("crisis:home"), {"establishment": establishment.pk, "title": "x", "kind": "panne", "severity": 3}
    )
    assert response.status_code == 403 and not Crisis.objects.exists()


def test_the_dashboard_shows_phase_clock_roster_and_urgent_entries(client, crisis, director, scribe):
    services.journal_append(crisis=crisis, by=scribe, text="Deux sites coupés du monde", priority="urgent")
    services.shift_start(crisis=crisis, by=director, role="secretaire", holder=scribe)
    client.force_login(director)
    body = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert "Alerte" in body and "Deux sites coupés du monde" in body and "Sam Secrétaire" in body


def test_a_phase_change_is_a_decision_in_the_journal(client, crisis, director):
    client.force_login(director)
    response = client.post(
        reverse("crisis:phase", args=[crisis.pk]), {"phase": "endiguement", "note": "Internet coupé."}
    )
    assert response.status_code == 302
    crisis.refresh_from_db()
    assert crisis.phase == "endiguement"
    entry = crisis.journal_entries.order_by("-seq").first()
    assert entry.kind == "decision" and "Alerte → Endiguement" in entry.text and "Internet coupé." in entry.text


def test_an_unknown_phase_changes_nothing(client, crisis, director):
    client.force_login(director)
    client.post(reverse("crisis:phase", args=[crisis.pk]), {"phase": "panique"})
    crisis.refresh_from_db()
    assert crisis.phase == "alerte" and crisis.journal_entries.count() == 1


def test_only_deciders_change_the_phase(client, crisis, scribe, observer, outsider):
    url = reverse("crisis:phase", args=[crisis.pk])
    client.force_login(scribe)
    assert client.post(url, {"phase": "endiguement"}).status_code == 403
    client.force_login(observer)
    assert client.post(url, {"phase": "endiguement"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"phase": "endiguement"}).status_code == 404
    crisis.refresh_from_db()
    assert crisis.phase == "alerte"


def test_an_outsider_gets_404_on_every_crisis_page(client, crisis, director, scribe, outsider):
    shift = services.shift_start(crisis=crisis, by=director, role="secretaire", holder=scribe)
    client.force_login(outsider)
    for name in ("crisis:dashboard", "crisis:roster"):
        assert client.get(reverse(name, args=[crisis.pk])).status_code == 404
    assert (
        client.post(reverse("crisis:shift-start", args=[crisis.pk]), {"role": "dsi", "holder": outsider.pk}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("crisis:shift-hand-over", args=[crisis.pk, shift.pk]), {"to_holder": outsider.pk, "summary": "x"}
        ).status_code
        == 404
    )
    assert client.post(reverse("crisis:shift-end", args=[crisis.pk, shift.pk])).status_code == 404
    assert Shift.objects.get(pk=shift.pk).ended_at is None


def test_the_roster_is_managed_by_deciders_only(client, crisis, director, scribe, observer):
    client.force_login(observer)
    assert (
        client.post(reverse("crisis:shift-start", args=[crisis.pk]), {"role": "dsi", "holder": scribe.pk}).status_code
        == 403
    )
    client.force_login(director)
    assert (
        client.post(reverse("crisis:shift-start", args=[crisis.pk]), {"role": "dsi", "holder": scribe.pk}).status_code
        == 302
    )
    shift = Shift.objects.get(crisis=crisis, role="dsi")
    response = client.post(
        reverse("crisis:shift-hand-over", args=[crisis.pk, shift.pk]),
        {"to_holder": director.pk, "summary": "Sauvegardes isolées ; PRIS attendu à 10 h."},
    )
    assert response.status_code == 302
    current = Shift.objects.get(crisis=crisis, role="dsi", ended_at__isnull=True)
    assert current.holder == director and current.handed_over_from == shift
    page = client.get(reverse("crisis:roster", args=[crisis.pk])).content.decode()
    assert "PRIS attendu à 10 h." in page


def test_a_handover_with_bad_input_shows_errors_and_changes_nothing(client, crisis, director, scribe, outsider):
    shift = services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe)
    client.force_login(director)
    response = client.post(
        reverse("crisis:shift-hand-over", args=[crisis.pk, shift.pk]), {"to_holder": outsider.pk, "summary": ""}
    )
    assert response.status_code == 400
    assert Shift.objects.get(pk=shift.pk).ended_at is None
    assert Shift.objects.filter(crisis=crisis).count() == 1


def test_the_console_speaks_french_whatever_the_browser(client, director):
    client.force_login(director)
    body = client.get(reverse("crisis:home"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Mes établissements" in body


def test_the_dashboard_answers_204_while_nothing_changed(client, crisis, director, scribe):
    client.force_login(director)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    seen = re.search(r"\?v=([0-9.]+)", client.get(url).content.decode()).group(1)
    assert client.get(url, {"v": seen}, HTTP_HX_REQUEST="true").status_code == 204
    services.journal_append(crisis=crisis, by=scribe, text="Deux sites coupés", priority="urgent")
    response = client.get(url, {"v": seen}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "Deux sites coupés" in body and "<html" not in body
    now = re.search(r"\?v=([0-9.]+)", body).group(1)
    assert now != seen
    assert client.get(url, {"v": now}, HTTP_HX_REQUEST="true").status_code == 204


def test_absurd_ids_are_404_not_500(client, director):
    client.force_login(director)
    huge = "9" * 25
    for url in (
        f"/crises/{huge}/",
        f"/crises/{huge}/main-courante/",
        f"/etablissements/{huge}/kit-papier/",
        f"/api/establishments/{huge}/",
        f"/api/crises/{huge}/journal/",
        f"/impressions/{huge}/",
    ):
        assert client.get(url).status_code == 404, url


def test_decision_and_roster_urls_refuse_other_methods(client, crisis, director):
    shift = services.shift_start(crisis=crisis, by=director, role="directeur", holder=director)
    client.force_login(director)
    only_post = [
        reverse("crisis:phase", args=[crisis.pk]),
        reverse("crisis:shift-start", args=[crisis.pk]),
        reverse("crisis:shift-hand-over", args=[crisis.pk, shift.pk]),
        reverse("crisis:shift-end", args=[crisis.pk, shift.pk]),
    ]
    for url in only_post:
        for method in (client.get, client.put, client.delete):
            assert method(url).status_code == 405, (method.__name__, url)
    close = reverse("crisis:close", args=[crisis.pk])
    for method in (client.put, client.delete, client.patch):
        assert method(close).status_code == 405, method.__name__
    crisis.refresh_from_db()
    assert crisis.closed_at is None and crisis.shifts.get().ended_at is None


def test_the_incident_response_provider_writes_the_journal_but_decides_nothing(client, crisis, pris):
    client.force_login(pris)
    response = client.post(
        reverse("crisis:journal", args=[crisis.pk]),
        {"kind": "fait", "text": "Souche identifiée : LockBit 3.0", "priority": "normal", "channel": "autre"},
    )
    assert response.status_code == 302
    assert client.post(reverse("crisis:phase", args=[crisis.pk]), {"phase": "endiguement"}).status_code == 403
    assert client.post(reverse("crisis:close", args=[crisis.pk]), {"confirm": "on"}).status_code == 403
    crisis.refresh_from_db()
    assert crisis.phase == "alerte" and crisis.closed_at is None
    assert crisis.journal_entries.filter(text__contains="LockBit").exists()
