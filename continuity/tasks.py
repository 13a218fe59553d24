"""Celery tasks: ids in (JSON), call a service, return something small.

render_* tasks go to the "print" queue (CELERY_TASK_ROUTES). Acknowledged late
(settings), so a worker killed mid-render leaves the message to be delivered
again; the claim in the service makes a second delivery harmless. The hard time
limit equals PRINT_JOB_STALE_AFTER: a render can never still be running when the
sweeper decides its job is stuck and hands it to another worker.
"""

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

RENDER_LIMITS = {
    "time_limit": settings.PRINT_JOB_STALE_AFTER,
    "soft_time_limit": max(settings.PRINT_JOB_STALE_AFTER - 15, 5),
}
TRANSIENT_RETRY = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": 2, "max_retries": 3}


@shared_task(**RENDER_LIMITS, **TRANSIENT_RETRY)
def render_print_job(job_id: int) -> str:
    job = services.print_job_render(job_id=job_id)
    return job.status if job else "skipped"


@shared_task(**RENDER_LIMITS, **TRANSIENT_RETRY)
def render_assemble(job_id: int) -> str:
    job = services.print_job_assemble(job_id=job_id)
    return job.status if job else "skipped"


@shared_task(time_limit=60)
def sweep_print_jobs() -> dict:
    report = services.print_jobs_sweep()
    return {"redispatched": report.redispatched, "assembled": report.assembled, "abandoned": report.abandoned}


@shared_task(time_limit=120)
def build_all_paper_kits() -> list[int]:
    return [job.pk for job in services.kit_build_all()]


@worker_process_init.connect
def _warm_up_weasyprint(**kwargs) -> None:
    """Pay WeasyPrint's start-up (imports, fonts, stylesheet) once per worker process, not in the first job."""
    from .printing.engine import warm_up

    warm_up()
