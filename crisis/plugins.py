"""What apps plug into the core: navigation entries and dashboard cards, for both scopes.

The core imports no feature app. Each app declares, at import of its own modules,

- in ``<app>/navigation.py``: its pages, with ``nav(scope, label, url_name, capability, order)``;
- in ``<app>/cards.py``: its cards, with ``card(scope, name, template, context, capability, order, topics)``;
  what it gives a core section (``section(key, provider)``: the meeting agenda's new signalements);
  its page banners (``banner(name, template, context)``: shown at the top of every page).

Both modules are found in every installed app (like the admin's ``admin.py``, or printing's
``documents.py``) the first time a page asks. The header renders the navigation of the page's
scope (crisis tabs, or the establishment's), the crisis dashboard and the establishment's home page
render the cards of their scope; a member sees only what their role's capabilities allow.

A scope is a crisis (URLs take the crisis's id) or an establishment (URLs take the establishment's
id). A card's ``context`` function takes (the crisis or the establishment, the user) and returns what
its template shows under ``card``; its ``topics`` are the live topics it follows ("journal", "rida",
"decisions", "meetings", "roster", "prints"...): a page polls for the union of its cards' topics,
and a poll that missed re-renders only the cards following a topic that moved. So a card's template
has one root element with the card's id and ``{% if oob %} hx-swap-oob="true"{% endif %}``: the
poll's answer swaps it out of band, in place.
"""

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from threading import Lock

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe

from web import fragments

from . import live
from .models import Crisis, Establishment, Membership
from .permissions import Cap


class Scope:
    CRISIS = "crisis"
    ESTABLISHMENT = "establishment"
    ALL = (CRISIS, ESTABLISHMENT)


@dataclass(frozen=True)
class NavEntry:
    scope: str
    label: str  # marked for translation (gettext_lazy) where it is declared
    url_name: str  # namespaced ("crisis:journal"); reversed with the scope's id
    capability: str = Cap.READ
    order: int = 100

    def url(self, target: Crisis | Establishment) -> str:
        return reverse(self.url_name, args=[target.pk])


@dataclass(frozen=True)
class Card:
    scope: str
    name: str  # unique within its scope; the card's element id is "card-<name>"
    template: str
    context: Callable[[Crisis | Establishment, object], dict] | None = None
    capability: str = Cap.READ
    order: int = 100
    topics: tuple[str, ...] = ()
    wide: bool = False  # the whole width of the page, below the grid of cards
    # Its HTML depends on nothing but the scope, its topics' counters, the language and the time
    # zone (no user, no form, no "now"): rendered once per change and given to every member.
    shared: bool = False
    # A shared card that shows something relative to now ("in the last hour") is rendered again at
    # least every `clock` seconds, even when none of its topics moved.
    clock: int | None = None
    # A shared card's parts that are each member's own ("my actions"): (template, context function
    # taking the scope and the user); the shared HTML's <!--own:NAME--> is replaced, for each
    # member, with the template's partial NAME rendered with that context.
    own: tuple[str, Callable] | None = None


@dataclass
class ShownCard:
    """A card as a page renders it: its declaration and what its context function returned,
    or, for a shared card, its HTML already rendered."""

    card: Card
    context: dict = field(default_factory=dict)
    html: str | None = None

    @property
    def template(self) -> str:
        return self.card.template

    @property
    def name(self) -> str:
        return self.card.name

    @property
    def wide(self) -> bool:
        return self.card.wide


@dataclass(frozen=True)
class Banner:
    """A strip at the top of every page. ``context(request)`` returns what its template shows under
    ``banner``, or None when the page's user gets no banner at all (nor its poll)."""

    name: str
    template: str
    context: Callable[[object], dict | None]
    order: int = 100


_nav: list[NavEntry] = []
_cards: list[Card] = []
_sections: dict[str, list[Callable]] = {}
_banners: list[Banner] = []
# Where the roster finds the holders' phone numbers (the crisis directory, in comms): functions
# (establishment_id, user_ids) -> {user_id: [(label, number), ...]}, declared from an app's cards.py.
_phone_books: list[Callable[[int, list[int]], dict]] = []
_discovered = False
_lock = Lock()


def _check_scope(scope: str) -> None:
    if scope not in Scope.ALL:
        raise ValueError(f"unknown scope {scope!r}: one of {Scope.ALL}")


def nav(scope: str, label, url_name: str, capability: str = Cap.READ, order: int = 100) -> NavEntry:
    """Declare a page of an app in the navigation of a scope (from the app's navigation.py)."""
    _check_scope(scope)
    entry = NavEntry(scope=scope, label=label, url_name=url_name, capability=capability, order=order)
    if any(e.scope == scope and e.url_name == url_name for e in _nav):
        raise ValueError(f"{url_name!r} is already in the {scope} navigation")
    _nav.append(entry)
    return entry


