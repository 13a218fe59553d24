"""Sessions in the database (Django's ``db`` engine), with the per-request read written out.

Every authenticated request reads its session row. Django's engine reads it with
``Session.objects.get(session_key=..., expire_date__gt=now)``; the ORM's query building
cost about three times the read itself (docs/performance.md, "Cost of an authenticated
request"). This engine sends the same query, by the same primary key, as one statement;
saving, expiry, cycling on login and flushing on logout stay Django's.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        connection = connections[router.db_for_read(self.model)]
        columns = (self.model._meta.get_field(name).column for name in ("session_key", "session_data", "expire_date"))
        key, data, expiry = (connection.ops.quote_name(column) for column in columns)
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: an unknown or expired key is replaced on save
            return {}
        return self.decode(row[0])
