"""Failed-login throttling, shared by the console, the admin and the API token endpoint.

The hospital's directory is down in a crisis, so accounts are local: guessing
passwords must be slow. But a lock-out is also a weapon: anyone who knows the
director's username must not be able to lock her out, and a whole cell often
shares one 4G router. So failures are counted per account *and* address, in
the database (a Redis outage must not stop logins):

- the first LOGIN_FREE_FAILURES cost nothing (typos);
- each further one doubles the wait before the next attempt from that address
  for that account (2 s, 4 s, 8 s... up to LOGIN_MAX_DELAY);
- after LOGIN_MAX_FAILURES, that address is refused for that account until
  LOGIN_FAILURE_WINDOW has passed since its last failure.

An account or an address with many failures in the window (from all addresses,
for all accounts) is under attack: the pairs that fail for it get no free
failure and are refused after LOGIN_FREE_FAILURES. Attempts are never judged
on those totals alone, so a correct password from an address that has not
itself failed for that account always gets in.

A whole cell behind one 4G router shares one address, and so would an attacker on the same
network: failing ten times for the director from there would refuse the director's own
laptop too. Hence device cookies (OWASP, "Slow down online guessing attacks with device
cookies"): a browser that has logged in to an account carries a signed cookie naming that
account and a random nonce; its attempts for that account are counted for that device, not
for its address, and no attack on the account or the address shortens them. The cookie
proves the browser once knew the password; it never lets anyone in by itself.
"""

import hashlib
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import LoginFailure

DELAY_BASE_SECONDS = 2
DEVICE_COOKIE = "console_device"
DEVICE_SALT = "web.ratelimit.device"
DEVICE_PREFIX = "device:"  # a client key that names a trusted device, not an address
DEVICE_ACCOUNTS = 20  # accounts one browser remembers (a laptop the cell shares)


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _keys(username: str, address: str) -> tuple[str, str]:
    return _hashed(username.strip().lower()), _hashed(address)


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def login_wait(username: str, address: str) -> int:
    """Seconds before this address may try this account again (0: it may try now)."""
    user_key, address_key = _keys(username, address)
    retry_at = (
        LoginFailure.objects.filter(user_key=user_key, address_key=address_key, last_failure_at__gte=_window_start())
        .values_list("retry_at", flat=True)
        .first()
    )
    if retry_at is None:
        return 0
    return max(math.ceil((retry_at - timezone.now()).total_seconds()), 0)


def login_failed(username: str, address: str) -> None:
    """Count one failure for the pair and set when its next attempt is allowed."""
    user_key, address_key = _keys(username, address)
    now, window_start = timezone.now(), _window_start()
    with transaction.atomic():
        LoginFailure.objects.filter(last_failure_at__lt=window_start, retry_at__lt=now).delete()
        row, _created = LoginFailure.objects.select_for_update().get_or_create(
            user_key=user_key, address_key=address_key, defaults={"last_failure_at": now, "retry_at": now}
        )
        if row.last_failure_at < window_start:  # an old row the prune above kept: start afresh
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        under_attack = not address.startswith(DEVICE_PREFIX) and _under_attack(user_key, address_key)
        row.retry_at = now + timedelta(seconds=_wait_after(row.failures, under_attack))
        row.save()


def _under_attack(user_key: str, address_key: str) -> bool:
    recent = LoginFailure.objects.filter(last_failure_at__gte=_window_start())
    per_user = recent.filter(user_key=user_key).aggregate(n=Sum("failures"))["n"] or 0
    per_address = recent.filter(address_key=address_key).aggregate(n=Sum("failures"))["n"] or 0
    return per_user >= settings.LOGIN_MAX_FAILURES_PER_USER or per_address >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS


def _wait_after(failures: int, under_attack: bool) -> int:
    free = 0 if under_attack else settings.LOGIN_FREE_FAILURES
    limit = settings.LOGIN_FREE_FAILURES if under_attack else settings.LOGIN_MAX_FAILURES
    if failures >= limit:
        return settings.LOGIN_FAILURE_WINDOW
    if failures <= free:
        return 0
    return min(DELAY_BASE_SECONDS * 2 ** (failures - free - 1), settings.LOGIN_MAX_DELAY)


def login_succeeded(username: str, address: str) -> None:
    """A success forgives this address its failures for this account (not the others')."""
    user_key, address_key = _keys(username, address)
    LoginFailure.objects.filter(user_key=user_key, address_key=address_key).delete()


def wait_message(seconds: int) -> str:
    if seconds <= 90:
        return ngettext(
            "Trop de tentatives échouées : réessayez dans %(n)s seconde.",
            "Trop de tentatives échouées : réessayez dans %(n)s secondes.",
            seconds,
        ) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return _("Trop de tentatives échouées depuis cette adresse : réessayez dans %(n)s minutes.") % {"n": minutes}


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


def _devices(request) -> dict[str, str]:
    """The accounts this browser has logged in to: hashed username to the device's nonce for it."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return {}
    try:
        devices = signing.loads(value, salt=DEVICE_SALT, max_age=timedelta(days=settings.LOGIN_DEVICE_COOKIE_DAYS))
    except signing.BadSignature:
        return {}
    return devices if isinstance(devices, dict) else {}


def client_key(request, username: str) -> str:
    """Whom attempts for this account are counted for: this trusted device, or else the client's address."""
    nonce = _devices(request).get(_keys(username, "")[0])
    return f"{DEVICE_PREFIX}{nonce}" if isinstance(nonce, str) else client_address(request)


def remember_device(request, response, username: str) -> None:
    """After a successful login: the browser is a trusted device for this account from now on."""
    devices = _devices(request)
    user_key = _keys(username, "")[0]
    devices.pop(user_key, None)
    devices[user_key] = secrets.token_urlsafe(16)  # a new nonce: an old copy of the cookie loses its trust
    devices = dict(list(devices.items())[-DEVICE_ACCOUNTS:])
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(devices, salt=DEVICE_SALT, compress=True),
        max_age=settings.LOGIN_DEVICE_COOKIE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
