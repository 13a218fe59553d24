"""Live pages: every write they show moves the scope's version in its own transaction; an unchanged one is a 204."""

import pytest
from django.db import transaction
from django.urls import reverse

from crisis import services
from crisis.models import Crisis, Establishment
from web import live


def version(crisis: Crisis) -> int:
    return Crisis.objects.values_list("live_version", flat=True).get(pk=crisis.pk)


def test_an_entry_moves_the_crisis_version(crisis, scribe):
    before = version(crisis)
    services.journal_append(crisis=crisis, by=scribe, text="Serveur de messagerie chiffré")
    assert version(crisis) == before + 1


def test_a_write_rolled_back_leaves_the_version_where_it_was(crisis, scribe):
    before = version(crisis)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.journal_append(crisis=crisis, by=scribe, text="Saisie abandonnée")
        raise RuntimeError("the request failed after the write")
    assert version(crisis) == before


def test_a_record_change_moves_the_version_and_a_refused_one_does_not(crisis, director):
    before = version(crisis)
    services.crisis_update(crisis=crisis, by=director, severity=4)
    assert version(crisis) > before
    moved = version(crisis)
    with pytest.raises(Exception):  # noqa: B017 — ValidationError, whatever its message
        services.crisis_update(crisis=crisis, by=director, title=" ")
    assert version(crisis) == moved


def test_bump_moves_an_establishment_version(establishment):
    Establishment.bump(establishment.pk)
    Establishment.bump(establishment.pk)
    assert Establishment.objects.get(pk=establishment.pk).live_version == 2


def test_the_helper_answers_204_only_for_the_current_version(rf):
    assert live.nothing_new(rf.get("/", {"v": "3.1"}), live.version_of(3, 1)).status_code == 204
    assert live.nothing_new(rf.get("/", {"v": "2.1"}), live.version_of(3, 1)) is None
    assert live.nothing_new(rf.get("/"), live.version_of(3, 1)) is None


def test_the_dashboard_version_follows_the_establishment_too(client, crisis, director):
    client.force_login(director)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    crisis.refresh_from_db()
    seen = live.version_of(crisis.live_version, crisis.establishment.live_version)
    assert client.get(url, {"v": seen}, HTTP_HX_REQUEST="true").status_code == 204
    Establishment.bump(crisis.establishment_id)  # the kit card it shows changed
    response = client.get(url, {"v": seen}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_the_journal_poll_answers_204_from_the_version_even_when_filters_are_set(client, crisis, scribe):
    client.force_login(scribe)
    crisis.refresh_from_db()
    url = reverse("crisis:journal", args=[crisis.pk])
    query = {"v": crisis.live_version, "after": crisis.journal_last_seq, "q": "réseau", "kind": "decision"}
    assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 204
    services.journal_append(crisis=crisis, by=scribe, text="Réseau coupé", kind="decision")
    body = client.get(url, query, HTTP_HX_REQUEST="true").content.decode()
    assert "Réseau coupé" in body and f"v={crisis.live_version + 1}" in body


def _live_pages(crisis, director):
    from django.utils import timezone

    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    crisis.refresh_from_db()
    both = live.version_of(crisis.live_version, crisis.establishment.live_version)
    return {
        reverse("crisis:dashboard", args=[crisis.pk]): both,
        reverse("crisis:rida", args=[crisis.pk]): str(crisis.live_version),
        reverse("crisis:meeting", args=[crisis.pk, meeting.pk]): str(crisis.live_version),
    }


def test_every_live_page_answers_an_unchanged_poll_with_two_queries_at_most(
    client, crisis, director, django_assert_max_num_queries
):
    client.force_login(director)
    for url, seen in _live_pages(crisis, director).items():
        with django_assert_max_num_queries(2) as queries:  # session with its user, versions with the membership
            response = client.get(url, {"v": seen}, HTTP_HX_REQUEST="true")
        assert response.status_code == 204, url
        # No crisis is loaded to say "nothing new": the versions and the role only.
        assert not [q for q in queries.captured_queries if "title" in q["sql"]], url


def test_the_cheap_poll_of_every_live_page_shows_nothing_to_an_outsider(client, crisis, director, outsider):
    pages = _live_pages(crisis, director)
    client.force_login(outsider)
    for url, seen in pages.items():
        assert client.get(url, {"v": seen}, HTTP_HX_REQUEST="true").status_code == 404, url
