"""The live RIDA table: rows rendered once, a poll that sends only what changed, one list of members per page."""

import html
import importlib
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crisis import live, selectors, services
from crisis.models import LiveTopic, Membership, RidaLine, Role, Topic
from crisis.permissions import Cap
from crisis.views.rida import RIDA_TOPICS
from tests.conftest import login, make_user
from web.compiled import compiled

rida_views = importlib.import_module("crisis.views.rida")  # the module, not the view of the same name

ROW = re.compile(r'<tr id="rida-(\d+)"(?! hx-swap-oob="delete")')
HTMX = {"HTTP_HX_REQUEST": "true"}


def add(crisis, by, n=1, **fields):
    return [services.rida_create(crisis=crisis, by=by, text=f"Action {i}", **fields) for i in range(n)]


def poll_url(page_html: str) -> str:
    """The next poll, as the page (or a poll's answer) wrote it."""
    return html.unescape(re.search(r'id="rida-poll" hx-get="([^"]+)"', page_html).group(1))


def rows(content: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(content)]


def table_url(crisis) -> str:
    return reverse("crisis:rida", args=[crisis.pk])


def test_a_change_stamps_the_line_with_the_crisis_rida_counter_it_moved(crisis, director):
    first, second = add(crisis, director, 2)
    services.rida_update(line=first, by=director, status="en_cours")
    counter = LiveTopic.objects.get(crisis=crisis, topic=Topic.RIDA).version
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.live_version, first.live_version, counter) == (2, 3, 3)
    assert live.version_and_counter(crisis, RIDA_TOPICS, Topic.RIDA)[1] == 3


def test_a_poll_after_one_line_changed_sends_that_row_only(client, crisis, director):
    lines = add(crisis, director, 55)
    page = login(client, director).get(table_url(crisis)).content.decode()
    assert len(rows(page)) == 50
    changed = lines[30]
    services.rida_update(line=changed, by=director, text="Rappeler le laboratoire (modifiée)")
    response = client.get(poll_url(page), **HTMX)
    content = response.content.decode()
    assert response.status_code == 200 and "HX-Retarget" not in response.headers
    assert rows(content) == [changed.pk]
    assert f'<tr id="rida-{changed.pk}" hx-swap-oob="true"' in content and "(modifiée)" in content
    assert 'id="rida-live"' not in content and 'id="rida-count"' not in content  # the count did not move
    assert len(content) < 5_000
    # The answer's poller asks from there on: nothing new, 204.
    assert client.get(poll_url(content), **HTMX).status_code == 204


def test_a_new_line_appears_at_the_top_and_the_oldest_row_leaves_a_full_page(client, crisis, director):
    lines = add(crisis, director, 50)
    page = login(client, director).get(table_url(crisis)).content.decode()
    (new,) = add(crisis, director)
    content = client.get(poll_url(page), **HTMX).content.decode()
    assert rows(content) == [new.pk]
    assert '<tbody hx-swap-oob="afterbegin:#rida-rows">' in content
    assert f'<tr id="rida-{lines[0].pk}" hx-swap-oob="delete">' in content  # RIDA-001 goes to page 2
    assert 'id="rida-count" class="muted small" hx-swap-oob="true">51 lignes · page 1 sur 2' in content
    assert 'id="rida-pager" class="pager" hx-swap-oob="true"' in content
    assert f"rows={new.pk}." in poll_url(content)


def test_new_lines_on_an_unfull_page_are_added_in_number_order(client, crisis, director):
    add(crisis, director, 2)
    page = login(client, director).get(table_url(crisis)).content.decode()
    third, fourth = add(crisis, director, 2)
    content = client.get(poll_url(page), **HTMX).content.decode()
    assert rows(content) == [fourth.pk, third.pk]  # newest first, as the table
    assert 'hx-swap-oob="delete"' not in content


def test_on_page_two_a_new_line_shifts_the_rows_in_place(client, crisis, director):
    lines = add(crisis, director, 60)
    page = login(client, director).get(table_url(crisis), {"page": 2}).content.decode()
    assert rows(page) == [line.pk for line in reversed(lines[:10])]
    add(crisis, director)
    content = client.get(poll_url(page), **HTMX).content.decode()
    # The former last row of page 1 comes to the top of page 2; nothing is removed (page 2 is not full).
    assert rows(content) == [lines[10].pk] and "afterbegin:#rida-rows" in content
    assert "page 2 sur 2" in content


