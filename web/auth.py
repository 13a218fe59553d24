"""Django's ModelBackend, with the per-request user lookup compiled once.

``get_user`` runs on every authenticated request (the session holds the user's id).
Building ``User.objects.get(pk=...)`` with the ORM cost about twice as much CPU as
sending it and reading the row (docs/performance.md, "Cost of an authenticated
request"). The SQL is the ORM's own, compiled once per process; ``raw()`` keeps
Django's field conversions (aware datetimes on SQLite) and gives a normal instance.
Everything else (authenticate, permissions, the is_active check) is Django's.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = next(iter(user_model._default_manager.raw(_user_by_pk_sql(user_model), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


@cache
def _user_by_pk_sql(user_model) -> str:
    sql, params = user_model._default_manager.filter(pk=0).query.sql_with_params()
    assert params == (0,), "the user lookup must have exactly one parameter, the primary key"
    return sql
