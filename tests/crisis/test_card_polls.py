"""A page of cards (the crisis dashboard, an establishment's home) carries each topic's counter in its
poll: a poll that missed answers with the cards whose topics moved only, out of band, and a new
poller; the other cards are not computed. Nothing moved: 204 after the same one query as before."""

import html
import re
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crisis import live, plugins, services
from crisis.models import Topic
from crisis.views.crises import dashboard_topics
from crisis.views.establishments import establishment_topics

POLLER = re.compile(r'id="(?:dashboard|establishment)-live" hx-get="([^"]+)"')
CARD_IDS = re.compile(r'<div[^>]*\bid="([^"]+)"[^>]*hx-swap-oob="true"')


def poll_url(body: str) -> str:
    return html.unescape(POLLER.search(body).group(1))


def poll(client, url):
    return client.get(url, HTTP_HX_REQUEST="true")


def swapped(response) -> set[str]:
    """The ids of the cards a poll's answer swaps out of band."""
    return set(CARD_IDS.findall(response.content.decode()))


@pytest.fixture
def dashboard(client, crisis, director):
    client.force_login(director)
    return poll_url(client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode())


def test_the_dashboard_poller_carries_each_topic_counter_and_their_sum(client, crisis, director, dashboard):
    query = parse_qs(urlsplit(dashboard).query)
    counters = live.counters(crisis, dashboard_topics())
    assert query["c"] == [",".join(f"{t}:{n}" for t, n in sorted(counters.items()))]
    assert query["v"] == [live.version(crisis, dashboard_topics())]


def test_a_journal_entry_rerenders_the_cards_following_the_journal_and_not_the_others(
    client, crisis, director, dashboard
):
    assert poll(client, dashboard).status_code == 204
    services.journal_append(crisis=crisis, by=director, text="Messagerie chiffrée", priority="urgent")
    response = poll(client, dashboard)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert swapped(response) == {"card-journal", "card-urgent"}
    assert "Messagerie chiffrée" in body  # the urgent card's new entry
    assert 'id="decisions-card"' not in body and 'id="card-roster"' not in body and 'id="card-kit"' not in body
    assert poll(client, poll_url(body)).status_code == 204  # the new poller shows the new counters


def test_a_phase_change_rerenders_the_situation_card(client, crisis, director, dashboard):
    services.crisis_change_phase(crisis=crisis, by=director, phase="endiguement", note="Réseau isolé")
    response = poll(client, dashboard)
    assert response.status_code == 200
    assert "card-situation" in swapped(response)  # the crisis's own topic moved, beside the journal's entry


def test_a_rida_change_rerenders_the_card_following_the_rida_only(client, crisis, director, dashboard):
    services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    response = poll(client, dashboard)
    assert response.status_code == 200
    assert swapped(response) == {"decisions-card"}
    assert 'id="card-journal"' not in response.content.decode()


def test_a_card_whose_topics_did_not_move_is_not_computed(client, crisis, director, dashboard):
    computed = []

    def counted(declared):
        def context(target, user):
            computed.append(declared.name)
            return declared.context(target, user)

        return replace(declared, context=context)

    with plugins.restored():
        plugins._cards[:] = [counted(c) if c.context else c for c in plugins._cards]
        live.bump(crisis.establishment, Topic.PRINTS)  # the paper kit's card only
        assert swapped(poll(client, dashboard)) == {"card-kit"}
    assert computed == ["kit"]


