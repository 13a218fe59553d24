"""Exercises: the chronogramme imported (JSON, CSV), each inject shown at its time and no sooner,
delivered once into the players' journal from its simulated sender, observed; permissions and bad input.

Personas (tests/conftest.py): director animates; scribe observes (keeps the RIDA); pris writes the
journal but does not see the chronogramme; observer reads only; outsider is of another establishment.
"""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from crisis.models import JournalEntry
from crisis.services.records import record_history
from preparedness import scenarios, services
from preparedness.models import Inject

SHARED = Path(__file__).resolve().parents[2] / "preparedness" / "scenarios_data" / "ransomware-night.json"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def player_url(crisis) -> str:
    return reverse("preparedness:player", args=[crisis.pk])


# --- import ---------------------------------------------------------------------------------


def test_the_shared_scenario_imports_with_its_expected_reactions(exercise, director):
    lines = scenarios.parse_json(SHARED.read_text("utf-8"))
    created = services.injects_import(crisis=exercise, by=director, lines=lines)
    assert len(created) == 23 and [i.number for i in created[:3]] == [1, 2, 3]
    first = created[0]
    assert (first.offset_minutes, first.sender, first.channel, first.kind) == (
        240,
        "Biologiste de garde",
        "telephone",
        "fait",
    )
    assert first.expected_reaction == "Ouvrir la main courante ; qualifier l'incident."
    assert created[3].kind == "decision" and created[15].channel == "papier"  # "décision", "fiche"
    assert record_history(first)[0].action == "create"


def test_the_api_imports_json_and_csv_and_lists_with_the_contract_s_fields(exercise, director):
    api = api_for(director)
    url = reverse("preparedness:api-injects", args=[exercise.pk])
    body = {
        "injects": [
            {"offset_minutes": 10, "sender": "ARS", "content": "Point de situation ?", "expected_reaction": "Répondre"}
        ]
    }
    assert api.post(url, body, format="json").status_code == 201
    csv_text = "offset_minutes;sender;recipient;channel;content;expected_reaction\n20;Presse;Communication;téléphone;Une rumeur circule;Communiqué\n"
    response = api.post(url, csv_text.encode(), content_type="text/csv")
    assert response.status_code == 201, response.content
    listed = api.get(url).json()["results"]
    assert [row["offset_minutes"] for row in listed] == [10, 20]
    for key in (
        "offset_minutes",
        "sender",
        "recipient",
        "channel",
        "content",
        "expected_reaction",
        "delivered_at",
        "observation",
    ):
        assert key in listed[0]
    assert (
        listed[1]["channel"] == "telephone" and listed[1]["delivered_at"] is None and listed[1]["observation"] is None
    )


def test_a_bad_chronogramme_is_refused_whole_with_its_lines_named(exercise, director):
    api = api_for(director)
    url = reverse("preparedness:api-injects", args=[exercise.pk])
    bad = {"injects": [{"t": 5, "from": "A", "text": "bon"}, {"t": "demain", "from": "B", "text": ""}]}
    response = api.post(url, bad, format="json")
    assert response.status_code == 400 and "ligne 2" in json.dumps(response.json(), ensure_ascii=False)
    assert api.post(url, b"pas,un\nchronogramme,du tout\n", content_type="text/csv").status_code == 400
    assert api.post(url, {"injects": []}, format="json").status_code == 400
    assert not Inject.objects.exists()


def test_a_real_crisis_has_no_chronogramme(crisis, director):
    url = reverse("preparedness:api-injects", args=[crisis.pk])
    assert api_for(director).get(url).status_code == 404
    assert (
        api_for(director).post(url, {"injects": [{"t": 1, "from": "A", "text": "x"}]}, format="json").status_code == 404
    )
    client = APIClient()
    client.force_login(director)
    assert client.get(player_url(crisis)).status_code == 404


def test_the_import_refuses_the_outsider_and_those_who_do_not_animate(exercise, scribe, pris, observer, outsider):
    url = reverse("preparedness:api-injects", args=[exercise.pk])
    body = {"injects": [{"t": 1, "from": "A", "text": "x"}]}
    assert api_for(outsider).post(url, body, format="json").status_code == 404
    assert api_for(outsider).get(url).status_code == 404
    for user in (scribe, pris, observer):
        assert api_for(user).post(url, body, format="json").status_code == 403
    assert api_for(scribe).get(url).status_code == 200  # observers see the chronogramme
    assert api_for(pris).get(url).status_code == 403 and api_for(observer).get(url).status_code == 403  # players do not
    assert not Inject.objects.exists()


