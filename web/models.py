"""The few rows the web plumbing keeps: failed-login counters (see web.ratelimit) and sessions (web.sessions)."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class LoginFailure(models.Model):
    """Failed logins for one account from one address, in the database so a broker outage cannot reach them.

    Username and address are stored hashed: the table says how often, never who.
    """

    user_key = models.CharField(max_length=32)
    address_key = models.CharField(max_length=32, db_index=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)
    # No attempt for this account from this address is checked before this time.
    retry_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_key", "address_key"], name="login_failure_pair")]

    def __str__(self) -> str:
        return f"{self.failures} failure(s) until {self.retry_at:%Y-%m-%d %H:%M:%S}"


class Session(AbstractBaseSession):
    """Django's session row plus the id of the user logged in with it, so one query reads both.

    ``user`` mirrors the signed data's user id at every save (web.sessions); the data stays
    the authority, the column only says which user row to join. NULL for an anonymous
    session and for a session moved from django_session by migration 0002. Deleting a user
    deletes their sessions.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta(AbstractBaseSession.Meta):
        db_table = "web_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
