"""Live pages follow topics: a write moves its topic's counter in its own transaction; a page re-renders only
when one of the topics it shows moved, and answers an unchanged poll with 204 after one query."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from crisis import live, services
from crisis.models import Crisis, Membership, Topic
from crisis.views.crises import dashboard_topics
from crisis.views.journal import JOURNAL_TOPICS
from crisis.views.meetings import MEETING_TOPICS
from crisis.views.rida import RIDA_TOPICS
from web import live as web_live
from web.models import Session
from web.sessions import Rider, SessionStore


def poll(client, url, seen, **query):
    return client.get(url, {"v": seen, **query}, HTTP_HX_REQUEST="true")


def test_an_entry_moves_the_journal_topic_only(crisis, scribe):
    journal, rida = live.version(crisis, [Topic.JOURNAL]), live.version(crisis, [Topic.RIDA])
    services.journal_append(crisis=crisis, by=scribe, text="Serveur de messagerie chiffré")
    assert int(live.version(crisis, [Topic.JOURNAL])) == int(journal) + 1
    assert live.version(crisis, [Topic.RIDA]) == rida


def test_a_write_rolled_back_leaves_the_version_where_it_was(crisis, scribe):
    before = live.version(crisis, JOURNAL_TOPICS)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.journal_append(crisis=crisis, by=scribe, text="Saisie abandonnée")
        raise RuntimeError("the request failed after the write")
    assert live.version(crisis, JOURNAL_TOPICS) == before


def test_a_record_change_moves_the_crisis_topic_and_a_refused_one_does_not(crisis, director):
    before = live.version(crisis, [Topic.CRISIS])
    services.crisis_update(crisis=crisis, by=director, severity=4)
    moved = live.version(crisis, [Topic.CRISIS])
    assert int(moved) == int(before) + 1
    with pytest.raises(Exception):  # noqa: B017 — ValidationError, whatever its message
        services.crisis_update(crisis=crisis, by=director, title=" ")
    assert live.version(crisis, [Topic.CRISIS]) == moved


def test_each_crisis_has_its_own_counters(crisis, establishment, director):
    other = services.crisis_create(establishment=establishment, by=director, title="Panne électrique")
    before = live.version(other, [Topic.JOURNAL])
    services.journal_append(crisis=crisis, by=director, text="Ailleurs")
    assert live.version(other, [Topic.JOURNAL]) == before


def test_the_helper_answers_204_only_for_the_current_version(rf):
    assert web_live.nothing_new(rf.get("/", {"v": "3"}), "3").status_code == 204
    assert web_live.nothing_new(rf.get("/", {"v": "2"}), "3") is None
    assert web_live.nothing_new(rf.get("/"), "3") is None


# --- a page re-renders for what it shows, and only for that ---------------------------------


def test_a_rida_change_does_not_rerender_the_journal_poll(client, crisis, director):
    client.force_login(director)
    url, seen = reverse("crisis:journal", args=[crisis.pk]), live.version(crisis, JOURNAL_TOPICS)
    after = Crisis.objects.get(pk=crisis.pk).journal_last_seq
    line = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    services.rida_update(line=line, by=director, status="en_cours")
    assert poll(client, url, seen, after=after).status_code == 204


def test_a_journal_entry_does_not_rerender_the_rida_poll(client, crisis, director):
    client.force_login(director)
    url, seen = reverse("crisis:rida", args=[crisis.pk]), live.version(crisis, RIDA_TOPICS)
    services.journal_append(crisis=crisis, by=director, text="Le standard ne répond plus.")
    assert poll(client, url, seen).status_code == 204


def test_a_rida_change_rerenders_the_rida_poll_and_the_dashboard(client, crisis, director):
    client.force_login(director)
    pages = {
        reverse("crisis:rida", args=[crisis.pk]): live.version(crisis, RIDA_TOPICS),
        reverse("crisis:dashboard", args=[crisis.pk]): live.version(crisis, dashboard_topics()),
    }
    services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    for url, seen in pages.items():
        response = poll(client, url, seen)
        assert response.status_code == 200 and "<html" not in response.content.decode(), url


def test_a_journal_entry_rerenders_the_journal_poll_even_when_filters_are_set(client, crisis, scribe):
    client.force_login(scribe)
    crisis.refresh_from_db()
    url = reverse("crisis:journal", args=[crisis.pk])
    seen = live.version(crisis, JOURNAL_TOPICS)
    query = {"after": crisis.journal_last_seq, "q": "réseau", "kind": "decision"}
    assert poll(client, url, seen, **query).status_code == 204
    services.journal_append(crisis=crisis, by=scribe, text="Réseau coupé", kind="decision")
    body = poll(client, url, seen, **query).content.decode()
    assert "Réseau coupé" in body and f"v={live.version(crisis, JOURNAL_TOPICS)}" in body


def test_the_dashboard_follows_the_prints_of_its_establishment(client, crisis, director):
    client.force_login(director)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    seen = live.version(crisis, dashboard_topics())
    assert poll(client, url, seen).status_code == 204
    live.bump(crisis.establishment, Topic.PRINTS)  # the kit card it shows changed
    response = poll(client, url, seen)
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_the_full_page_carries_the_version_of_its_topics(client, crisis, director):
    client.force_login(director)
    body = client.get(reverse("crisis:rida", args=[crisis.pk])).content.decode()
    assert f"?v={live.version(crisis, RIDA_TOPICS)}" in body


# --- the cheap answer ---------------------------------------------------------------


def _live_pages(crisis, director):
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    after = Crisis.objects.get(pk=crisis.pk).journal_last_seq
    return {
        reverse("crisis:dashboard", args=[crisis.pk]): {"v": live.version(crisis, dashboard_topics())},
        reverse("crisis:rida", args=[crisis.pk]): {"v": live.version(crisis, RIDA_TOPICS)},
        reverse("crisis:meeting", args=[crisis.pk, meeting.pk]): {"v": live.version(crisis, MEETING_TOPICS)},
        reverse("crisis:journal", args=[crisis.pk]): {"v": live.version(crisis, JOURNAL_TOPICS), "after": after},
    }


def _read_with_session(crisis) -> set[str]:
    return {reverse(name, args=[crisis.pk]) for name in ("crisis:dashboard", "crisis:rida", "crisis:journal")}


def test_every_live_page_answers_an_unchanged_poll_with_two_queries_at_most(
    client, crisis, director, django_assert_num_queries
):
    client.force_login(director)
    # The pages every member keeps open read the access and the topics with the session
    # (live.read_with_session); the others in a second statement.
    for url, query in _live_pages(crisis, director).items():
        with django_assert_num_queries(1 if url in _read_with_session(crisis) else 2) as queries:
            response = client.get(url, query, HTTP_HX_REQUEST="true")
        assert response.status_code == 204, url
        # No statement of its own reads the crisis to say "nothing new" (a poll may read its row with the counters).
        assert not [q for q in queries.captured_queries if "title" in q["sql"] and "live" not in q["sql"]], url


def test_the_cheap_poll_of_every_live_page_shows_nothing_to_an_outsider(client, crisis, director, outsider):
    pages = _live_pages(crisis, director)
    client.force_login(outsider)
    for url, query in pages.items():
        assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 404, url


def test_the_cheap_answer_of_an_establishment_page_costs_one_query_and_keeps_the_access_rules(
    rf, establishment, director, observer, outsider, django_assert_num_queries
):
    live.bump(establishment, "beds")
    request = rf.get("/", {"v": "1"})
    request.user = director
    with django_assert_num_queries(1):
        current = live.version_for_user(director, topics=["beds"], establishment_id=establishment.pk)
    assert current == "1" and web_live.nothing_new(request, current).status_code == 204
    with pytest.raises(Exception) as refused:  # noqa: PT011 — Http404 for an outsider
        live.version_for_user(outsider, topics=["beds"], establishment_id=establishment.pk)
    assert type(refused.value).__name__ == "Http404"
    with pytest.raises(Exception) as refused:  # noqa: PT011 — PermissionDenied without the capability
        live.version_for_user(observer, topics=["beds"], establishment_id=establishment.pk, capability="print")
    assert type(refused.value).__name__ == "PermissionDenied"


def test_an_establishment_page_sees_its_own_changes_and_its_crises_a_crisis_page_not_its_sisters(
    crisis, establishment, director
):
    sister = services.crisis_create(establishment=establishment, by=director, title="Panne électrique")
    before = int(live.version(establishment, ["beds"])), int(live.version(sister, ["beds"]))
    live.bump(crisis, "beds")
    assert int(live.version(establishment, ["beds"])) == before[0] + 1
    assert int(live.version(sister, ["beds"])) == before[1]
    live.bump(establishment, "beds")
    assert int(live.version(establishment, ["beds"])) == before[0] + 2
    assert int(live.version(sister, ["beds"])) == before[1] + 1


def test_a_page_following_no_topic_still_checks_access(establishment, outsider, director):
    assert live.version(establishment, []) == "0"
    assert live.version_for_user(director, topics=[], establishment_id=establishment.pk) == "0"
    with pytest.raises(Http404):
        live.version_for_user(outsider, topics=[], establishment_id=establishment.pk)


def test_an_establishment_live_view_answers_an_unchanged_poll_in_one_query_and_renders_otherwise(
    rf, establishment, director, django_assert_num_queries
):
    live.bump(establishment, "beds")
    page = rf.get("/")
    page.user = director
    with django_assert_num_queries(0):  # not a poll: the view renders as usual
        assert live.unchanged_poll(page, topics=["beds"], establishment_id=establishment.pk) is None
    seen = rf.get("/", {"v": live.version(establishment, ["beds"])})
    seen.user = director
    with django_assert_num_queries(1):
        assert live.unchanged_poll(seen, topics=["beds"], establishment_id=establishment.pk).status_code == 204
    live.bump(establishment, "beds")  # a bed changed: the same poll must render
    assert live.unchanged_poll(seen, topics=["beds"], establishment_id=establishment.pk) is None


def test_the_establishment_home_rerenders_for_a_crisis_closed_not_for_a_journal_entry(
    client, establishment, crisis, director
):
    client.force_login(director)
    url = reverse("crisis:establishment", args=[establishment.pk])
    seen = client.get(url).context["live_version"]
    services.journal_append(crisis=crisis, by=director, text="Rien pour la page d'accueil")
    assert poll(client, url, seen).status_code == 204  # the journal is not among the page's topics
    services.crisis_close(crisis=crisis, by=director)
    assert poll(client, url, seen).status_code == 200


# --- read with the session ----------------------------------------------------------


def test_a_poll_read_with_the_session_keeps_the_access_rules(client, crisis, director, outsider, establishment):
    """The access read in the session's statement refuses what the access helpers refuse."""
    polled = {url: query for url, query in _live_pages(crisis, director).items() if url in _read_with_session(crisis)}
    assert len(polled) == 3
    client.force_login(outsider)
    for url, query in polled.items():
        assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 404, url
    client.force_login(director)
    for url, query in polled.items():
        unknown = url.replace(f"/crises/{crisis.pk}/", f"/crises/{crisis.pk + 1000}/")
        assert client.get(unknown, query, HTTP_HX_REQUEST="true").status_code == 404, unknown
    Membership.objects.filter(user=director, establishment=establishment).update(is_active=False)
    for url, query in polled.items():
        assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 404, url


