"""The few rows the web plumbing keeps: failed-login counters (see web.ratelimit)."""

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