def test_a_filtered_page_takes_a_new_table_when_a_line_joins_between_its_rows(client, crisis, director):
    lines = add(crisis, director, 5)
    services.rida_update(line=lines[2], by=director, status="en_cours")
    url = table_url(crisis) + "?status=a_faire"
    page = login(client, director).get(url).content.decode()
    assert lines[2].pk not in rows(page)
    services.rida_update(line=lines[2], by=director, status="a_faire")  # back among the rows shown
    response = client.get(poll_url(page), **HTMX)
    content = response.content.decode()
    assert response.headers["HX-Retarget"] == "#rida-live" and response.headers["HX-Reswap"] == "outerHTML"
    assert content.lstrip().startswith('<div id="rida-live"')
    assert rows(content) == [line.pk for line in reversed(lines)]
    assert "status=a_faire" in poll_url(content)


def test_a_line_that_leaves_the_filter_is_removed_in_place(client, crisis, director):
    lines = add(crisis, director, 5)
    url = table_url(crisis) + "?status=a_faire"
    page = login(client, director).get(url).content.decode()
    services.rida_update(line=lines[2], by=director, status="en_cours")
    content = client.get(poll_url(page), **HTMX).content.decode()
    assert f'<tr id="rida-{lines[2].pk}" hx-swap-oob="delete">' in content
    assert rows(content) == [] and "4 lignes" in content


def test_a_line_overdue_since_the_page_joins_the_overdue_filter_in_a_new_table(client, crisis, director):
    soon = timezone.now() + timedelta(seconds=1)
    first, second, third = add(crisis, director, 3, due_at=timezone.now() - timedelta(hours=1))
    services.rida_update(line=second, by=director, due_at=soon)
    page = login(client, director).get(table_url(crisis) + "?overdue=1").content.decode()
    assert rows(page) == [third.pk, first.pk]
    services.rida_update(line=first, by=director, text="Relancer")  # something moves the version
    with mock.patch("django.utils.timezone.now", return_value=soon + timedelta(minutes=1)):
        response = client.get(poll_url(page), **HTMX)
    assert response.headers.get("HX-Retarget") == "#rida-live"
    assert rows(response.content.decode()) == [third.pk, second.pk, first.pk]


def test_a_change_of_another_topic_the_page_shows_gives_a_new_table(client, crisis, director):
    add(crisis, director, 3)
    page = login(client, director).get(table_url(crisis)).content.decode()
    services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    response = client.get(poll_url(page), **HTMX)
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#rida-live"


def test_a_poll_with_a_mangled_cursor_gets_a_new_table(client, crisis, director):
    add(crisis, director, 2)
    login(client, director)
    for query in ({"v": 0}, {"v": 0, "r": "x", "n": 2, "rows": "1.2"}, {"v": 0, "r": 0, "n": 2, "rows": "1." * 60}):
        response = client.get(table_url(crisis), query, **HTMX)
        assert response.status_code == 200 and response.headers["HX-Retarget"] == "#rida-live", query


def test_the_poll_refuses_an_outsider_and_answers_204_from_one_query_with_the_session(
    client, crisis, director, outsider, django_assert_num_queries
):
    add(crisis, director)
    page = login(client, director).get(table_url(crisis)).content.decode()
    with django_assert_num_queries(1):  # the session with its user, the topics and the membership
        assert client.get(poll_url(page), **HTMX).status_code == 204
    assert login(Client(), outsider).get(poll_url(page), **HTMX).status_code == 404


def test_the_polls_first_query_reads_the_version_the_rida_counter_and_the_crisis_with_the_access_rules(
    crisis, director, observer, outsider, django_assert_num_queries
):
    add(crisis, director, 2)
    services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())  # the version moves, not the RIDA
    with django_assert_num_queries(1):
        read = live.crisis_poll(director, topics=RIDA_TOPICS, crisis_id=crisis.pk)
        pair = (read.version, read.own[Topic.RIDA])
        assert (read.crisis.pk, read.crisis.title, read.crisis.establishment.pk) == (
            crisis.pk,
            crisis.title,
            crisis.establishment_id,
        )
        assert (read.membership.user, read.membership.role) == (director, "directeur")
    assert pair == live.version_and_counter(crisis, RIDA_TOPICS, Topic.RIDA) and int(pair[0]) > pair[1] == 2
    assert read.counters == live.counters(crisis, RIDA_TOPICS)
    with pytest.raises(Http404):
        live.crisis_poll(outsider, topics=RIDA_TOPICS, crisis_id=crisis.pk)
    with pytest.raises(PermissionDenied):
        live.crisis_poll(observer, topics=RIDA_TOPICS, crisis_id=crisis.pk, capability=Cap.MANAGE_RIDA)
    with pytest.raises(Http404):  # no such crisis
        live.crisis_poll(director, topics=RIDA_TOPICS, crisis_id=crisis.pk + 1000)


