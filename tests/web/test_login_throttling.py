"""Login throttling, as the README promises it ("Connexion : limitation des échecs").

- the first 3 failures for an account from an address cost nothing;
- each further one doubles the wait before that address may try that account again
  (2 s, 4 s, 8 s... up to 60 s); an attempt during the wait is refused unchecked;
- after 10, that address is refused for that account for 15 minutes after its last failure;
- a correct password from an address that has not itself failed for that account always
  gets in: neither 50 failures from elsewhere nor 30 behind the cell's router lock anyone out;
- an account (50 failures in the window) or an address (30) under attack: every address that
  fails for it waits from its first failure and is refused after its third.

Waiting is simulated by moving the failure rows back in time, never by sleeping.
"""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, make_user
from web.models import LoginFailure
from web.ratelimit import client_address

ROUTER = "192.0.2.10"  # the cell's 4G router: every member's laptop behind it
ELSEWHERE = "203.0.113.66"


def web_login(client, username, password, address=ROUTER):
    response = client.post(reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=address)
    return response


def logged_in(client, response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def api_login(username, password, address=ROUTER):
    body = {"username": username, "password": password}
    return APIClient().post(reverse("crisis:api-token"), body, format="json", REMOTE_ADDR=address)


def time_passes(seconds: float) -> None:
    """Every failure happened `seconds` earlier."""
    shift = timedelta(seconds=seconds)
    LoginFailure.objects.update(last_failure_at=F("last_failure_at") - shift, retry_at=F("retry_at") - shift)


def fail(username, address=ROUTER, times=1) -> None:
    """Wrong passwords, each one sent once the previous wait is over (a patient guesser).

    Only this pair's wait is skipped, so that the failures of other pairs stay in the window.
    """
    for _ in range(times):
        response = api_login(username, "mauvais", address)
        assert response.status_code == 400, response.json()
        last = LoginFailure.objects.order_by("-last_failure_at").first()
        if last.failures < 10:  # a refused pair stays refused
            LoginFailure.objects.filter(pk=last.pk).update(retry_at=F("last_failure_at"))


def test_three_typos_cost_nothing(client, director):
    for _ in range(3):
        assert web_login(client, "director", "mauvais").status_code == 200
    assert logged_in(client, web_login(client, "director", PASSWORD))


def test_after_the_free_failures_each_one_doubles_the_wait(director):
    for _ in range(3):
        api_login("director", "mauvais")
    for expected_wait in (2, 4, 8, 16, 32, 60):
        assert api_login("director", "mauvais").status_code == 400
        refused = api_login("director", PASSWORD)  # the right password, too early: refused unchecked
        assert refused.status_code == 429
        assert refused["Retry-After"] == str(expected_wait)
        assert f"réessayez dans {expected_wait} secondes" in refused.json()["detail"]
        time_passes(expected_wait - 1)
        assert api_login("director", PASSWORD).status_code == 429
        time_passes(1)


def test_after_ten_failures_the_address_is_refused_for_fifteen_minutes(client, director):
    fail("director", times=10)
    response = web_login(client, "director", PASSWORD)
    assert not logged_in(client, response)
    assert "Trop de tentatives" in response.content.decode()
    time_passes(14 * 60 + 59)  # 15 minutes after the last failure, less a second
    assert api_login("director", PASSWORD).status_code == 429
    time_passes(1)
    assert logged_in(client, web_login(client, "director", PASSWORD))


def test_fifty_failures_from_elsewhere_do_not_lock_the_director_out(client, director):
    for n in range(25):
        fail("director", f"198.51.100.{n}", times=2)
    assert api_login("director", PASSWORD).status_code == 200
    assert logged_in(client, web_login(client, "director", PASSWORD))


def test_thirty_failures_behind_the_cells_router_lock_out_nobody_else(client, director, scribe):
    for n in range(30):
        fail(f"inconnu{n}", ROUTER)
    fail("scribe", ROUTER, times=3)
    assert logged_in(client, web_login(client, "director", PASSWORD))
    assert api_login("scribe", PASSWORD).status_code == 200  # her own three typos were free


def test_an_account_under_attack_makes_failing_addresses_wait_from_their_first_failure(director):
    for n in range(25):
        fail("director", f"198.51.100.{n}", times=2)
    attacker = "198.51.100.200"
    assert api_login("director", "devine", attacker).status_code == 400
    assert api_login("director", "devine", attacker).status_code == 429  # no free failure any more
    time_passes(2)
    assert api_login("director", "devine", attacker).status_code == 400
    time_passes(4)
    assert api_login("director", "devine", attacker).status_code == 400
    time_passes(14 * 60)
    assert api_login("director", PASSWORD, attacker).status_code == 429  # refused after its third
    assert api_login("director", PASSWORD, ELSEWHERE).status_code == 200  # a clean address still gets in


def test_an_address_under_attack_cannot_guess_other_accounts_freely(director, scribe):
    for n in range(30):
        fail(f"inconnu{n}", ELSEWHERE)
    assert api_login("scribe", "devine", ELSEWHERE).status_code == 400
    assert api_login("scribe", "devine", ELSEWHERE).status_code == 429
    assert api_login("scribe", PASSWORD, ROUTER).status_code == 200


def test_a_success_forgives_that_address_only(director):
    fail("director", ROUTER, times=3)
    fail("director", ELSEWHERE, times=4)
    assert api_login("director", PASSWORD, ROUTER).status_code == 200
    assert LoginFailure.objects.count() == 1
    assert api_login("director", "mauvais", ROUTER).status_code == 400  # free again from the router
    assert api_login("director", "mauvais", ELSEWHERE).status_code == 400
    assert api_login("director", PASSWORD, ELSEWHERE).status_code == 429  # still waiting there


def test_usernames_are_matched_whatever_their_case(director):
    fail("director", times=3)
    assert api_login("DIRECTOR", "mauvais").status_code == 400
    assert api_login("Director", PASSWORD).status_code == 429


def test_the_admin_login_is_throttled_too(client, db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", password=PASSWORD)
    fail("admin", times=10)
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ROUTER)
    assert response.status_code == 200 and "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_table_keeps_no_username_or_address(director):
    fail("director", ROUTER)
    row = LoginFailure.objects.get()
    assert "director" not in (row.user_key, row.address_key) and ROUTER not in (row.user_key, row.address_key)


def test_old_failures_are_pruned(db):
    fail("inconnu", ROUTER)
    time_passes(16 * 60)
    fail("autre", ROUTER)
    assert LoginFailure.objects.count() == 1


@pytest.mark.parametrize("cache_url", ["redis://127.0.0.1:6390/0"])  # nothing listens there
def test_logins_need_no_cache(client, director, settings, cache_url):
    settings.CACHES = {"default": {"BACKEND": "web.redis_cache.RedisCache", "LOCATION": cache_url}}
    fail("director", times=1)
    assert logged_in(client, web_login(client, "director", PASSWORD))
    assert client.get(reverse("crisis:home")).status_code == 200
    assert api_login("director", PASSWORD).status_code == 200


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(rf, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == "198.51.100.7"


def test_one_members_typos_do_not_slow_down_another(client, director, scribe):
    make_user("intern")
    fail("intern", times=10)
    assert logged_in(client, web_login(client, "director", PASSWORD))


# --- device cookies: a browser that has logged in keeps its way in -------------------------


def trusted_browser(client, username):
    """A browser that has logged in to this account once, then logged out (it keeps its device cookie)."""
    assert logged_in(client, web_login(client, username, PASSWORD))
    client.post(reverse("web:logout"))
    assert "console_device" in client.cookies
    return client


def test_an_attacker_behind_the_cells_router_cannot_lock_out_a_browser_that_logged_in_before(client, director):
    trusted_browser(client, "director")
    fail("director", ROUTER, times=10)  # the attacker shares the router's address
    assert api_login("director", PASSWORD, ROUTER).status_code == 429  # an untrusted client is refused
    assert logged_in(client, web_login(client, "director", PASSWORD, ROUTER))


def test_an_attack_on_the_account_from_many_addresses_does_not_shorten_a_trusted_browsers_free_failures(
    client, director
):
    trusted_browser(client, "director")
    for n in range(25):
        fail("director", f"198.51.100.{n}", times=2)
    for _ in range(3):
        assert web_login(client, "director", "mauvais").status_code == 200  # three typos, free
    assert logged_in(client, web_login(client, "director", PASSWORD))


def test_a_trusted_browser_is_still_slowed_down_by_its_own_failures(client, director):
    trusted_browser(client, "director")
    for _ in range(4):
        web_login(client, "director", "mauvais")
    response = web_login(client, "director", PASSWORD)
    assert not logged_in(client, response) and "Trop de tentatives" in response.content.decode()


def test_a_device_cookie_is_for_its_own_account_only(client, director, scribe):
    trusted_browser(client, "scribe")
    fail("director", ROUTER, times=10)
    assert not logged_in(client, web_login(client, "director", PASSWORD, ROUTER))


def test_a_tampered_or_forged_device_cookie_gives_no_trust(client, director):
    trusted_browser(client, "director")
    genuine = client.cookies["console_device"].value
    fail("director", ROUTER, times=10)
    for value in (genuine[:-2] + "xx", "forged"):
        client.cookies["console_device"] = value
        assert not logged_in(client, web_login(client, "director", PASSWORD, ROUTER))
