"""Django's ModelBackend and AuthenticationMiddleware, with the per-request user read made cheap.

``ModelBackend.get_user`` runs on every authenticated request (the session holds the user's
id). Building ``User.objects.get(pk=...)`` with the ORM cost about twice as much CPU as
sending it and reading the row (docs/performance.md, "Cost of an authenticated request").
The SQL is the ORM's own, compiled once per process; ``raw()`` keeps Django's field
conversions (aware datetimes on SQLite) and gives a normal instance. Everything else
(authenticate, permissions, the is_active check) is Django's.

``AuthenticationMiddleware`` saves that read altogether when the session engine already
read the user with the session (web.sessions, one query for both). It takes the row only
when Django's ``auth.get_user`` would accept it as it stands: the user id of the signed
session data, a backend path that is configured and whose backend accepts the row (the
``user_can_authenticate`` of ``get_user``), and the session auth hash of the current
secret. Whatever else happens (no row, another id, an inactive user, a changed password,
a hash from a fallback secret, a foreign backend) goes to Django's own ``auth.get_user``,
which reads the user again and refuses, flushes or cycles exactly as it always does. The
fast path can only accept what Django accepts; it never refuses anything itself.

Why the middleware and not the backend: a backend's ``get_user(user_id)`` sees no request,
so handing it the row would take a thread-local (or a context variable) set around Django's
call. The middleware already holds the request, whose session carries the row; re-checking
the three conditions above is shorter than that indirection, and leaves no state behind.
"""

from functools import cache

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = next(iter(user_model._default_manager.raw(_user_by_pk_sql(user_model), [user_id])), None)
        return self.accepted(user)

    def accepted(self, user):
        """What get_user returns for this row: the user, or None if they may not log in (inactive)."""
        return user if user is not None and self.user_can_authenticate(user) else None


@cache
def _user_by_pk_sql(user_model) -> str:
    sql, params = user_model._default_manager.filter(pk=0).query.sql_with_params()
    assert params == (0,), "the user lookup must have exactly one parameter, the primary key"
    return sql


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)  # its checks, and request.auser (async: Django's path)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    # The attribute Django's middleware caches in: login() and logout() replace request.user either way.
    if not hasattr(request, "_cached_user"):
        request._cached_user = _user_read_with_session(request) or auth.get_user(request)
    return request._cached_user


def _user_read_with_session(request):
    """The user the session engine read with the session, if Django would accept it outright; else None."""
    session = request.session
    user = session.loaded_user() if hasattr(session, "loaded_user") else None  # another engine: Django's path
    backend_path = session.get(BACKEND_SESSION_KEY) if user is not None else None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    try:
        if user.pk != get_user_model()._meta.pk.to_python(session.get(SESSION_KEY)):
            return None
    except ValidationError:
        return None
    backend = load_backend(backend_path)
    if getattr(type(backend), "get_user", None) is not ModelBackend.get_user or backend.accepted(user) is None:
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    return user if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()) else None