@pytest.mark.parametrize("filters", [selectors.RidaFilters(), selectors.RidaFilters(status="a_faire")])
def test_the_polls_keys_and_count_match_the_table_on_every_page(crisis, director, establishment, filters):
    lines = add(crisis, director, 7)
    services.rida_update(line=lines[3], by=director, status="en_cours")
    for asked in (1, 2, 3, 9):  # 9: past the last page, which is then the one read
        shown, total, pages = selectors.rida_page(crisis, filters, asked, 3)
        keys = selectors.rida_page_keys(crisis, filters, asked, 3)
        expected = [(line.pk, line.seq, line.live_version) for line in shown]
        assert keys == (expected, total, pages, min(asked, pages)), asked
    empty = services.crisis_create(establishment=establishment, by=director, title="Sans RIDA")
    assert selectors.rida_page_keys(empty, filters, 2, 3) == ([], 0, 1, 1)


def test_a_poll_that_sends_a_row_again_costs_three_queries_with_the_session(
    client, crisis, director, django_assert_num_queries
):
    lines = add(crisis, director, 55)
    page = login(client, director).get(table_url(crisis)).content.decode()
    services.rida_update(line=lines[-1], by=director, status="en_cours")
    # The session with its user, the version with the RIDA counter, the membership and the crisis;
    # the page's keys with the count; the changed line.
    with django_assert_num_queries(3):
        content = client.get(poll_url(page), **HTMX).content.decode()
    assert rows(content) == [lines[-1].pk]
    services.rida_update(line=lines[0], by=director, status="en_cours")  # on page 2: no row to read
    with django_assert_num_queries(2):
        content = client.get(poll_url(content), **HTMX).content.decode()
    assert rows(content) == [] and 'id="rida-poll"' in content


def test_rows_a_poll_adds_or_changes_carry_one_csrf_token_that_works(crisis, director):
    (first,) = add(crisis, director)
    client = Client(enforce_csrf_checks=True)
    page = login(client, director).get(table_url(crisis)).content.decode()
    services.rida_update(line=first, by=director, text="Rappeler le laboratoire")
    (new,) = add(crisis, director)
    with mock.patch.object(rida_views, "get_token", wraps=rida_views.get_token) as get_token:
        content = client.get(poll_url(page), **HTMX).content.decode()
    assert rows(content) == [first.pk, new.pk] and "afterbegin:#rida-rows" in content
    assert get_token.call_count == 1  # masked once for the changed row and the added one
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert len(tokens) == 4 and len(set(tokens)) == 1  # a status and an owner form on each row
    assert content.count(f'<input type="hidden" name="next" value="{table_url(crisis)}?page=1">') == 4
    response = client.post(
        reverse("crisis:rida-line-quick", args=[crisis.pk, new.pk]),
        {"csrfmiddlewaretoken": tokens[0], "status": "en_cours", "next": table_url(crisis)},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == "en_cours"


def test_a_poll_masks_no_csrf_token_when_no_row_has_a_form(client, crisis, director, observer):
    (first,) = add(crisis, director)
    page = login(client, observer).get(table_url(crisis)).content.decode()
    services.rida_update(line=first, by=director, text="Rappeler le laboratoire")
    add(crisis, director)
    with mock.patch.object(rida_views, "get_token", wraps=rida_views.get_token) as get_token:
        content = client.get(poll_url(page), **HTMX).content.decode()
    assert len(rows(content)) == 2 and "csrfmiddlewaretoken" not in content and "<!--rida-" not in content
    assert get_token.call_count == 0


def test_rows_render_once_and_again_only_when_their_line_changes(client, crisis, director):
    lines = add(crisis, director, 3)
    login(client, director)
    with mock.patch.object(rida_views, "render_to_string", wraps=rida_views.render_to_string) as rendered:
        page = client.get(table_url(crisis)).content.decode()
        assert rendered.call_count == 3
        client.get(table_url(crisis))
        assert rendered.call_count == 3  # the second page load takes every row from the cache
        services.rida_update(line=lines[1], by=director, status="en_cours")
        client.get(poll_url(page), **HTMX)
        assert rendered.call_count == 4


def test_a_kept_row_differs_by_what_the_member_may_do(client, crisis, director, observer):
    (line,) = add(crisis, director)
    manager = login(client, director).get(table_url(crisis)).content.decode()
    reader = login(Client(), observer).get(table_url(crisis)).content.decode()
    assert f'id="status-{line.pk}"' in manager and f'id="owner-{line.pk}"' in manager
    assert f'id="status-{line.pk}"' not in reader and f'id="owner-{line.pk}"' not in reader
    assert 'id="rida-owners"' not in reader


def test_a_kept_row_carries_each_members_own_csrf_token(crisis, director, scribe):
    (line,) = add(crisis, director)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    login(first, director).get(table_url(crisis))
    page = login(second, scribe).get(table_url(crisis)).content.decode()  # the row comes from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = second.post(
        reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk]),
        {"csrfmiddlewaretoken": token, "status": "en_cours", "next": table_url(crisis)},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == "en_cours"