def test_the_page_imports_a_file_and_says_what_is_wrong(client, exercise, director):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(director)
    url = reverse("preparedness:player-import", args=[exercise.pk])
    bad = client.post(url, {"file": SimpleUploadedFile("x.json", b'{"injects": [{"t": 1}]}')})
    assert bad.status_code == 400 and "ligne 1" in bad.content.decode()
    assert '<details class="card" id="animation" open>' in bad.content.decode()
    upload = SimpleUploadedFile("nuit.json", SHARED.read_bytes(), content_type="application/json")
    assert client.post(url, {"file": upload}).status_code == 302
    assert Inject.objects.filter(crisis=exercise).count() == 23


# --- timing -----------------------------------------------------------------------------------


def test_an_inject_due_at_30_minutes_appears_then_and_not_before(client, played, director, clock):
    client.force_login(director)
    page = client.get(player_url(played))
    body = page.content.decode()
    assert "Le labo ne répond plus." in body and "Chiffrement en cours." not in body
    assert [i.offset_minutes for i in page.context["state"].due] == [0] and page.context["state"].upcoming == 1
    late = Inject.objects.get(crisis=played, offset_minutes=30)
    with pytest.raises(Exception, match="pas encore à son heure"):
        services.inject_deliver(inject=late, by=director)
    clock.move(minutes=29, seconds=50)
    assert "Chiffrement en cours." not in client.get(player_url(played)).content.decode()
    clock.move(seconds=11)
    assert "Chiffrement en cours." in client.get(player_url(played)).content.decode()
    services.inject_deliver(inject=late, by=director)