def test_a_poll_read_with_the_session_of_a_user_logged_out_elsewhere_is_sent_to_the_login(client, crisis, director):
    """A password changed elsewhere ends the session: the rows read with it are not used."""
    client.force_login(director)
    url, query = next(iter(_live_pages(crisis, director).items()))
    assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 204
    director.set_password("un autre mot de passe, changé ailleurs")
    director.save()
    response = client.get(url, query, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_rows_read_with_the_session_serve_only_the_user_of_its_signed_data(client, crisis, director, outsider):
    """A session row whose user column names a member (not something web.sessions writes) while its
    signed data names an outsider: the rows read for the member's id are not the outsider's."""
    client.force_login(outsider)
    Session.objects.update(user=director)
    for url, query in _live_pages(crisis, director).items():
        if url in _read_with_session(crisis):
            assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 404, url


def test_a_session_read_already_has_nothing_ride_on_it(scribe):
    store = SessionStore()
    store[SESSION_KEY] = str(scribe.pk)
    store.save()
    fresh = SessionStore(store.session_key)
    assert fresh.ride(Rider("k", "1", "", [])) is True
    assert fresh.get(SESSION_KEY) == str(scribe.pk) and fresh.ridden("k", scribe) == [(1,)]
    assert fresh.ridden("another", scribe) is None
    assert fresh.ride(Rider("k2", "2", "", [])) is False  # read already: the view reads on its own
    assert SessionStore().ride(Rider("k", "1", "", [])) is False  # no session yet


def _rode(user, crisis, topics) -> SessionStore:
    """A session of `user` that had a crisis poll's access and counters read with it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store.save()
    rode = SessionStore(store.session_key)
    assert rode.ride(live._rider(crisis.pk, tuple(topics)))
    rode.load()
    return rode


def test_the_counters_read_with_the_session_are_those_of_the_pages_own_statement(
    crisis, director, observer, establishment, django_assert_num_queries
):
    sister = services.crisis_create(establishment=establishment, by=director, title="Crise sœur")
    services.journal_append(crisis=sister, by=director, text="Ailleurs")  # not this crisis's counter
    live.bump(establishment, Topic.PRINTS)  # the establishment's: this crisis's dashboard shows it
    services.journal_append(crisis=crisis, by=director, text="Ici")
    topics = dashboard_topics()
    session = _rode(director, crisis, topics)
    with django_assert_num_queries(0):
        ridden = live.crisis_poll(director, crisis_id=crisis.pk, topics=topics, session=session)
        assert (ridden.crisis.title, ridden.membership.role) == (crisis.title, "directeur")
    direct = live.crisis_poll(director, crisis_id=crisis.pk, topics=topics)
    assert (ridden.counters, ridden.own, ridden.version) == (direct.counters, direct.own, direct.version)
    assert ridden.counters[Topic.PRINTS] > ridden.own[Topic.PRINTS] == 0 and ridden.counters[Topic.JOURNAL] > 0
    assert ridden.counters == live.counters(crisis, topics)
    with pytest.raises(PermissionDenied):  # the capability, as get_crisis_for_user checks it
        live.crisis_poll(
            observer, crisis_id=crisis.pk, topics=topics, session=_rode(observer, crisis, topics), capability="decide"
        )


def test_an_outsiders_statement_reads_nothing_of_the_crisis(crisis, outsider):
    session = _rode(outsider, crisis, dashboard_topics())
    assert session.ridden(live._rider_key(crisis.pk, dashboard_topics()), outsider) == [
        (None,) * len(session._ridden[3][0])
    ]


def test_a_session_whose_user_column_names_an_outsider_still_serves_the_member_of_its_data(
    client, crisis, director, outsider
):
    """The reverse of the forged column above: the rows read for the outsider are not used, and the
    member's poll is answered from its own statement (204), not refused."""
    client.force_login(director)
    Session.objects.update(user=outsider)
    for url, query in _live_pages(crisis, director).items():
        assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 204, url


def test_an_anonymous_session_polling_is_sent_to_the_login(client, crisis, director):
    client.get(reverse("web:login"))  # a session cookie, maybe: no user in it either way
    for url, query in _live_pages(crisis, director).items():
        response = client.get(url, query, HTTP_HX_REQUEST="true")
        assert response.status_code == 302 and reverse("web:login") in response["Location"], url