def test_the_members_are_listed_once_per_page_not_once_per_row(client, crisis, director, establishment):
    for n in range(10):
        Membership.objects.create(
            user=make_user(f"membre{n}", "Membre", f"N{n}"), establishment=establishment, role=Role.LOGISTIQUE
        )
    idle = make_user("sans-ligne", "Iris", "Sans-Ligne")
    Membership.objects.create(user=idle, establishment=establishment, role=Role.LOGISTIQUE)
    lines = add(crisis, director, 20, owner=director)
    page = login(client, director).get(table_url(crisis)).content.decode()
    assert page.count('<template id="rida-owners">') == 1
    # The filter's "Porteur" and the page's one list: twice, whatever the number of rows.
    assert page.count(f'<option value="{idle.pk}"') == 2
    owners = re.findall(r'<select name="owner" id="owner-\d+"[^>]*>(.*?)</select>', page)
    assert len(owners) == len(lines) and all(row.count("<option") == 2 for row in owners)  # blank and the owner
    assert f'<select name="owner" id="owner-{lines[0].pk}" data-choices="rida-owners">' in page


def test_the_page_without_javascript_still_changes_a_lines_owner_and_status(client, crisis, director, scribe):
    (line,) = add(crisis, director)
    page = login(client, director).get(table_url(crisis)).content.decode()
    line_url = reverse("crisis:rida-line", args=[crisis.pk, line.pk])
    assert f'<a href="{line_url}" class="small">Changer' in page  # in <noscript>, beside the owner
    edit = client.get(line_url).content.decode()
    assert f'<option value="{scribe.pk}"' in edit  # the line's own form lists every member
    form = {
        "theme": "",
        "text": line.text,
        "owner": scribe.pk,
        "owner_other": "",
        "due_at": "",
        "status": "a_faire",
        "answer": "",
        "abandon_reason": "",
    }
    assert client.post(line_url, form).status_code == 302
    quick = reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk])
    response = client.post(quick, {"status": "en_cours", "next": f"{table_url(crisis)}?page=1"})
    assert response.status_code == 302 and response.url == f"{table_url(crisis)}?page=1"
    line.refresh_from_db()
    assert (line.owner, line.status) == (scribe, "en_cours")


# --- warmed before the workers fork ----------------------------------------------------------------


def test_the_first_rida_page_is_rendered_before_the_workers_fork_for_both_kinds_of_member(
    client, crisis, director, observer, monkeypatch
):
    """The master renders the open crises' first RIDA page for a member who keeps the RIDA and for
    one who may change nothing: their first page after a start renders no row; a closed crisis is
    not warmed."""
    from django.core.cache import caches

    rida_views = importlib.import_module("crisis.views.rida")  # crisis.views.rida is also the view's name
    for n in range(4):
        services.rida_create(crisis=crisis, by=director, kind="action", text=f"Relancer le fournisseur {n}")
    caches["fragments"].clear()
    assert rida_views.warm_first_pages() == 8  # four rows, two kinds of member
    rendered = []
    original = rida_views.render_to_string
    monkeypatch.setattr(
        rida_views,
        "render_to_string",
        lambda name, *a, **k: rendered.append(name) or original(name, *a, **k),
    )
    for member in (director, observer):
        client.force_login(member)
        assert "Relancer le fournisseur 3" in client.get(table_url(crisis)).content.decode()
    assert rida_views.ROW_TEMPLATE not in rendered
    services.crisis_close(crisis=crisis, by=director)
    assert rida_views.warm_first_pages() == 0


