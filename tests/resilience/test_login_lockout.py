"""Lock-out resistance, measured: a patient attacker on the director's account from many addresses.

Run with -s for the figures (docs/reliability.md, "Login throttling"). Waiting is simulated
by moving the attacker's rows back in time (the attacker waits exactly what he is told).
"""

import time

import pytest
from django.db.models import F
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from web.models import LoginFailure
from web.ratelimit import _keys

ADDRESSES = 100
ROUTER = "192.0.2.10"


def attempt(username: str, password: str, address: str):
    body = {"username": username, "password": password}
    return APIClient().post(reverse("crisis:api-token"), body, format="json", REMOTE_ADDR=address)


def attack_from(address: str) -> tuple[int, int]:
    """Guess until refused for the window; (guesses checked, seconds waited)."""
    checked = waited = 0
    user_key, address_key = _keys("director", address)
    while True:
        response = attempt("director", f"devine-{checked}", address)
        if response.status_code == 400:
            checked += 1
            continue
        assert response.status_code == 429
        wait = int(response["Retry-After"])
        if wait > 60:  # refused for the window
            return checked, waited
        waited += wait
        pair = LoginFailure.objects.filter(user_key=user_key, address_key=address_key)
        pair.update(retry_at=F("last_failure_at"))


@pytest.mark.resilience
def test_a_distributed_attack_gets_few_guesses_and_locks_nobody_out(director, scribe, capsys):
    started = time.monotonic()
    results = [attack_from(f"198.51.100.{n}") for n in range(ADDRESSES)]
    elapsed = time.monotonic() - started
    guesses = [checked for checked, _waited in results]
    director_in = attempt("director", PASSWORD, ROUTER)
    director_elsewhere = attempt("director", PASSWORD, "203.0.113.7")
    scribe_in = attempt("scribe", PASSWORD, ROUTER)
    with capsys.disabled():
        print()
        print(f"{ADDRESSES} attacking addresses, each until refused: {sum(guesses)} passwords checked in all")
        print(f"  first address: {guesses[0]} checked after {results[0][1]} s of waits; last: {guesses[-1]} checked")
        print(
            f"  director from the cell's router: {director_in.status_code}; from a fresh address: {director_elsewhere.status_code}"
        )
        print(f"  scribe from the router: {scribe_in.status_code}; {elapsed:.1f} s of requests for the whole attack")
    assert guesses[0] == 10 and set(guesses[-50:]) == {3}  # under attack after 50 failures: 3 per address
    assert director_in.status_code == director_elsewhere.status_code == scribe_in.status_code == 200
