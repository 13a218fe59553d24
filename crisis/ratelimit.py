"""Failed-login throttling, shared by the login page and the API token endpoint.

The hospital's directory is down in a crisis, so accounts are local: guessing
passwords must be slow. Failures are counted per username and per address in
the cache (Redis in production, so every web process sees the same counts).
The per-address limit is higher: a whole crisis cell often shares one 4G
router, and one member's typos must not lock the others out.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _user_key(username: str) -> str:
    return "login-fail:user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _address_key(address: str) -> str:
    return f"login-fail:addr:{address}"


def login_blocked(username: str, address: str) -> bool:
    counts = cache.get_many([_user_key(username), _address_key(address)])
    return (
        counts.get(_user_key(username), 0) >= settings.LOGIN_MAX_FAILURES
        or counts.get(_address_key(address), 0) >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS
    )


def login_failed(username: str, address: str) -> None:
    for key in (_user_key(username), _address_key(address)):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def login_succeeded(username: str, address: str) -> None:
    cache.delete(_user_key(username))


def client_address(request) -> str:
    """The client's address; behind a reverse proxy, the header it sets (CLIENT_IP_HEADER)."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "") or "unknown"
