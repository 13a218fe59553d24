"""HTML rendered once and shared (web.fragments): a member gets only the parts their capabilities allow."""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse

from crisis import services
from web import fragments

SHARED = (
    "<p>Entrée #4<!--member:manage_rida--> · <a>suite à donner</a><!--/member:manage_rida-->"
    "<!--member:decide--> · <a>enregistrer comme décision</a><!--/member:decide--></p>"
)


def test_a_member_gets_the_parts_of_the_capabilities_they_hold_and_no_marker():
    assert fragments.for_member(SHARED, {"manage_rida", "decide"}) == (
        "<p>Entrée #4 · <a>suite à donner</a> · <a>enregistrer comme décision</a></p>"
    )
    assert fragments.for_member(SHARED, {"decide"}) == "<p>Entrée #4 · <a>enregistrer comme décision</a></p>"
    assert fragments.for_member(SHARED, set()) == "<p>Entrée #4</p>"


def test_stored_text_cannot_fake_a_marker_once_escaped():
    typed = "<!--/member:decide--> <a href='x'>piège</a>"
    html = Template("<!--member:decide-->{{ text }}<!--/member:decide-->").render(Context({"text": typed}))
    assert fragments.for_member(html, set()) == ""
    assert "<a href" not in fragments.for_member(html, {"decide"})


def test_the_page_and_the_poll_offer_the_links_by_capability(client, crisis, scribe, observer):
    """The same entry's HTML, kept once: the scribe (RIDA, no decision) gets the follow-up link only,
    the observer neither; their answers never carry the markers."""
    page = reverse("crisis:journal", args=[crisis.pk])
    services.journal_append(crisis=crisis, by=scribe, text="Arrêt des automates", kind="decision")
    for user, follow_up in ((scribe, True), (observer, False)):
        client.force_login(user)
        body = client.get(page).content.decode()
        assert ("suite à donner" in body) is follow_up
        assert "enregistrer comme décision" not in body and "<!--member:" not in body


# --- shared between the processes: rendered by one worker for all --------------------------------

# Two processes' own caches, as a test can have them: the second is the first cleared.
SHARED_LOCMEM = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "shared-between-processes",
}


def caches_with(shared: dict) -> dict:
    return {**settings.CACHES, fragments.SHARED_ALIAS: shared}


def test_html_shared_by_one_process_is_given_to_another_without_rendering():
    rendered = []

    def render():
        rendered.append(1)
        return "<div id=card-journal>12 entrées</div>"

    with override_settings(CACHES=caches_with(SHARED_LOCMEM)):
        first = fragments.get_or_render("card:test:1", render, timeout=60, share=True)
        caches[fragments.ALIAS].clear()  # another worker: its own cache is empty
        second = fragments.get_or_render("card:test:1", render, timeout=60, share=True)
        caches[fragments.ALIAS].clear()
        kept_in_the_process = caches[fragments.ALIAS].get("card:test:1")
        fragments.get_or_render("card:test:1", render, timeout=60, share=True)
        assert caches[fragments.ALIAS].get("card:test:1") == first  # taken into the process's own
    assert first == second == "<div id=card-journal>12 entrées</div>"
    assert rendered == [1] and kept_in_the_process is None


def test_rows_shared_by_one_process_are_given_to_another_and_only_the_missing_rendered():
    rendered = []

    def render(n):
        rendered.append(n)
        return f"<tr id=rida-{n}></tr>"

    with override_settings(CACHES=caches_with(SHARED_LOCMEM)):
        fragments.render_many([1, 2], lambda n: f"row:{n}", render, share=True)
        caches[fragments.ALIAS].clear()  # another worker
        rows = fragments.render_many([1, 2, 3], lambda n: f"row:{n}", render, share=True)
        assert caches[fragments.ALIAS].get("row:1") == "<tr id=rida-1></tr>"  # taken into its own
    assert rows == ["<tr id=rida-1></tr>", "<tr id=rida-2></tr>", "<tr id=rida-3></tr>"]
    assert rendered == [1, 2, 3]


def test_html_not_shared_stays_in_its_process():
    with override_settings(CACHES=caches_with(SHARED_LOCMEM)):
        fragments.get_or_render("mine", lambda: "<p>à moi</p>", timeout=60)
        fragments.get_or_render("ours", lambda: "<p>à tous</p>", timeout=60, share=True)
        assert fragments.shared.get("mine") is None
        assert fragments.shared.get("ours") == "<p>à tous</p>"


def test_a_restarted_server_does_not_read_what_the_one_before_kept(monkeypatch):
    """After a restart (a deploy, a database restored to earlier counters), the same key may name
    other HTML: the server's generation keeps the two apart."""
    with override_settings(CACHES=caches_with(SHARED_LOCMEM)):
        fragments.get_or_render("card:journal:12", lambda: "<p>avant</p>", timeout=60, share=True)
        caches[fragments.ALIAS].clear()
        monkeypatch.setattr(fragments, "GENERATION", "redemarre")
        after = fragments.get_or_render("card:journal:12", lambda: "<p>après</p>", timeout=60, share=True)
    assert after == "<p>après</p>"


def test_a_shared_cache_that_fails_costs_one_attempt_then_is_left_alone(caplog, monkeypatch):
    """Redis gone (nothing listens on the port): the HTML is rendered here, and the next requests of
    the process do not try again until RETRY_SECONDS have passed."""
    dead = {
        "BACKEND": "web.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    attempts = []
    now = [1000.0]
    monkeypatch.setattr(fragments.time, "monotonic", lambda: now[0])
    with override_settings(CACHES=caches_with(dead)):
        backend = caches[fragments.SHARED_ALIAS]
        original = backend.get
        monkeypatch.setattr(backend, "get", lambda *a, **k: attempts.append(1) or original(*a, **k))
        answers = [fragments.get_or_render(f"k{n}", lambda: "<p>rendu ici</p>", share=True) for n in range(5)]
        assert answers == ["<p>rendu ici</p>"] * 5
        assert len(attempts) == 1
        now[0] += fragments.RETRY_SECONDS + 1
        fragments.get_or_render("k-later", lambda: "<p>rendu ici</p>", share=True)
        assert len(attempts) == 2  # tried again once the pause is over
    assert "shared fragment cache unavailable" in caplog.text


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as deployed")
def test_html_is_shared_through_the_deployed_redis():
    redis_cache = {
        "BACKEND": "web.redis_cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": f"test-fragments-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES=caches_with(redis_cache)):
        fragments.get_or_render("card:redis", lambda: "<p>une fois</p>", timeout=30, share=True)
        caches[fragments.ALIAS].clear()
        again = fragments.get_or_render("card:redis", lambda: "<p>deux fois</p>", timeout=30, share=True)
    assert again == "<p>une fois</p>"
