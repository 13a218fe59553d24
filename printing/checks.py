"""Start-up checks of the print pipeline's delays (manage.py check, runserver, the worker)."""

from django.conf import settings
from django.core.checks import Error, register

MIN_SOFT_LIMIT = 30  # seconds: less, and an ordinary kit part could not render


@register()
def print_job_delays(app_configs=None, **kwargs) -> list[Error]:
    from .services import SOFT_MARGIN, STALE_MARGIN, render_time_limits

    errors = []
    stale = settings.PRINT_JOB_STALE_AFTER
    soft = render_time_limits(stale)[1]
    if soft < MIN_SOFT_LIMIT:
        errors.append(
            Error(
                f"PRINT_JOB_STALE_AFTER={stale} leaves render tasks {soft} s (soft limit) to run.",
                hint=f"Render tasks are stopped {STALE_MARGIN + SOFT_MARGIN} s before the stale delay; set it to "
                f"at least {MIN_SOFT_LIMIT + SOFT_MARGIN + STALE_MARGIN} s.",
                id="printing.E001",
            )
        )
    visibility = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get("visibility_timeout")
    if visibility is not None and stale >= visibility:
        errors.append(
            Error(
                f"PRINT_JOB_STALE_AFTER={stale} is not under the broker's visibility_timeout ({visibility} s).",
                hint="Redis would deliver a running render's task again before the sweeper considers its job stuck: "
                "raise CELERY_VISIBILITY_TIMEOUT or lower PRINT_JOB_STALE_AFTER.",
                id="printing.E002",
            )
        )
    if settings.PRINT_RETENTION_DAYS < 1:
        errors.append(
            Error(
                f"PRINT_RETENTION_DAYS={settings.PRINT_RETENTION_DAYS}: finished prints would be deleted at once.",
                hint="Keep them at least a day (default 30).",
                id="printing.E003",
            )
        )
    return errors


@register()
def document_templates(app_configs=None, **kwargs) -> list[Error]:
    """Every template a document declares exists: its fingerprint and its render need it."""
    from django.template import TemplateDoesNotExist

    from . import engine, registry

    errors = []
    for document in registry.all_documents():
        try:
            engine.templates_digest(document.templates)
        except TemplateDoesNotExist as missing:
            errors.append(
                Error(f"Document {document.name!r} declares a missing template: {missing}.", id="printing.E004")
            )
    return errors


@register()
def task_time_limits(app_configs=None, **kwargs) -> list[Error]:
    """Every task's limits, its own or the global ones, put the soft limit before the hard one.

    Otherwise Celery refuses to send the task (beat logs "Couldn't apply scheduled task" every
    run and the sweeper never runs); and every periodic task must name a registered task.
    """
    from django.utils.module_loading import autodiscover_modules

    from config.celery import app

    autodiscover_modules("tasks")
    errors = []
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue
        hard, soft = task.time_limit, task.soft_time_limit
        if hard and soft and soft >= hard:
            errors.append(
                Error(
                    f"Task {name}: soft time limit {soft} s is not below its hard limit {hard} s.",
                    hint="Set both limits on the task (config.celery.time_limits), or neither.",
                    id="printing.E005",
                )
            )
    for entry, schedule in settings.CELERY_BEAT_SCHEDULE.items():
        if schedule["task"] not in app.tasks:
            errors.append(
                Error(
                    f"Periodic task {entry!r} names {schedule['task']}, which is not a registered task.",
                    id="printing.E006",
                )
            )
    return errors
