"""Failed-login throttling, shared by the login page and the API token endpoint.

The hospital's directory is down in a crisis, so accounts are local: guessing
passwords must be slow. Failures are counted per username and per address in
the cache (Redis in production, so every web process sees the same counts).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    user_key = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{user_key}", f"login-fail:addr:{address}"]


def login_blocked(username: str, address: str) -> bool:
    counts = cache.get_many(_keys(username, address))
    return any(count >= settings.LOGIN_MAX_FAILURES for count in counts.values())


def login_failed(username: str, address: str) -> None:
    for key in _keys(username, address):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def login_succeeded(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"
