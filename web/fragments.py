"""HTML fragments rendered once and kept: for content that never changes once written.

The main courante's entries are append-only, so an entry's HTML depends only on the
entry, whether it has been corrected, the language and the time zone. The cache
alias "fragments" (a per-process memory cache by default: no network round trip,
and nothing to go stale across a deploy) keeps them. A cache that fails (a
configured Redis that is down, a full disk) only costs the rendering: the page is
served all the same.
"""

import hashlib
import logging
import re
from collections.abc import Callable, Container, Iterable
from functools import lru_cache

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
CACHE_ERRORS = (OSError, RedisError)
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
) -> list[SafeString]:
    """The HTML of each item, from the cache where it is, rendered (and kept) where it is not.

    `load`, when given, turns the items whose HTML is missing into what `render` takes
    (in one query, say): the items themselves then need only what `key` reads.
    """
    items = list(items)
    keys = [key(item) for item in items]
    found = _get_many(keys)
    missing_items = list(
        {item_key: item for item, item_key in zip(items, keys, strict=True) if item_key not in found}.items()
    )
    missing = {}
    if missing_items:
        loaded = load([item for _key, item in missing_items]) if load else [item for _key, item in missing_items]
        for (item_key, _item), full in zip(missing_items, loaded, strict=True):
            found[item_key] = missing[item_key] = render(full)
        _set_many(missing)
    return [mark_safe(found[item_key]) for item_key in keys]  # noqa: S308 (rendered by our own templates)


def get_or_render(key: str, render: Callable[[], str], timeout=DEFAULT_TIMEOUT) -> SafeString:
    """One piece of HTML, from the cache, or rendered and kept (for `timeout` seconds: the alias's own by default).

    For HTML that many members ask for at once and that `key` names completely (a live answer
    keyed by the versions it shows): the first member renders it, the others are given it.
    """
    html = _get_many([key]).get(key)
    if html is None:
        html = render()
        _set_many({key: html}, timeout)
    return mark_safe(html)  # noqa: S308 (rendered by our own templates)


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
