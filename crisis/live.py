"""Live topics: a change counter per (scope, topic), so a page re-renders only when what it shows moved.

A scope is a crisis or an establishment. A topic is a short string: the crisis
topics below, and whatever an app declares for its own records ("beds",
"tickets"...). Every write a topic shows calls ``bump`` in its own transaction
(the record kit does it for records with history, the journal service for the
journal), so the counter moves exactly when committed data does.

A page follows the topics it shows. Its version is the sum of their counters:
counters only grow, so the sum moves exactly when one of them does. A crisis
page follows its crisis's counters of these topics and its establishment's
(a procedure changed for the whole establishment shows on the crisis
dashboard too); an establishment page follows the establishment's counters
and its crises' (a crisis opened, changed or closed shows on its home page).

A live view, for either scope:

    if unchanged := live.unchanged_poll(request, topics=TOPICS, establishment_id=establishment_id):
        return unchanged  # a poll showing the current version: 204 after one query
    establishment, membership = get_establishment_for_user(request.user, establishment_id)
    context["live_version"] = live.version(establishment, TOPICS)  # before reading what the page shows

``unchanged_poll`` checks the membership (404, 403) and sums the counters in
the same query; ``version_for_user`` is that query, for a view that needs the
version itself (the journal's poll).

The crisis pages the whole cell keeps open (dashboard, RIDA, main courante) read more at once:
``crisis_poll`` gives the access, the counters and the crisis (for a poll that must render) in
one statement, and under ``read_with_session`` that statement is the session's own
(web.sessions.Rider): "nothing new" then costs one round trip in all.

A page of cards (the crisis dashboard, an establishment's home) carries each topic's
counter as well (``counters``, ``cards_poll``): a poll that missed re-renders only the
cards following a topic that moved since the counters the page shows.

Once the write's transaction has committed, ``moved`` is sent (scope, topics): what the
whole cell is about to ask for can be rendered then, once (crisis.plugins warms the
shared cards), rather than by the first poll of each worker.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property, wraps

from django.db import connection, transaction
from django.dispatch import Signal
from django.http import Http404, HttpRequest, HttpResponse

from web import live as web_live
from web.sessions import Rider

from .models import Crisis, Establishment, LiveTopic, Membership, Topic
from .permissions import (
    MAX_ID,
    Cap,
    capabilities_of,
    crisis_access_columns,
    crisis_access_from_row,
    crisis_access_select,
    crisis_access_sql,
    refused,
)

__all__ = [
    "Topic",
    "bump",
    "cards_poll",
    "crisis_poll",
    "read_with_session",
    "moved",
    "counters",
    "counters_for_user",
    "unchanged_poll",
    "version",
    "version_and_counter",
    "version_for_user",
]


Scope = Crisis | Establishment

# Sent after the commit of a write that moved a topic: sender the scope's class, scope, topics
# (a frozenset). A receiver's failure is logged, never the write's (robust: the data is in).
moved = Signal()


def _scope_ids(scope: Scope) -> tuple[int, int | None]:
    """(establishment id, crisis id or None) of a crisis or an establishment."""
    if isinstance(scope, Crisis):
        return scope.establishment_id, scope.pk
    if isinstance(scope, Establishment):
        return scope.pk, None
    raise TypeError(f"a live scope is a crisis or an establishment, not {type(scope).__name__}")


_TABLE = LiveTopic._meta.db_table

# One statement, no read before the write: the first change of a topic creates its row,
# the next ones add one under the row's lock until the transaction ends.
_BUMP_CRISIS_SQL = (
    f"INSERT INTO {_TABLE} (establishment_id, crisis_id, topic, version) VALUES (%s, %s, %s, 1)"
    f" ON CONFLICT (crisis_id, topic) WHERE crisis_id IS NOT NULL"
    f" DO UPDATE SET version = {_TABLE}.version + 1 RETURNING version"
)
_BUMP_ESTABLISHMENT_SQL = (
    f"INSERT INTO {_TABLE} (establishment_id, crisis_id, topic, version) VALUES (%s, NULL, %s, 1)"
    f" ON CONFLICT (establishment_id, topic) WHERE crisis_id IS NULL"
    f" DO UPDATE SET version = {_TABLE}.version + 1 RETURNING version"
)


def bump(scope: Scope, topic: str) -> int:
    """Move the topic's counter of this crisis or establishment: call it inside the write's transaction.

    Returns the counter's new value. The row stays locked until the transaction ends, so the
    values follow the order of commits: a record stamped with it (the record kit does, for a
    model with a `live_version` field) tells a page which changes it has not shown yet.
    """
    establishment_id, crisis_id = _scope_ids(scope)
    with connection.cursor() as cursor:
        if crisis_id is not None:
            cursor.execute(_BUMP_CRISIS_SQL, [establishment_id, crisis_id, topic])
        else:
            cursor.execute(_BUMP_ESTABLISHMENT_SQL, [establishment_id, topic])
        value = cursor.fetchone()[0]
    _send_after_commit(_Moved(type(scope), scope.pk, topic, scope))
    return value


@dataclass(frozen=True)
class _Moved:
    """`moved` to send once the transaction commits; equal for the same scope and topic."""

    scope_class: type
    scope_id: int
    topic: str
    scope: Scope = field(compare=False)

    def __call__(self) -> None:
        moved.send_robust(sender=self.scope_class, scope=self.scope, topics=frozenset([self.topic]))


def _send_after_commit(signal: _Moved) -> None:
    # A transaction that moves a topic a thousand times (an import) sends it once.
    if connection.in_atomic_block and any(func == signal for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(signal, robust=True)


def _sum_sql(topics: tuple[str, ...], crisis_column: str | None, establishment_column: str) -> str:
    """The sum of the followed counters, as a subquery on the scope's ids (a crisis's own and its
    establishment's; an establishment's own and its crises')."""
    in_crisis = f" AND (t.crisis_id = {crisis_column} OR t.crisis_id IS NULL)" if crisis_column else ""
    placeholders = ", ".join(["%s"] * len(topics))
    return (
        f"(SELECT COALESCE(SUM(t.version), 0) FROM {_TABLE} t WHERE t.establishment_id = {establishment_column}"
        f" AND t.topic IN ({placeholders}){in_crisis})"
    )