def card(
    scope: str,
    name: str,
    template: str,
    context: Callable | None = None,
    capability: str = Cap.READ,
    order: int = 100,
    topics: tuple[str, ...] = (),
    wide: bool = False,
    shared: bool = False,
    clock: int | None = None,
    own: tuple[str, Callable] | None = None,
) -> Card:
    """Declare a card of an app on the crisis dashboard or the establishment's home (from the app's cards.py).

    `shared`: its HTML follows only its topics (it shows no user's own data, no form, nothing relative
    to now): each change is rendered once and given to every member who looks. Its context
    function is then called without a user (None). `clock`: a shared card that does show something
    relative to now is rendered again at least every `clock` seconds. `own`: the parts of a shared
    card that are each member's own, (template, context function(scope, user)): where the shared
    HTML says <!--own:NAME-->, the template's partial NAME rendered for the member.
    """
    _check_scope(scope)
    if isinstance(topics, str):
        raise TypeError("topics is a tuple of topic names, not one string")
    if shared and not topics:
        raise ValueError("a shared card follows topics: its HTML is kept until one of them moves")
    if clock is not None and not (shared and clock > 0):
        raise ValueError("a clock (seconds > 0) is for a shared card")
    if own is not None and not shared:
        raise ValueError("a member's own part is for a shared card (a card of one's own is all own)")
    declared = Card(scope, name, template, context, capability, order, tuple(topics), wide, shared, clock, own)
    if any(c.scope == scope and c.name == name for c in _cards):
        raise ValueError(f"a {scope} card named {name!r} is already declared")
    _cards.append(declared)
    return declared


def section(key: str, provider: Callable) -> None:
    """Fill a section the core shows but does not own: "new_signalements" (the meeting agenda's
    new signalements since the last point) takes provider(crisis, since) -> list of records."""
    _sections.setdefault(key, []).append(provider)


def section_items(key: str, *args) -> list:
    """What the apps give for a core section; empty when no app fills it."""
    discover()
    return [item for provider in _sections.get(key, ()) for item in provider(*args)]


def banner(name: str, template: str, context: Callable[[object], dict | None], order: int = 100) -> Banner:
    """Declare a banner shown at the top of every page (from the app's cards.py)."""
    declared = Banner(name, template, context, order)
    if any(b.name == name for b in _banners):
        raise ValueError(f"a banner named {name!r} is already declared")
    _banners.append(declared)
    return declared


def banners_for(request) -> list[tuple[Banner, dict]]:
    """The banners this request's page shows, with their contexts (none for an anonymous visitor)."""
    discover()
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        return []
    shown = [(b, b.context(request)) for b in sorted(_banners, key=lambda b: (b.order, b.name))]
    return [(b, context) for b, context in shown if context is not None]


def phone_book(provider: Callable[[int, list[int]], dict]) -> Callable:
    """Declare where members' phone numbers are found (from an app's cards.py); the roster shows them."""
    if provider not in _phone_books:
        _phone_books.append(provider)
    return provider


def phones_for(establishment_id: int, user_ids) -> dict[int, list[tuple[str, str]]]:
    """The numbers of these members, from every declared phone book (none: an empty dict)."""
    discover()
    found: dict[int, list[tuple[str, str]]] = {}
    for provider in _phone_books:
        for user_id, numbers in provider(establishment_id, list(user_ids)).items():
            found.setdefault(user_id, numbers)
    return found


def discover() -> None:
    """Import every installed app's navigation.py and cards.py, once."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            autodiscover_modules("navigation", "cards")
            _discovered = True


def _allowed(capability: str, membership: Membership | None) -> bool:
    return membership is not None and membership.has(capability)


def nav_entries(scope: str, membership: Membership | None) -> list[NavEntry]:
    """The scope's navigation this member may open, in order."""
    discover()
    entries = [e for e in _nav if e.scope == scope and _allowed(e.capability, membership)]
    return sorted(entries, key=lambda e: (e.order, e.url_name))


def cards_of(scope: str, membership: Membership | None) -> list[Card]:
    """The scope's cards this member may see, in order (declarations only)."""
    discover()
    cards = [c for c in _cards if c.scope == scope and _allowed(c.capability, membership)]
    return sorted(cards, key=lambda c: (c.order, c.name))


