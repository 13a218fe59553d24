"""The Celery application: settings come from Django's, prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SOFT_LIMIT_MARGIN = 15  # seconds between the soft limit (the task cleans up) and the hard one (killed)


def time_limits(hard: int) -> dict:
    """Both limits of a task, soft before hard, for its decorator: ``@shared_task(**time_limits(60))``.

    A task that sets only its hard limit keeps the global soft one (CELERY_TASK_SOFT_TIME_LIMIT); when
    that is above the hard limit, Celery refuses to send the task ("soft_time_limit must be less than
    or equal to time_limit") and beat never runs it. Checked at start-up (printing.checks).
    """
    if hard <= SOFT_LIMIT_MARGIN:
        raise ValueError(f"a hard time limit of {hard} s leaves no time before the soft limit")
    return {"time_limit": hard, "soft_time_limit": hard - SOFT_LIMIT_MARGIN}