def test_warming_the_rida_without_a_database_lets_the_server_start(monkeypatch, db):
    from django.db import DatabaseError

    from crisis.models import Crisis
    from crisis.views.rida import warm_first_pages

    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(Crisis.objects, "filter", unreachable)
    assert warm_first_pages() == 0


def test_an_inline_change_renders_the_row_for_the_cell_s_next_polls(client, crisis, director, observer, monkeypatch):
    """The member who changes a status renders the row for both kinds of member: the polls that
    follow (a RIDA keeper's, an observer's) are given it, none renders it."""
    from django.core.cache import caches

    rida_views = importlib.import_module("crisis.views.rida")
    line = services.rida_create(crisis=crisis, by=director, kind="action", text="Rappeler le laboratoire")
    pages = {}
    for member in (director, observer):
        pages[member.pk] = poll_url(login(client, member).get(table_url(crisis)).content.decode())
    caches["fragments"].clear()
    login(client, director)
    quick = reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk])
    assert client.post(quick, {"status": "en_cours"}, HTTP_HX_REQUEST="true").status_code == 200
    rendered = []
    original = rida_views.render_to_string
    monkeypatch.setattr(
        rida_views, "render_to_string", lambda name, *a, **k: rendered.append(name) or original(name, *a, **k)
    )
    for member in (director, observer):
        answer = login(client, member).get(pages[member.pk], HTTP_HX_REQUEST="true")
        assert answer.status_code == 200 and f'id="rida-{line.pk}"' in answer.content.decode()
    assert rida_views.ROW_TEMPLATE not in rendered
    assert "En cours" in answer.content.decode()


@pytest.mark.parametrize("count", [1, 3, 12])  # 12: past what is compiled once, read through the ORM
def test_the_lines_a_poll_sends_again_are_the_orms_own_objects_with_their_joins(
    crisis, director, establishment, count, django_assert_num_queries
):
    source = services.journal_append(crisis=crisis, by=director, text="Le laboratoire est coupé")
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    due = timezone.now() + timedelta(hours=2)
    lines = add(crisis, director, 1, owner=director, due_at=due, meeting=meeting, source_entry=source)
    lines += add(crisis, director, count - 1)
    other = services.crisis_create(establishment=establishment, by=director, title="Autre crise")
    stranger = add(other, director)[0]
    for _ in range(2):  # the second time from the compiled statement
        with django_assert_num_queries(1):
            read = selectors.rida_lines_by_pk(crisis, [line.pk for line in lines] + [stranger.pk])
            by_pk = {line.pk: line for line in read}
            # The joined rows are there, converted as the ORM converts them (aware datetimes on SQLite).
            first = by_pk[lines[0].pk]
            assert (first.owner, first.meeting, first.source_entry) == (director, meeting, source)
            assert first.meeting.scheduled_at.tzinfo is not None and first.due_at.tzinfo is not None
        expected = {line.pk: line for line in selectors.rida_lines(crisis).filter(pk__in=[line.pk for line in lines])}
        assert sorted(by_pk) == sorted(expected), "the other crisis's line is not read"
        for pk, line in by_pk.items():
            fields = [f.attname for f in line._meta.concrete_fields]
            assert [getattr(line, f) for f in fields] == [getattr(expected[pk], f) for f in fields]
            assert not line._state.adding and line._state.db == "default"


def test_a_line_asked_twice_is_read_once_and_a_statement_compiled_otherwise_than_expected_is_refused(crisis, director):
    lines = add(crisis, director, 2)
    assert sorted(line.pk for line in selectors.rida_lines_by_pk(crisis, [lines[0].pk, lines[0].pk, lines[1].pk])) == [
        lines[0].pk,
        lines[1].pk,
    ]
    with pytest.raises(ValueError, match="takes"):  # the crisis after the lines: the values would be swapped
        compiled("test-order", lambda: RidaLine.objects.filter(pk__in=[1]).filter(crisis_id=0), (0, 1)).fetch(
            [crisis.pk, 1]
        )