def test_an_unchanged_poll_with_counters_costs_one_query(
    client, crisis, director, dashboard, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the session with its user, the counters and the membership
        assert poll(client, dashboard).status_code == 204


def test_a_poll_without_counters_or_with_garbage_gets_every_card_it_may_see(client, crisis, director, observer):
    client.force_login(observer)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    page = client.get(url).content.decode()
    shown = set(re.findall(r'id="(card-[a-z]+|decisions-card)"', page))
    seen = live.version(crisis, dashboard_topics())
    for query in ({"v": int(seen) - 1}, {"v": 0, "c": "journal:abc"}, {"v": 0, "c": ""}):
        response = client.get(url, query, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, query
        assert swapped(response) == shown, query


def test_the_counters_poll_keeps_the_access_rules(client, crisis, outsider):
    client.force_login(outsider)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    assert client.get(url, {"v": 0, "c": "journal:0"}, HTTP_HX_REQUEST="true").status_code == 404


def test_a_poll_without_htmx_gets_the_whole_page(client, crisis, director):
    client.force_login(director)
    response = client.get(reverse("crisis:dashboard", args=[crisis.pk]), {"v": 0, "c": "journal:0"})
    assert response.status_code == 200 and "<html" in response.content.decode()


def test_the_establishment_home_rerenders_its_crises_card_for_a_crisis_closed(client, establishment, crisis, director):
    client.force_login(director)
    url = poll_url(client.get(reverse("crisis:establishment", args=[establishment.pk])).content.decode())
    services.journal_append(crisis=crisis, by=director, text="Rien pour la page d'accueil")
    assert poll(client, url).status_code == 204
    services.crisis_close(crisis=crisis, by=director)
    response = poll(client, url)
    assert response.status_code == 200
    assert swapped(response) == {"card-crises"}
    assert poll(client, poll_url(response.content.decode())).status_code == 204


def test_the_counters_of_a_scope_match_its_version(crisis, establishment, director):
    services.journal_append(crisis=crisis, by=director, text="Une entrée")
    live.bump(establishment, Topic.PRINTS)
    for scope, topics in ((crisis, dashboard_topics()), (establishment, establishment_topics())):
        counters = live.counters(scope, topics)
        assert set(counters) == set(topics)
        assert str(sum(counters.values())) == live.version(scope, topics)
        user_counters = live.counters_for_user(
            director, topics=topics, **({"crisis_id": crisis.pk} if scope is crisis else {"establishment_id": scope.pk})
        )
        assert user_counters == counters


# --- shared cards: rendered once per change, given to every member ------------------------------------


def test_a_shared_card_is_rendered_once_for_the_members_who_poll_after_the_same_change(
    client, crisis, director, scribe, dashboard
):
    """The journal's two cards are the same for everyone: after an entry, the first member's poll
    computes them; the next member's answer holds the same cards without their context functions."""
    computed = []

    def counted(declared):
        def context(target, user):
            computed.append((declared.name, user))
            return declared.context(target, user)

        return replace(declared, context=context)

    client.force_login(scribe)
    scribe_url = poll_url(client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode())
    with plugins.restored():
        plugins._cards[:] = [counted(c) if c.context else c for c in plugins._cards]
        services.journal_append(crisis=crisis, by=scribe, text="Téléphonie IP coupée", priority="urgent")
        first = poll(client, scribe_url)
        client.force_login(director)
        second = poll(client, dashboard)
    assert swapped(first) == swapped(second) == {"card-journal", "card-urgent"}
    assert "Téléphonie IP coupée" in second.content.decode()
    assert sorted(computed) == [("journal", None), ("urgent", None)]  # once, and never with a user


def test_a_shared_card_with_a_clock_is_rendered_again_when_its_clock_turns(crisis, director, monkeypatch):
    """The journal card counts the last hour's entries: kept a minute at most, even with no entry."""
    membership = director.memberships.get()
    counters = live.counters(crisis, dashboard_topics())
    now = [1_000_000.0]
    monkeypatch.setattr(plugins.time, "time", lambda: now[0])
    calls = []
    with plugins.restored():
        plugins._cards[:] = [
            replace(c, context=lambda t, u, c=c: calls.append(c.name) or c.context(t, u)) if c.name == "journal" else c
            for c in plugins._cards
        ]
        for seconds in (0, 30, 59, 61):
            now[0] = 1_000_020.0 + seconds
            plugins.cards_for(crisis, membership, director, counters=counters)
    assert calls == ["journal", "journal"]  # at 0 s, then once its minute turned (61 s)


def test_a_shared_card_must_follow_topics_and_a_clock_is_for_shared_cards():
    with plugins.restored(), pytest.raises(ValueError, match="follows topics"):
        plugins.card(plugins.Scope.CRISIS, "sans-sujet", "crisis/cards/journal.html", shared=True)
    with plugins.restored(), pytest.raises(ValueError, match="clock"):
        plugins.card(plugins.Scope.CRISIS, "horloge", "crisis/cards/journal.html", topics=("journal",), clock=60)


# --- rendered after the write, before the polls --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_after_an_entry_is_committed_the_polls_are_given_cards_rendered_by_the_write(
    client, crisis, director, scribe, dashboard
):
    """The write renders the shared cards its topics moved, once committed: no member's poll
    computes them, the first of its worker included."""
    computed = []
    with plugins.restored():
        plugins._cards[:] = [
            replace(c, context=lambda t, u, c=c: computed.append(c.name) or c.context(t, u)) if c.context else c
            for c in plugins._cards
        ]
        services.journal_append(crisis=crisis, by=scribe, text="Messagerie rétablie", priority="urgent")
        assert sorted(computed) == ["journal", "urgent"]  # by the write, after its commit
        answer = poll(client, dashboard)
    assert swapped(answer) == {"card-journal", "card-urgent"}
    assert "Messagerie rétablie" in answer.content.decode()
    assert sorted(computed) == ["journal", "urgent"]  # the poll computed nothing


@pytest.mark.django_db(transaction=True)
def test_moved_is_sent_once_per_topic_after_the_commit_and_never_for_a_rolled_back_write(crisis):
    sent = []

    def receiver(sender, scope, topics, **kwargs):
        sent.append((scope.pk, sorted(topics)))

    live.moved.connect(receiver)
    try:
        with transaction.atomic():
            for _n in range(5):
                with transaction.atomic():  # each write its own savepoint, as services do in an import
                    live.bump(crisis, Topic.JOURNAL)
            live.bump(crisis, Topic.RIDA)
            assert sent == []  # not before the commit
        assert sorted(sent) == [(crisis.pk, ["journal"]), (crisis.pk, ["rida"])]
        sent.clear()
        with pytest.raises(RuntimeError), transaction.atomic():
            live.bump(crisis, Topic.JOURNAL)
            raise RuntimeError("la saisie échoue")
        assert sent == []
        live.bump(crisis, Topic.JOURNAL)  # no transaction: sent at once, the statement committed
        assert sent == [(crisis.pk, ["journal"])]
    finally:
        live.moved.disconnect(receiver)


@pytest.mark.django_db(transaction=True)
def test_a_card_that_fails_to_warm_leaves_the_write_done(crisis, scribe, caplog):
    def broken(target, user):
        raise RuntimeError("carte cassée")

    with plugins.restored():
        plugins._cards[:] = [replace(c, context=broken) if c.name == "urgent" else c for c in plugins._cards]
        entry = services.journal_append(crisis=crisis, by=scribe, text="Coupure réseau", priority="urgent")
    assert entry.pk and crisis.journal_entries.filter(pk=entry.pk).exists()
    assert "carte cassée" in caplog.text


def test_an_establishment_topic_warms_its_home_and_its_open_crises_dashboards(
    establishment, crisis, director, monkeypatch
):
    """Procedures and tickets are the establishment's: their cards show on its home page and on
    the dashboards of its open crises (not of a closed one)."""
    closed = services.crisis_create(establishment=establishment, by=director, title="Exercice passé")
    services.crisis_close(crisis=closed, by=director, note="Fin de l'exercice")
    warmed = []
    monkeypatch.setattr(
        plugins,
        "_shared_html",
        lambda card, target, counters, oob: warmed.append((type(target).__name__, target.pk, card.name, oob)),
    )
    plugins.warm_shared_cards(type(establishment), scope=establishment, topics=frozenset(["procedures", "tickets"]))
    assert sorted(warmed) == [
        ("Crisis", crisis.pk, "applications", True),
        ("Crisis", crisis.pk, "tickets", True),
        ("Establishment", establishment.pk, "tickets", True),
    ]


def test_a_poll_that_missed_reads_the_crisis_with_its_counters(client, crisis, director, dashboard):
    """One statement gives the access, the counters and the crisis: the cards read nothing of it again."""
    services.journal_append(crisis=crisis, by=director, text="Messagerie chiffrée", priority="urgent")
    with CaptureQueriesContext(connection) as queries:
        response = poll(client, dashboard)
    assert response.status_code == 200 and swapped(response) == {"card-journal", "card-urgent"}
    access = [q["sql"] for q in queries.captured_queries if "crisis_membership" in q["sql"]]
    assert len(access) == 1 and "live" in access[0] and '"title"' in access[0], queries.captured_queries
