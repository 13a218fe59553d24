"""Celery tasks of comms: ids in, call a service, return something small."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from config.celery import time_limits

from . import services
from .sms import GatewayDown


# A gateway down raises GatewayDown after the service kept why: retried with backoff for about an hour
# (the messages stay queued in the database; sending the list again after that re-queues none twice).
@shared_task(
    autoretry_for=(GatewayDown, OperationalError, InterfaceError),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=10,
    **time_limits(120),
)
def send_sms(sms_ids: list[int]) -> dict:
    return services.sms_deliver(sms_ids=sms_ids)


# Every minute (CELERY_BEAT_SCHEDULE, SMS_RECEIVE_SCHEDULE): the replies waiting at the gateway become outcomes.
@shared_task(autoretry_for=(OperationalError, InterfaceError), max_retries=3, **time_limits(120))
def receive_sms() -> int:
    return services.sms_receive()