def version(scope: Scope, topics: Iterable[str]) -> str:
    """The version of a page of this scope following these topics (one query)."""
    topics = tuple(topics)
    establishment_id, crisis_id = _scope_ids(scope)
    if not topics:  # a page that follows nothing never changes
        return "0"
    if crisis_id is None:
        sql, params = "SELECT " + _sum_sql(topics, None, "%s"), [establishment_id, *topics]
    else:
        sql, params = "SELECT " + _sum_sql(topics, "%s", "%s"), [establishment_id, *topics, crisis_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return str(cursor.fetchone()[0])


def version_and_counter(crisis: Crisis, topics: Iterable[str], topic: str) -> tuple[str, int]:
    """The version of a crisis page following `topics` and, within it, the crisis's own counter of
    `topic` (one query): a page that shows only what changed (the RIDA's rows) needs to know whether
    the change was in that topic alone."""
    topics = tuple(topics)
    establishment_id, crisis_id = _scope_ids(crisis)
    placeholders = ", ".join(["%s"] * len(topics))
    sql = (
        f"SELECT COALESCE(SUM(version), 0), COALESCE(SUM(CASE WHEN crisis_id = %s AND topic = %s THEN version END), 0)"
        f" FROM {_TABLE} WHERE establishment_id = %s AND topic IN ({placeholders})"
        " AND (crisis_id = %s OR crisis_id IS NULL)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [crisis_id, topic, establishment_id, *topics, crisis_id])
        total, own = cursor.fetchone()
    return str(total), int(own)


def version_for_user(
    user,
    *,
    topics: Iterable[str],
    crisis_id: int | None = None,
    establishment_id: int | None = None,
    capability: str = Cap.READ,
) -> str:
    """The version of a page following `topics`, with the access helpers' rules, in one query.

    404 for an outsider (or a scope that does not exist), 403 for a member
    without the capability: a poll reveals no more than the page would.
    """
    if (crisis_id is None) == (establishment_id is None):
        raise TypeError("give a crisis_id or an establishment_id")
    scope_id = crisis_id if crisis_id is not None else establishment_id
    if not user.is_authenticated or not 0 < scope_id <= MAX_ID:
        raise Http404
    topics = tuple(topics) or ("",)  # no topic: the sum of nothing, with the access check all the same
    members = Membership._meta.db_table
    if crisis_id is not None:
        sql = (
            f"SELECT m.role, {_sum_sql(topics, 'c.id', 'c.establishment_id')}"
            f" FROM {Crisis._meta.db_table} c JOIN {members} m ON m.establishment_id = c.establishment_id"
            " WHERE c.id = %s AND m.user_id = %s AND m.is_active"
        )
    else:
        sql = (
            f"SELECT m.role, {_sum_sql(topics, None, 'm.establishment_id')}"
            f" FROM {members} m WHERE m.establishment_id = %s AND m.user_id = %s AND m.is_active"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*topics, scope_id, user.pk])
        _role, current = _allowed(cursor.fetchone(), capability)
    return str(current)


class CrisisPoll:
    """What a crisis page's poll reads in one statement: the access (404, 403 as get_crisis_for_user),
    each followed topic's counter, and the crisis with the membership, for a poll that must render.

    `counters`: each topic's counter for the page (the crisis's and its establishment's, as
    ``counters``); `own`: the crisis's own counter of each (``version_and_counter``'s second value).
    The crisis and the membership are built from the row when first asked for: a poll that ends
    on 204 does not pay for them.
    """

    def __init__(self, user, row: tuple, counters: dict[str, int], own: dict[str, int]):
        self._user, self._row, self.counters, self.own = user, row, counters, own

    @property
    def version(self) -> str:
        return web_live.total(self.counters)

    @cached_property
    def _access(self) -> tuple[Crisis, Membership]:
        return crisis_access_from_row(self._user, self._row)

    @property
    def crisis(self) -> Crisis:
        return self._access[0]

    @property
    def membership(self) -> Membership:
        return self._access[1]


def crisis_poll(user, *, crisis_id: int, topics: Iterable[str], capability: str = Cap.READ, session=None) -> CrisisPoll:
    """The access row of ``get_crisis_for_user`` and the followed counters, in one query: none
    when they were read with the `session` (a view under ``read_with_session``).

    A poll that finds nothing new ends on it; one that must render already holds the crisis
    and the membership, read in the same snapshot as the counters (a round trip fewer than
    the counters and then the crisis).
    """
    if not user.is_authenticated or not 0 < crisis_id <= MAX_ID:
        raise Http404
    topics = tuple(topics)
    start = crisis_access_columns()  # the counters' columns come after the access row, the role last
    rows = session.ridden(_rider_key(crisis_id, topics), user) if hasattr(session, "ridden") else None
    if rows is not None:  # LEFT JOINs there: an outsider's (or an unknown crisis's) row has no member
        rows = [row for row in rows if row[start - 2] is not None]
    else:
        followed = topics or ("",)  # no topic: no counter, with the access check all the same
        with connection.cursor() as cursor:
            cursor.execute(_crisis_poll_sql(len(followed)), [*followed, crisis_id, user.pk])
            rows = cursor.fetchall()
    if not rows:
        raise Http404
    _allowed((rows[0][start - 1],), capability)
    counters, own = dict.fromkeys(topics, 0), dict.fromkeys(topics, 0)
    for row in rows:  # each counter row of the crisis and of its establishment; one of NULLs if none
        topic, value, of_crisis = row[start : start + 3]
        if topic in counters:  # not the "" of a page following nothing
            counters[topic] += value
            own[topic] += value if of_crisis is not None else 0
    return CrisisPoll(user, rows[0], counters, own)


def read_with_session(topics: Iterable[str] | Callable[[], Iterable[str]]):
    """Decorator of a crisis page's view, outside ``login_required``: its poll's access and counters
    are read in the session's own statement (web.sessions.Rider), and ``crisis_poll`` given the
    session finds them there. A poll that finds nothing new then costs one round trip in all.

    The view takes `crisis_id`. Not a poll, or a session already read: nothing rides, and
    ``crisis_poll`` reads them itself."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, crisis_id: int, **kwargs):
            session = getattr(request, "session", None)
            if web_live.is_poll(request) and hasattr(session, "ride") and 0 < crisis_id <= MAX_ID:
                session.ride(_rider(crisis_id, tuple(topics() if callable(topics) else topics)))
            return view(request, *args, crisis_id=crisis_id, **kwargs)

        return wrapped

    return decorator


def _rider_key(crisis_id: int, topics: tuple[str, ...]) -> str:
    return f"crisis-poll:{crisis_id}:{','.join(topics)}"


def _rider(crisis_id: int, topics: tuple[str, ...]) -> Rider:
    followed = topics or ("",)
    return Rider(_rider_key(crisis_id, topics), *_rider_sql(len(followed)), [crisis_id, crisis_id, *followed])


@cache
def _rider_sql(topic_count: int) -> tuple[str, str]:
    """The columns of ``_crisis_poll_sql``, as LEFT JOINs on the session's user ({user}): the membership
    first, and the crisis, its establishment and the counters only through it (an outsider's
    statement reads nothing of them)."""
    q = connection.ops.quote_name
    crisis, placeholders = q(Crisis._meta.db_table), ", ".join(["%s"] * topic_count)
    joins = (
        f" LEFT JOIN {q(Membership._meta.db_table)} m ON m.{q('user_id')} = {{user}} AND m.{q('is_active')}"
        f" AND m.{q('establishment_id')} = (SELECT x.{q('establishment_id')} FROM {crisis} x WHERE x.{q('id')} = %s)"
        f" LEFT JOIN {crisis} c ON c.{q('id')} = %s AND c.{q('establishment_id')} = m.{q('establishment_id')}"
        f" LEFT JOIN {q(Establishment._meta.db_table)} e ON e.{q('id')} = c.{q('establishment_id')}"
        f" LEFT JOIN {_TABLE} t ON t.establishment_id = c.{q('establishment_id')}"
        f" AND t.topic IN ({placeholders}) AND (t.crisis_id = c.{q('id')} OR t.crisis_id IS NULL)"
    )
    return f"{crisis_access_select()}, t.topic, t.version, t.crisis_id", joins


@cache
def _crisis_poll_sql(topic_count: int) -> str:
    # The counter rows themselves, summed here: a GROUP BY (or a derived table of sums) cost
    # PostgreSQL more to plan than the rows cost to read.
    placeholders = ", ".join(["%s"] * topic_count)
    return crisis_access_sql(
        ", t.topic, t.version, t.crisis_id",
        f" LEFT JOIN {_TABLE} t ON t.establishment_id = c.establishment_id AND t.topic IN ({placeholders})"
        " AND (t.crisis_id = c.id OR t.crisis_id IS NULL)",
    )


def _allowed(row, capability: str) -> tuple:
    """The row of a member's access query (its role first), else 404 (no row) or 403 (without the capability)."""
    if row is None:
        raise Http404
    if capability not in capabilities_of(row[0]):
        raise refused(f"role {row[0]} lacks {capability}")
    return row


def unchanged_poll(
    request: HttpRequest,
    *,
    topics: Iterable[str],
    crisis_id: int | None = None,
    establishment_id: int | None = None,
    capability: str = Cap.READ,
) -> HttpResponse | None:
    """204 for a poll that already shows the current version of these topics; None when the page must render.

    Not a poll (no version sent): None without a query, the view renders as usual.
    """
    if not web_live.is_poll(request):
        return None
    current = version_for_user(
        request.user, topics=topics, crisis_id=crisis_id, establishment_id=establishment_id, capability=capability
    )
    return web_live.nothing_new(request, current)


def _complete(topics: tuple[str, ...], rows) -> dict[str, int]:
    """Every followed topic's counter, 0 for a topic never moved."""
    found = {topic: int(value) for topic, value in rows if topic is not None}
    return {topic: found.get(topic, 0) for topic in topics}


def counters(scope: Scope, topics: Iterable[str]) -> dict[str, int]:
    """Each followed topic's counter for a page of this scope (one query; the same sums as ``version``)."""
    topics = tuple(topics)
    if not topics:
        return {}
    establishment_id, crisis_id = _scope_ids(scope)
    placeholders = ", ".join(["%s"] * len(topics))
    sql = f"SELECT topic, SUM(version) FROM {_TABLE} WHERE establishment_id = %s AND topic IN ({placeholders})"
    params = [establishment_id, *topics]
    if crisis_id is not None:
        sql += " AND (crisis_id = %s OR crisis_id IS NULL)"
        params.append(crisis_id)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY topic", params)
        return _complete(topics, cursor.fetchall())


def counters_for_user(
    user,
    *,
    topics: Iterable[str],
    crisis_id: int | None = None,
    establishment_id: int | None = None,
    capability: str = Cap.READ,
) -> dict[str, int]:
    """Each followed topic's counter, with the access helpers' rules, in one query (as ``version_for_user``).

    One row per topic that has a counter (or one row with no topic): the member's role on each.
    """
    if (crisis_id is None) == (establishment_id is None):
        raise TypeError("give a crisis_id or an establishment_id")
    scope_id = crisis_id if crisis_id is not None else establishment_id
    if not user.is_authenticated or not 0 < scope_id <= MAX_ID:
        raise Http404
    topics = tuple(topics)
    followed = topics or ("",)  # no topic: no counter, with the access check all the same
    placeholders = ", ".join(["%s"] * len(followed))
    members = Membership._meta.db_table
    if crisis_id is not None:
        sql = (
            f"SELECT m.role, t.topic, COALESCE(SUM(t.version), 0)"
            f" FROM {Crisis._meta.db_table} c JOIN {members} m ON m.establishment_id = c.establishment_id"
            f" LEFT JOIN {_TABLE} t ON t.establishment_id = c.establishment_id AND t.topic IN ({placeholders})"
            " AND (t.crisis_id = c.id OR t.crisis_id IS NULL)"
            " WHERE c.id = %s AND m.user_id = %s AND m.is_active GROUP BY m.role, t.topic"
        )
    else:
        sql = (
            f"SELECT m.role, t.topic, COALESCE(SUM(t.version), 0) FROM {members} m"
            f" LEFT JOIN {_TABLE} t ON t.establishment_id = m.establishment_id AND t.topic IN ({placeholders})"
            " WHERE m.establishment_id = %s AND m.user_id = %s AND m.is_active GROUP BY m.role, t.topic"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*followed, scope_id, user.pk])
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    role = rows[0][0]
    if capability not in capabilities_of(role):
        raise refused(f"role {role} lacks {capability}")
    return _complete(topics, [(topic, value) for _role, topic, value in rows])


def cards_poll(
    request: HttpRequest,
    *,
    topics: Iterable[str],
    crisis_id: int | None = None,
    establishment_id: int | None = None,
) -> tuple[HttpResponse | None, dict[str, int] | None]:
    """A page of cards' poll: (204, None) when it shows the current counters; (None, the counters) when it
    must show the cards of the topics that moved; (None, None) for the page itself (no query).

    The counters are read in the one query of the cheap answer, before any card reads what it shows.
    """
    if not web_live.is_poll(request):
        return None, None
    current = counters_for_user(request.user, topics=topics, crisis_id=crisis_id, establishment_id=establishment_id)
    return web_live.nothing_new_in(request, current), current
