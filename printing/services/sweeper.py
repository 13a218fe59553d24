"""The sweeper: what no worker will otherwise take is sent again (beat, every minute; or the command)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PrintJob
from .requests import dispatch
from .worker import MAX_ATTEMPTS, _fail, _stale_before

# A job the broker has had for this many stale delays without any worker taking it is sent again:
# its message was probably lost (Redis restarted without persistence, queue purged). Much longer
# than the stale delay, since under the nightly load of kits jobs do wait that long in the queue,
# and each resend is one more message in that queue. 3 × 300 s = the Redis visibility timeout.
LOST_AFTER_STALE = 3


def _not_sent_since(when) -> Q:
    return Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=when)


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
