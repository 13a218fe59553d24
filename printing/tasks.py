"""Celery tasks: ids in (JSON), call a service, return something small.

render_* tasks go to the "print" queue (CELERY_TASK_ROUTES). They are acknowledged
late (settings), but do not count on the broker to redeliver the task of a worker
killed mid-render: on Redis that happens only after the visibility timeout, on the
filesystem transport never. The sweeper (sweep_print_jobs, every minute) recovers
such jobs: one in progress for longer than PRINT_JOB_STALE_AFTER is sent again and
a live worker takes it over. The claim in the service makes a second delivery
harmless.

Time limits come from PRINT_JOB_STALE_AFTER (services.render_time_limits): the
hard limit kills a render 30 s before the sweeper may hand its job to another
worker, so two renders of one job never run at once; the soft limit, 15 s
earlier, lets the service fail the job with a message.

A transient database error retries the task (autoretry); the service first puts
the job back in the queue, so that the retry claims it again.
"""

from celery import shared_task
from celery.signals import worker_process_init
from django.db import InterfaceError, OperationalError

from config.celery import time_limits

from . import services

_HARD, _SOFT = services.render_time_limits()
RENDER_LIMITS = {"time_limit": _HARD, "soft_time_limit": _SOFT}
TRANSIENT_RETRY = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": 2, "max_retries": 3}


@shared_task(**RENDER_LIMITS, **TRANSIENT_RETRY)
def render_print_job(job_id: int) -> str:
    job = services.print_job_render(job_id=job_id)
    return job.status if job else "skipped"


@shared_task(**RENDER_LIMITS, **TRANSIENT_RETRY)
def render_assemble(job_id: int) -> str:
    job = services.print_job_assemble(job_id=job_id)
    return job.status if job else "skipped"


@shared_task(**time_limits(60))
def sweep_print_jobs() -> dict:
    report = services.print_jobs_sweep()
    return {"redispatched": report.redispatched, "assembled": report.assembled, "abandoned": report.abandoned}


@shared_task(**time_limits(120))
def build_all_paper_kits() -> list[int]:
    return [job.pk for job in services.kit_build_all()]


@shared_task(**time_limits(300))
def prune_print_files() -> dict:
    report = services.print_files_prune()
    return {"files": report.files, "parts": report.parts}


@worker_process_init.connect
def _warm_up_weasyprint(**kwargs) -> None:
    """Pay WeasyPrint's start-up (imports, fonts, stylesheet) once per worker process, not in the first job."""
    from .engine import warm_up

    warm_up()
