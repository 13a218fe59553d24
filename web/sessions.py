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
"""

from functools import cache

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from .models import Session

SESSION_DATA = "web_session_data"  # the session column's name in the joined row, clear of any user field


class SessionStore(db.SessionStore):
    _loaded_with: tuple[str | None, object] = (None, None)  # (session key, user row) of the last load()

    @classmethod
    def get_model_class(cls):
        return Session

    def load(self):
        alias = router.db_for_read(self.model)
        sql = _session_and_user_sql(alias)
        expiry = connections[alias].ops.adapt_datetimefield_value(timezone.now())
        users = get_user_model()._default_manager.db_manager(alias).raw(sql, [self.session_key, expiry])
        row = next(iter(users), None)
        if row is None:
            self._session_key = None  # as Django's: an unknown or expired key is replaced on save
            return {}
        # LEFT JOIN: no user (anonymous, or a row from before migration 0002) reads as a null id.
        self._loaded_with = (self.session_key, row if row.pk is not None else None)
        return self.decode(getattr(row, SESSION_DATA))

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


@cache
def _session_and_user_sql(alias: str) -> str:
    """The session's data and its user's columns, by session key, unexpired; written once per process."""
    quote = connections[alias].ops.quote_name
    user_meta, session_meta = get_user_model()._meta, Session._meta
    user_columns = ", ".join(f"u.{quote(field.column)}" for field in user_meta.concrete_fields)
    session = {name: quote(session_meta.get_field(name).column) for name in ("session_key", "expire_date", "user")}
    return (
        f"SELECT s.{quote(session_meta.get_field('session_data').column)} AS {quote(SESSION_DATA)}, {user_columns}"
        f" FROM {quote(session_meta.db_table)} s"
        f" LEFT JOIN {quote(user_meta.db_table)} u ON u.{quote(user_meta.pk.column)} = s.{session['user']}"
        f" WHERE s.{session['session_key']} = %s AND s.{session['expire_date']} > %s"
    )
