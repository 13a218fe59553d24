"""Preparedness's tasks: thin, they call a service and return something small."""

from celery import shared_task

from config.celery import time_limits

from . import readiness


@shared_task(**time_limits(600))
def keep_readiness_readings() -> int:
    """Each establishment's readiness score of the day (beat: READINESS_SCHEDULE, after the nightly paper kits)."""
    return readiness.keep_all()
