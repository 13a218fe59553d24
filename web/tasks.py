"""The web plumbing's periodic work (the beat schedule in config/settings.py)."""

from celery import shared_task
from django.core.management import call_command

from config.celery import time_limits


@shared_task(**time_limits(300))
def purge_expired_sessions() -> None:
    """Django's clearsessions, daily: an expired session is never read again, but its row stays until deleted.

    A session lives a shift (SESSION_COOKIE_AGE) and every login makes one, so without
    this the table only grows; the delete goes through the expiry index.
    """
    call_command("clearsessions")
