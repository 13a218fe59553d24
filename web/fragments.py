"""HTML fragments rendered once and kept: for content that never changes once written.

The main courante's entries are append-only, so an entry's HTML depends only on the
entry, whether it has been corrected, the language and the time zone. The cache
alias "fragments" (a per-process memory cache by default: no network round trip,
and nothing to go stale across a deploy) keeps them. A cache that fails (a
configured Redis that is down, a full disk) only costs the rendering: the page is
served all the same.

HTML that the whole cell asks for at once (a shared card, a journal poll's answer) is
also shared between the processes, through the alias "shared_fragments" (Redis, where
REDIS_URL is set): read after the process's own cache misses, so one process renders
a change for every worker instead of each worker once. It is never needed: a failure
leaves it alone for RETRY_SECONDS (one short timeout per process, not one per request)
and the HTML is rendered here instead. Its keys carry the generation of the server: drawn
when this module is imported, in gunicorn's master (preload_app) before the workers fork,
so a restarted server (after a deploy, a database restored to an earlier state whose
counters would name other HTML) never reads what an earlier one kept. A process started
on its own (a Celery worker, runserver) has a generation of its own, and shares nothing.
"""

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Container, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.template import loader
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

try:  # the Redis client is installed with the Redis extras of Celery; the embedded mode may lack it
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError

ALIAS = "fragments"
SHARED_ALIAS = "shared_fragments"
CACHE_ERRORS = (OSError, RedisError)
# After the shared cache failed, how long this process does without it.
RETRY_SECONDS = 30
GENERATION = secrets.token_hex(4)
logger = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def template_version(name: str) -> str:
    """A short digest of a template's source: a changed template never reuses old fragments."""
    source = loader.get_template(name).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def context_key() -> str:
    """What else the HTML depends on: the active language and time zone."""
    return f"{translation.get_language()}:{timezone.get_current_timezone_name()}"


def render_many(
    items: Iterable,
    key: Callable[[object], str],
    render: Callable[[object], str],
    load: Callable[[list], list] | None = None,
    *,
    share: bool = False,
) -> list[SafeString]:
    """The HTML of each item, from the cache where it is, rendered (and kept) where it is not.

    `load`, when given, turns the items whose HTML is missing into what `render` takes
    (in one query, say): the items themselves then need only what `key` reads. `share`: looked
    for in, and kept for, the other processes too (the shared cache), after this one's.
    """
    items = list(items)
    keys = [key(item) for item in items]
    found = _get_many(keys)
    if share and len(found) < len(keys):
        from_others = shared.get_many([item_key for item_key in keys if item_key not in found])
        if from_others:
            _set_many(from_others)
            found.update(from_others)
    missing_items = list(
        {item_key: item for item, item_key in zip(items, keys, strict=True) if item_key not in found}.items()
    )
    missing = {}
    if missing_items:
        loaded = load([item for _key, item in missing_items]) if load else [item for _key, item in missing_items]
        for (item_key, _item), full in zip(missing_items, loaded, strict=True):
            found[item_key] = missing[item_key] = render(full)
        _set_many(missing)
        if share:
            shared.set_many(missing)
    return [mark_safe(found[item_key]) for item_key in keys]  # noqa: S308 (rendered by our own templates)


def get_or_render(key: str, render: Callable[[], str], timeout=DEFAULT_TIMEOUT, *, share: bool = False) -> SafeString:
    """One piece of HTML, from the cache, or rendered and kept (for `timeout` seconds: the alias's own by default).

    For HTML that many members ask for at once and that `key` names completely (a live answer
    keyed by the versions it shows): the first member renders it, the others are given it.
    `share`: kept for the other processes too (the shared cache), and looked for there first.
    """
    html = _get_many([key]).get(key)
    if html is None and share:
        html = shared.get(key)
        if html is not None:
            _set_many({key: html}, timeout)
    if html is None:
        html = render()
        keep(key, html, timeout, share=share)
    return mark_safe(html)  # noqa: S308 (rendered by our own templates)


def keep(key: str, html: str, timeout=DEFAULT_TIMEOUT, *, share: bool = False) -> None:
    """Keep HTML rendered ahead of the members who will ask for it (a card after the write that moved it)."""
    _set_many({key: html}, timeout)
    if share:
        shared.set(key, html, timeout)


class SharedCache:
    """The cache the processes share (SHARED_ALIAS), when there is one; left alone for RETRY_SECONDS after it fails."""

    def __init__(self) -> None:
        self.down_until = 0.0

    def _cache(self):
        if SHARED_ALIAS not in settings.CACHES or time.monotonic() < self.down_until:
            return None
        return caches[SHARED_ALIAS]

    def get(self, key: str) -> str | None:
        cache = self._cache()
        if cache is None:
            return None
        try:
            return cache.get(f"{GENERATION}:{key}")
        except CACHE_ERRORS as error:
            self._failed(error)
            return None

    def get_many(self, keys: list[str]) -> dict[str, str]:
        cache = self._cache()
        if cache is None or not keys:
            return {}
        try:
            found = cache.get_many([f"{GENERATION}:{key}" for key in keys])
        except CACHE_ERRORS as error:
            self._failed(error)
            return {}
        return {key.split(":", 1)[1]: html for key, html in found.items()}

    def set_many(self, values: dict[str, str], timeout=DEFAULT_TIMEOUT) -> None:
        cache = self._cache()
        if cache is None or not values:
            return
        try:
            cache.set_many({f"{GENERATION}:{key}": html for key, html in values.items()}, timeout)
        except CACHE_ERRORS as error:
            self._failed(error)

    def set(self, key: str, html: str, timeout=DEFAULT_TIMEOUT) -> None:
        cache = self._cache()
        if cache is None:
            return
        try:
            cache.set(f"{GENERATION}:{key}", html, timeout)
        except CACHE_ERRORS as error:
            self._failed(error)

    def _failed(self, error: Exception) -> None:
        self.down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("shared fragment cache unavailable for %s s, rendering here: %s", RETRY_SECONDS, error)


shared = SharedCache()


# A part of shared HTML only some members may see: <!--member:CAPABILITY-->...<!--/member:CAPABILITY-->.
# Stored text cannot fake a marker: the templates escape "<".
MEMBER_PART = re.compile(r"<!--member:(?P<capability>[a-z_]+)-->(?P<part>.*?)<!--/member:(?P=capability)-->", re.S)


def for_member(html: str, capabilities: Container[str]) -> SafeString:
    """HTML rendered once for everyone, made one member's: the parts marked for a capability they
    lack are taken out (the links to actions they may not take), the markers dropped."""
    if "<!--member:" not in html:
        return mark_safe(html)  # noqa: S308 (rendered by our own templates)
    kept = MEMBER_PART.sub(lambda part: part["part"] if part["capability"] in capabilities else "", html)
    return mark_safe(kept)  # noqa: S308 (rendered by our own templates)


def _get_many(keys: list[str]) -> dict:
    if not keys:
        return {}
    try:
        return caches[ALIAS].get_many(keys)
    except CACHE_ERRORS as error:
        logger.warning("fragment cache unavailable, rendering instead: %s", error)
        return {}


def _set_many(values: dict, timeout=DEFAULT_TIMEOUT) -> None:
    try:
        caches[ALIAS].set_many(values, timeout)
    except CACHE_ERRORS as error:
        logger.warning("fragment cache unavailable, not kept: %s", error)