def test_the_player_s_poll_is_a_204_until_an_inject_falls_due_or_changes(
    client, played, director, clock, django_assert_max_num_queries
):
    client.force_login(director)
    page = client.get(player_url(played))
    version = page.context["live_version"]
    assert f'hx-get="{player_url(played)}?v={version}"' in page.content.decode()
    with django_assert_max_num_queries(3):  # the session with its user, the access with the counters, the due count
        assert client.get(player_url(played), {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    clock.move(minutes=31)  # no write: time alone brings the second inject
    response = client.get(player_url(played), {"v": version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Chiffrement en cours." in response.content.decode()
    assert response.content.decode().lstrip().startswith('<div id="player-live"')


def test_moving_the_clock_forward_brings_the_next_injects(played, director):
    services.exercise_advance(crisis=played, by=director, minutes=30)
    assert Inject.objects.filter(crisis=played, due_at__isnull=False).count() == 2
    from preparedness import selectors

    assert len(selectors.player(played).due) == 2


# --- delivery ---------------------------------------------------------------------------------


def test_a_delivered_inject_lands_once_in_the_journal_from_its_simulated_sender(client, played, director):
    first = Inject.objects.get(crisis=played, number=1)
    client.force_login(director)
    response = client.post(reverse("preparedness:player-deliver", args=[played.pk]), {"inject": first.pk})
    assert response.status_code == 302
    entry = JournalEntry.objects.get(crisis=played, source__startswith="Exercice")
    assert (entry.sender, entry.recipient, entry.text, entry.channel) == (
        "Biologiste de garde",
        "DSI",
        "Le labo ne répond plus.",
        "telephone",
    )
    assert entry.recorded_by is None and entry.source == "Exercice — inject n° 1"
    first.refresh_from_db()
    assert first.delivered_by == director and first.journal_entry == entry
    again = client.post(reverse("preparedness:player-deliver", args=[played.pk]), {"inject": first.pk})
    assert (
        again.status_code == 400
        and JournalEntry.objects.filter(crisis=played, source__startswith="Exercice").count() == 1
    )


def test_delivery_through_the_api_and_its_refusals(played, director, scribe, outsider, other_establishment):
    first = Inject.objects.get(crisis=played, number=1)
    url = reverse("preparedness:api-inject-deliver", args=[played.pk, first.pk])
    assert api_for(outsider).post(url).status_code == 404
    assert api_for(scribe).post(url).status_code == 403
    response = api_for(director).post(url)
    assert response.status_code == 200 and response.json()["delivered_at"] and response.json()["journal_entry"] > 0
    assert api_for(director).post(url).status_code == 400
    late = Inject.objects.get(crisis=played, number=2)
    response = api_for(director).post(reverse("preparedness:api-inject-deliver", args=[played.pk, late.pk]))
    assert (
        response.status_code == 400
        and JournalEntry.objects.filter(crisis=played, source__startswith="Exercice").count() == 1
    )


def test_the_player_s_forms_refuse_the_outsider_and_the_reader(client, played, pris, observer, outsider):
    first = Inject.objects.get(crisis=played, number=1)
    for user, expected in ((outsider, 404), (pris, 403), (observer, 403)):
        client.force_login(user)
        assert client.get(player_url(played)).status_code == expected
        assert (
            client.post(reverse("preparedness:player-deliver", args=[played.pk]), {"inject": first.pk}).status_code
            == expected
        )
        assert (
            client.post(
                reverse("preparedness:player-clock", args=[played.pk]), {"action": "advance", "minutes": 5}
            ).status_code
            == expected
        )
    assert not JournalEntry.objects.filter(crisis=played, source__startswith="Exercice").exists()


# --- observations ------------------------------------------------------------------------------


def test_an_observer_marks_a_reaction_with_a_comment(client, played, director, scribe):
    first = Inject.objects.get(crisis=played, number=1)
    url = reverse("preparedness:player-observe", args=[played.pk])
    client.force_login(scribe)
    assert (
        client.post(url, {"inject": first.pk, "observation": "en_retard", "comment": "x"}).status_code == 400
    )  # not delivered
    services.inject_deliver(inject=first, by=director)
    assert client.post(url, {"inject": first.pk, "observation": "perdue"}).status_code == 400
    first.refresh_from_db()
    assert first.observation == ""
    assert (
        client.post(
            url, {"inject": first.pk, "observation": "en_retard", "comment": "Main courante ouverte à +12 min"}
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert (first.observation, first.observation_comment, first.observed_by) == (
        "en_retard",
        "Main courante ouverte à +12 min",
        scribe,
    )
    listed = api_for(scribe).get(reverse("preparedness:api-injects", args=[played.pk])).json()["results"][0]
    assert listed["observation"]["status"] == "en_retard" and listed["observation"]["comment"].startswith(
        "Main courante"
    )
    page = client.get(player_url(played)).content.decode()
    assert "Réaction : en retard" in page


def test_observation_refuses_the_outsider_and_the_reader(client, played, director, pris, outsider):
    first = Inject.objects.get(crisis=played, number=1)
    services.inject_deliver(inject=first, by=director)
    url = reverse("preparedness:player-observe", args=[played.pk])
    client.force_login(outsider)
    assert client.post(url, {"inject": first.pk, "observation": "fait"}).status_code == 404
    client.force_login(pris)
    assert client.post(url, {"inject": first.pk, "observation": "fait"}).status_code == 403
    first.refresh_from_db()
    assert first.observation == ""


def test_the_player_page_says_exercice(client, played, director):
    client.force_login(director)
    body = client.get(player_url(played)).content.decode()
    assert 'class="exercise-banner"' in body and "EXERCICE" in body


def test_the_exercises_page_opens_an_exercise_for_animators_only(client, establishment, director, observer, outsider):
    url = reverse("preparedness:exercises", args=[establishment.pk])
    client.force_login(outsider)
    assert client.post(url, {"title": "X", "level": "debutant"}).status_code == 404
    client.force_login(observer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "X", "level": "debutant"}).status_code == 403
    client.force_login(director)
    assert client.post(url, {"title": "", "level": "debutant"}).status_code == 400
    response = client.post(url, {"title": "Exercice de printemps", "level": "confirme"})
    assert response.status_code == 302
    from crisis.models import Crisis

    crisis = Crisis.objects.get(title="Exercice de printemps")
    assert crisis.is_exercise and crisis.exercise.level == "confirme"


def test_an_observation_may_open_a_post_exercise_action_that_outlives_the_exercise(client, played, director, scribe):
    from crisis.models import RidaLine
    from crisis.services import crisis_close
    from preparedness import readiness

    first = Inject.objects.get(crisis=played, number=1)
    services.inject_deliver(inject=first, by=director)
    client.force_login(scribe)
    url = reverse("preparedness:player-observe", args=[played.pk])
    sent = {
        "inject": first.pk,
        "observation": "manque",
        "comment": "Personne n'a ouvert la main courante",
        "follow_up": "on",
    }
    assert client.post(url, sent).status_code == 302
    line = RidaLine.objects.get(crisis=played)
    assert line.kind == RidaLine.Kind.ACTION and line.text.startswith(
        "Inject n° 1 (manquée) : Ouvrir la main courante."
    )
    crisis_close(crisis=played, by=director, note="Fin de l'exercice")
    found = next(i for i in readiness.readiness(played.establishment).items if i.key == "post_exercise_actions")
    assert not found.ok and found.detail == "1 action post-exercice ouverte."


def test_the_clock_s_forms_say_what_is_wrong(client, exercise, director):
    client.force_login(director)
    url = reverse("preparedness:player-clock", args=[exercise.pk])
    response = client.post(url, {"action": "advance", "minutes": 5})
    assert response.status_code == 400 and "lancez d&#x27;abord son horloge" in response.content.decode()
    response = client.post(url, {"action": "level", "level": "expert"})
    assert response.status_code == 400 and 'id="id_level"' in response.content.decode()
    assert client.post(url, {"action": "n'importe"}).status_code == 400
    assert client.post(url, {"action": "start", "minutes_before_now": 240}).status_code == 302
    assert client.post(url, {"action": "level", "level": "confirme"}).status_code == 302
    exercise.exercise.refresh_from_db()
    assert exercise.exercise.level == "confirme" and exercise.exercise.started_at is not None
