"""What the live Celery workers hold, and whether the print queue is empty.

The sweeper asks, so that it can tell a job whose worker died, or whose message the
broker lost (Redis restarted without persistence, the filesystem transport's
prefetched files), from one that a worker is rendering or that waits its turn,
without waiting for the stale or lost delays. Asking is one broadcast (remote
control) answered by each worker's main process, even while its pool renders.
Nobody answering (every worker down, or the broker) means "cannot tell".
"""

import ast
import logging

from django.conf import settings
from kombu.exceptions import ChannelError, OperationalError

logger = logging.getLogger(__name__)

RENDER_TASKS = frozenset({"printing.tasks.render_print_job", "printing.tasks.render_assemble"})
ANSWER_TIMEOUT = 1.5  # seconds: a worker's main process answers in milliseconds, even with its pool busy


def broker_view() -> tuple[bool, set[int]] | None:
    """(the print queue is empty, the ids of the jobs held by live workers), or None: cannot tell.

    In this order, so that a message taken from the queue meanwhile is in a worker's answer.
    """
    if not settings.PRINT_SWEEP_ASKS_WORKERS:
        return None
    empty = print_queue_is_empty()
    if empty is None:
        return None
    held = jobs_held()
    return None if held is None else (empty, held)


def print_queue_is_empty() -> bool | None:
    """Whether the broker's print queue holds no message; None when the broker does not answer."""
    from config.celery import app

    queue = app.amqp.router.route({}, "printing.tasks.render_print_job")["queue"].name
    try:
        # Fail fast, as the publisher does (services._send): the sweeper must not hang on a dead broker.
        with app.connection_for_read(connect_timeout=2, transport_options={"max_retries": 0}) as connection:
            return connection.default_channel.queue_declare(queue=queue, passive=True).message_count == 0
    except ChannelError:  # Redis forgets an empty queue: "not found" is empty
        return True
    except (OperationalError, OSError) as exc:
        logger.warning("Print sweeper: could not count the print queue (%s)", exc)
        return None


def jobs_held() -> set[int] | None:
    """Ids of the jobs whose render or assembly a live worker runs or has reserved; None: nobody answered.

    Reserved is asked before active: a task that starts between the two questions is in one answer.
    """
    from config.celery import app

    inspect = app.control.inspect(timeout=ANSWER_TIMEOUT)
    try:
        reserved = inspect.reserved()
        active = inspect.active()
    except (OperationalError, OSError) as exc:
        logger.warning("Print sweeper: could not ask the workers (%s)", exc)
        return None
    if not active or reserved is None:
        return None
    held = set()
    for answer in (reserved, active):
        for requests in answer.values():
            held.update(_job_id(request) for request in requests if request.get("name") in RENDER_TASKS)
    held.discard(None)
    return held


def _job_id(request: dict) -> int | None:
    args = request.get("args") or ()
    if isinstance(args, str):  # older workers answer the repr of the arguments
        args = ast.literal_eval(args)
    return args[0] if args and isinstance(args[0], int) else None
