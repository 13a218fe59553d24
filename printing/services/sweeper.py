"""The sweeper: what no worker will otherwise take is sent again (beat, every minute; or the command)."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workers
from ..models import PrintJob
from .requests import dispatch
from .worker import MAX_ATTEMPTS, _fail, _stale_before

logger = logging.getLogger(__name__)

# A job the broker has had for this many stale delays without any worker taking it is sent again:
# its message was probably lost (Redis restarted without persistence, queue purged). Much longer
# than the stale delay, since under the nightly load of kits jobs do wait that long in the queue,
# and each resend is one more message in that queue. 3 × 300 s = the Redis visibility timeout.
LOST_AFTER_STALE = 3
# Younger than this, a job is not questioned by what the workers say (printing.workers): it was just
# claimed or sent.
HELD_GRACE = timedelta(seconds=10)


def _not_sent_since(when) -> Q:
    return Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=when)


def _forget_what_no_worker_holds(now) -> int:
    """Without the delays below: what no live worker holds is made to look never sent, so it goes now.

    A job in progress that no worker runs lost its worker (killed, or stopped by Ctrl-C): back to the
    queue, or failed after MAX_ATTEMPTS. With the print queue empty, a job (or an assembly) sent but
    held by no worker lost its message. Each update is conditional on the row being as read, and a
    second delivery of a message that was not lost after all is refused by the claim. Returns how
    many were abandoned.
    """
    before = now - HELD_GRACE
    running = list(
        PrintJob.objects.filter(
            status=PrintJob.Status.RUNNING, waiting_for_parts=False, started_at__lt=before
        ).values_list("pk", "attempts")
    )
    sent = PrintJob.objects.filter(dispatched_at__lt=before).filter(
        Q(status=PrintJob.Status.QUEUED) | Q(status=PrintJob.Status.RUNNING, waiting_for_parts=True)
    )
    sent = list(sent.values_list("pk", "status", "dispatched_at"))
    view = workers.broker_view() if running or sent else None
    if view is None:
        return 0
    queue_empty, held = view
    abandoned = 0
    for pk, attempts in running:
        if pk in held:
            continue
        orphan = PrintJob.objects.filter(pk=pk, status=PrintJob.Status.RUNNING, attempts=attempts)
        if attempts >= MAX_ATTEMPTS:
            for job in orphan:
                _fail(job, _("Abandonné après %(n)s tentatives : le rendu n'aboutit pas.") % {"n": attempts})
                abandoned += 1
            continue
        logger.warning("Print job %s: in progress, but no live worker holds it; sent again", pk)
        orphan.update(status=PrintJob.Status.QUEUED, started_at=None, dispatched_at=None)
    if queue_empty:
        for pk, status, dispatched_at in sent:
            if pk not in held:
                logger.warning("Print job %s: sent, but neither queued nor held by a worker; sent again", pk)
                PrintJob.objects.filter(pk=pk, status=status, dispatched_at=dispatched_at).update(dispatched_at=None)
    return abandoned


@dataclass
class SweepReport:
    redispatched: int = 0
    assembled: int = 0
    abandoned: int = 0


def print_jobs_sweep(*, now=None, stale_after: int | None = None) -> SweepReport:
    """Resend what no worker will otherwise take; give up on jobs stuck after MAX_ATTEMPTS.

    - queued, never dispatched (the broker was down): at once;
    - queued, dispatched long ago (LOST_AFTER_STALE × the stale delay): its message is lost;
      a job merely waiting its turn in a busy queue is left alone;
    - in progress for longer than the stale delay (its worker died), unless just resent;
    - waiting for an assembly whose parts are all done, never sent or sent long ago.
    Resending sets dispatched_at only when the broker took the message (dispatch).
    """
    now = now or timezone.now()
    stale = _stale_before(now, stale_after)
    lost = now - LOST_AFTER_STALE * (now - stale)
    report = SweepReport()
    report.abandoned += _forget_what_no_worker_holds(now)
    stuck = PrintJob.objects.filter(status=PrintJob.Status.RUNNING, waiting_for_parts=False, started_at__lt=stale)
    for job in stuck.filter(attempts__gte=MAX_ATTEMPTS):
        _fail(job, _("Abandonné après %(n)s tentatives : le rendu n'aboutit pas.") % {"n": job.attempts})
        report.abandoned += 1
    resend = PrintJob.objects.filter(
        Q(status=PrintJob.Status.QUEUED) & _not_sent_since(lost)
        | Q(status=PrintJob.Status.RUNNING, waiting_for_parts=False, started_at__lt=stale) & _not_sent_since(stale)
    )
    for job_id in list(resend.values_list("pk", flat=True)):
        report.redispatched += dispatch("render_print_job", job_id)
    pending_children = PrintJob.objects.filter(parent=OuterRef("pk"), status__in=PrintJob.PENDING)
    ready = PrintJob.objects.filter(_not_sent_since(lost), status=PrintJob.Status.RUNNING, waiting_for_parts=True)
    for job_id in list(ready.exclude(Exists(pending_children)).values_list("pk", flat=True)):
        report.assembled += dispatch("render_assemble", job_id)
    return report
