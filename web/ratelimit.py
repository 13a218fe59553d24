"""Failed-login throttling, shared by the console, the admin and the API token endpoint.

The hospital's directory is down in a crisis, so accounts are local: guessing
passwords must be slow. But a lock-out is also a weapon: anyone who knows the
director's username must not be able to lock her out from another machine.
So failures are counted three ways in the cache (Redis in production, shared
by every web process):
- per username *and* address: the tight limit (LOGIN_MAX_FAILURES);
- per username from anywhere: a loose limit against distributed guessing;
- per address: a loose limit, since a whole cell often shares one 4G router.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _limits(username: str, address: str) -> dict[str, int]:
    user = username.strip().lower()
    return {
        f"login-fail:pair:{_hashed(user + '|' + address)}": settings.LOGIN_MAX_FAILURES,
        f"login-fail:user:{_hashed(user)}": settings.LOGIN_MAX_FAILURES_PER_USER,
        f"login-fail:addr:{_hashed(address)}": settings.LOGIN_MAX_FAILURES_PER_ADDRESS,
    }


def login_blocked(username: str, address: str) -> bool:
    limits = _limits(username, address)
    counts = cache.get_many(list(limits))
    return any(counts.get(key, 0) >= limit for key, limit in limits.items())


def login_failed(username: str, address: str) -> None:
    for key in _limits(username, address):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def login_succeeded(username: str, address: str) -> None:
    pair_key = next(iter(_limits(username, address)))
    cache.delete(pair_key)


def client_address(request) -> str:
    """The client's address; behind a reverse proxy, the header it sets (CLIENT_IP_HEADER).

    The right-most entry is the one the proxy added; entries on its left come
    from the client and can be forged.
    """
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "") or "unknown"