def cards_for(
    target: Crisis | Establishment,
    membership: Membership | None,
    user,
    moved: set[str] | None = None,
    counters: dict[str, int] | None = None,
) -> list[ShownCard]:
    """The cards of this crisis's dashboard or this establishment's home page, with their contexts.

    With `moved` (a poll's topics that moved): only the cards following one of them; the others'
    contexts are not computed at all. With `counters` (the page's, read before the cards), a shared
    card comes as HTML, rendered by the first member to ask for these counters (out of band on a poll).
    """
    scope = Scope.CRISIS if isinstance(target, Crisis) else Scope.ESTABLISHMENT
    cards = cards_of(scope, membership)
    if moved is not None:
        cards = [c for c in cards if moved.intersection(c.topics)]
    shown = []
    for c in cards:
        if c.shared:
            html = _shared_html(c, target, counters, oob=moved is not None)
            shown.append(ShownCard(c, html=_with_own(html, c, target, user) if c.own else html))
        else:
            shown.append(ShownCard(c, c.context(target, user) if c.context else {}))
    return shown


OWN_SLOT = re.compile(r"<!--own:([a-z_-]+)-->")  # escaped text never holds a comment


def _with_own(html: str, card: Card, target: Crisis | Establishment, user) -> SafeString:
    """The shared HTML with this member's own parts in their slots."""
    template, context = card.own
    values = {target._meta.model_name: target, "own": context(target, user), "user": user}
    own = OWN_SLOT.sub(lambda slot: render_to_string(f"{template}#{slot[1]}", values), html)
    return mark_safe(own)  # noqa: S308 (both rendered by our own templates)


# A shared card's HTML is named by its counters: kept longer it is never wrong, only unused.
SHARED_CARD_SECONDS = 600


def _shared_html(card: Card, target: Crisis | Establishment, counters: dict[str, int] | None, oob: bool) -> str:
    """A shared card's HTML for these counters of its topics, rendered once per process and kept
    (rendered, not kept, without the counters of all its topics: nothing would name the version)."""

    def render() -> str:
        context = card.context(target, None) if card.context else {}
        return render_to_string(card.template, {target._meta.model_name: target, "card": context, "oob": oob})

    if counters is None or not all(topic in counters for topic in card.topics):
        return render()
    at = ",".join(str(counters[topic]) for topic in card.topics)
    if card.clock:
        at += f"@{int(time.time() // card.clock)}"
    version = fragments.template_version(card.template)
    key = f"card:{version}:{card.scope}:{target.pk}:{card.name}:{at}:{int(oob)}:{fragments.context_key()}"
    return fragments.get_or_render(key, render, timeout=SHARED_CARD_SECONDS, share=True)


def warm_shared_cards(sender, scope: Crisis | Establishment, topics: frozenset[str], **kwargs) -> None:
    """After a write moved `topics` (crisis.live.moved, once committed): the shared cards following
    them rendered now, as the next polls will ask for them, and kept for every process: the cell's
    members are then given them, rather than the first poll of each worker rendering them.

    A topic of an establishment shows on its home page and on the dashboards of its open crises."""
    targets = [scope]
    if isinstance(scope, Establishment):
        targets += list(Crisis.objects.filter(establishment=scope, closed_at__isnull=True))
    for target in targets:
        kind = Scope.CRISIS if isinstance(target, Crisis) else Scope.ESTABLISHMENT
        discover()
        cards = [c for c in _cards if c.scope == kind and c.shared and topics.intersection(c.topics)]
        if cards:
            counters = live.counters(target, {topic for c in cards for topic in c.topics})
            for c in cards:
                _shared_html(c, target, counters, oob=True)


def topics_of(scope: str, membership: Membership | None) -> tuple[str, ...]:
    """The live topics of the cards this member sees on the scope's page: what its poll must watch."""
    return tuple(sorted({topic for c in cards_of(scope, membership) for topic in c.topics}))


def page_topics(scope: str) -> tuple[str, ...]:
    """The topics a scope's page polls on: every card's, whoever looks.

    The cheap "nothing new" answer sums the counters before it knows the member
    (crisis.live.unchanged_poll), so the page's version is taken on the same
    topics: a member re-renders for a card they do not see, at worst.
    """
    discover()
    return tuple(sorted({topic for c in _cards if c.scope == scope for topic in c.topics}))


@contextmanager
def restored() -> Iterator[None]:
    """Tests: what is declared inside (a test app's entries and cards) is withdrawn on the way out."""
    discover()
    nav_before, cards_before, banners_before = list(_nav), list(_cards), list(_banners)
    sections_before = {key: list(providers) for key, providers in _sections.items()}
    try:
        yield
    finally:
        _nav[:] = nav_before
        _cards[:] = cards_before
        _banners[:] = banners_before
        _sections.clear()
        _sections.update(sections_before)
