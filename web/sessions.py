"""Sessions in the database, read together with their user in one query.

Every authenticated request reads its session row, then its user row: two round trips,
each costing the gunicorn worker about 0.5 ms of CPU (docs/performance.md, "Cost of an
authenticated request"). This engine is Django's ``db`` engine on its own table
(``web.models.Session``, Django's documented "extending database-backed session engines"),
whose rows also carry the logged-in user's id, written from the session data at every
save. ``load()`` reads the session and joins that user in one written-out statement (same
key, same expiry test, same signed decoding as Django's), and keeps the user row.

``web.auth.AuthenticationMiddleware`` hands that row to authentication instead of reading
the user again, and only when Django itself would accept it outright (same user id as the
signed data, a configured backend that accepts the row, the current session auth hash);
anything else goes through Django's ``auth.get_user`` unchanged. The row travels on the
session object, which the request already carries: no thread-local, no change to how a
backend is called.

A view can have more read in that statement (``ride``): a poll's access rules and change
counters, say, so that its cheap "nothing new" answer costs one round trip. What rides
is the view's business; its rows are handed back only for the user whose row the session
read (``ridden``).
"""

from functools import cache

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models.sql import Query
from django.utils import timezone

from .models import Session


class Rider:
    """Columns read with the session: `columns` and `joins` are SQL written for the joined read, where
    `{user}` stands for the session's user id column; `params` are the joins' parameters, in order.
    Each row of the joins is a row of the statement: keep them LEFT JOINs, or the session is not found;
    and join what only a member may read on the membership, so that no other user's statement reads it."""

    def __init__(self, key: str, columns: str, joins: str, params: list):
        self.key, self.columns, self.joins, self.params = key, columns, joins, params


class SessionStore(db.SessionStore):
    _loaded_with: tuple[str | None, object] = (None, None)  # (session key, user row) of the last load()
    _rider: Rider | None = None
    _ridden: tuple | None = None  # (session key, rider key, user id, the rider's columns of each row)

    @classmethod
    def get_model_class(cls):
        return Session

    def load(self):
        alias = router.db_for_read(self.model)
        rider, self._rider = self._rider, None
        found = _JoinedRead.of(alias).fetch(connections[alias], self.session_key, rider)
        if found is None:
            self._session_key = None  # as Django's: an unknown or expired key is replaced on save
            return {}
        data, user, ridden = found
        self._loaded_with = (self.session_key, user)
        if rider is not None and user is not None:
            self._ridden = (self.session_key, rider.key, user.pk, ridden)
        return self.decode(data)

    def ride(self, rider: Rider) -> bool:
        """Have `rider` read with the session, if the session has not been read yet (else False).

        Only where the session is read from the default database: a rider's rows stand for what
        its caller would read there itself (the access rules), not for a replica's lagging copy."""
        if hasattr(self, "_session_cache") or not self.session_key:
            return False
        if router.db_for_read(self.model) != DEFAULT_DB_ALIAS:
            return False
        self._rider = rider
        return True

    def ridden(self, key: str, user) -> list | None:
        """The rows the rider `key` read with the session, if it read them for this user while the session
        keeps the key it was read with (as ``loaded_user``); else None."""
        if self._ridden is None or not user.is_authenticated:
            return None
        session_key, rider_key, user_id, rows = self._ridden
        if session_key != self.session_key or rider_key != key or user_id != user.pk:
            return None
        return rows

    def loaded_user(self):
        """The user row read with this session, if any, while the session keeps the key it was read with.

        It is only a candidate: web.auth.AuthenticationMiddleware checks it as Django would.
        """
        self._get_session()  # load() now if nothing read the session yet
        key, user = self._loaded_with
        return user if key is not None and key == self.session_key else None

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_id(data)
        return session

    async def acreate_model_instance(self, data):
        session = await super().acreate_model_instance(data)
        session.user_id = _user_id(data)
        return session


def _user_id(data: dict):
    """The logged-in user's id in the session data, as the column stores it; None for an anonymous session."""
    try:
        return get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
    except ValidationError:
        return None


class _JoinedRead:
    """The session's data and its user's row, by session key, unexpired: one statement, written once per database.

    The user's columns get Django's conversions (aware datetimes and booleans on SQLite),
    looked up once as the ORM's compiler does for every query; ``raw()`` looked them up on
    every request, which cost more CPU than the round trip it saves.
    """

    @staticmethod
    @cache
    def of(alias: str) -> "_JoinedRead":
        return _JoinedRead(alias)

    def __init__(self, alias: str):
        connection = connections[alias]
        quote = connection.ops.quote_name
        self.user_model, session_meta = get_user_model(), Session._meta
        user_meta = self.user_model._meta
        self.alias, self.names = alias, [field.attname for field in user_meta.concrete_fields]
        self.pk_position = self.names.index(user_meta.pk.attname)
        fields = ("session_key", "session_data", "expire_date", "user")
        column = {name: quote(session_meta.get_field(name).column) for name in fields}
        user_columns = ", ".join(f"u.{quote(field.column)}" for field in user_meta.concrete_fields)
        # Kept in parts: a rider's columns go after the select, its joins before the where.
        self.select = f"SELECT s.{column['session_data']}, {user_columns}"
        self.tables = (
            f" FROM {quote(session_meta.db_table)} s"
            f" LEFT JOIN {quote(user_meta.db_table)} u ON u.{quote(user_meta.pk.column)} = s.{column['user']}"
        )
        self.where = f" WHERE s.{column['session_key']} = %s AND s.{column['expire_date']} > %s"
        self.sql = self.select + self.tables + self.where
        columns = [session_meta.get_field("session_data").get_col("s")]
        columns += [field.get_col("u") for field in user_meta.concrete_fields]
        # The converters depend on the database's settings (time zone), not on one connection object.
        compiler = connection.ops.compiler("SQLCompiler")(Query(self.user_model), connection, alias)
        self.converters = list(compiler.get_converters(columns).items())
        self.width = len(columns)  # the session's and the user's columns; a rider's come after
        self.user_id_column = f"u.{quote(user_meta.pk.column)}"
        self.ridden_sql: dict[tuple[str, str], str] = {}

    def fetch(self, connection, session_key: str, rider: Rider | None = None):
        """(session data, user or None, the rider's columns of each row), or None for an unknown or expired key."""
        with connection.cursor() as cursor:
            cursor.execute(*self._statement(connection, session_key, rider))
            rows = cursor.fetchall()
        if not rows:
            return None
        row = list(rows[0][: self.width])
        for position, (converters, column) in self.converters:
            for converter in converters:
                row[position] = converter(row[position], column, connection)
        data, values = row[0], row[1:]
        # LEFT JOIN: no user (anonymous, or a row from before migration 0002) reads as a null id.
        user = self.user_model.from_db(self.alias, self.names, values) if values[self.pk_position] is not None else None
        return data, user, [found[self.width :] for found in rows]

    def _statement(self, connection, session_key: str, rider: Rider | None) -> tuple[str, list]:
        params = [session_key, connection.ops.adapt_datetimefield_value(timezone.now())]
        if rider is None:
            return self.sql, params
        return self._with(rider.columns, rider.joins), [*rider.params, *params]

    def _with(self, columns: str, joins: str) -> str:
        """The statement with a rider's columns and joins (kept per rider: a view's are constant)."""
        key = (columns, joins)
        if key not in self.ridden_sql:
            joins = joins.replace("{user}", self.user_id_column)
            self.ridden_sql[key] = f"{self.select}, {columns}{self.tables}{joins}{self.where}"
        return self.ridden_sql[key]
