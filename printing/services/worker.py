"""Every write of the print pipeline. Views, tasks and commands all call these.

A print job is created in the request's transaction and sent to a worker on
commit; dispatched_at is set once the broker has the message, so a job left
queued with no dispatched_at never reached it (broker down) and the sweeper
sends it on its next run. Workers claim a job with a conditional UPDATE (no row
locks, works on SQLite) and finish it with another one, so a job sent twice
renders once, and a worker killed mid-render leaves a job the sweeper hands to
another.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from crisis.models import Crisis, Establishment

from .models import PrintJob, RenderedPart
from .printing import assembly, engine, registry
from .printing.registry import Item, params_key

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Database trouble is transient: the job goes back to the queue and the task retries (tasks.py).
TRANSIENT = (OperationalError, InterfaceError)
PARTS_KEPT_UNUSED = timedelta(days=2)
# A render task is killed this long before the sweeper may hand its job to another worker:
# time for the pool to kill it, and for clocks of different worker hosts to disagree.
STALE_MARGIN = 30
SOFT_MARGIN = 15  # the soft limit comes first, so the job is failed with a message (print_job_render)
# A job the broker has had for this many stale delays without any worker taking it is sent again:
# its message was probably lost (Redis restarted without persistence, queue purged). Much longer
# than the stale delay, since under the nightly load of kits jobs do wait that long in the queue,
# and each resend is one more message in that queue. 3 × 300 s = the Redis visibility timeout.
LOST_AFTER_STALE = 3


def render_time_limits(stale_after: int | None = None) -> tuple[int, int]:
    """(hard, soft) time limits of the render tasks, in seconds, from PRINT_JOB_STALE_AFTER.

    Invariant: hard < stale, so a render can never still be running when the sweeper (or a
    second claim) decides its job is stuck and hands it to another worker.
    """
    stale = settings.PRINT_JOB_STALE_AFTER if stale_after is None else stale_after
    hard = stale - STALE_MARGIN
    return hard, hard - SOFT_MARGIN


# --- request and dispatch -------------------------------------------------------------


def _send(task_name: str, job_id: int) -> bool:
    """Publish one task; a broker that is down only logs: the job row stays and the sweeper resends."""
    from . import tasks

    task = getattr(tasks, task_name)
    try:
        # Fail fast: a web request must not wait on kombu's connection retries (seconds) for a dead broker.
        with task.app.connection_for_write(transport_options={"max_retries": 0}, connect_timeout=2) as connection:
            task.apply_async((job_id,), retry=False, connection=connection)
    except (BrokerError, OSError) as exc:
        logger.warning("Print job %s: broker unreachable (%s); left for the sweeper", job_id, exc)
        return False
    return True


def _dispatch(task_name: str, job_id: int) -> bool:
    """Publish, then record when: a job whose dispatched_at is null never reached the broker.

    dispatched_at is that of the message the job waits for: its render, or (waiting for its
    parts) its assembly; hence the condition on waiting_for_parts, should a worker have fanned
    the job out already (its null then means: no assembly sent yet).
    """
    if not _send(task_name, job_id):
        return False
    try:
        waiting_for_parts = task_name == "render_assemble"
        PrintJob.objects.filter(pk=job_id, waiting_for_parts=waiting_for_parts).update(dispatched_at=timezone.now())
    except TRANSIENT as exc:  # the message is out; at worst the sweeper sends it once more (harmless)
        logger.warning("Print job %s: sent, but dispatched_at not recorded (%s)", job_id, exc)
    return True


def _dispatch_on_commit(task_name: str, job_id: int) -> None:
    transaction.on_commit(partial(_dispatch, task_name, job_id))


def _kit_items(establishment: Establishment, only: list[str] | None) -> list[Item]:
    items = registry.kit_items(establishment)
    if only is not None:
        items = [item for item in items if item.key in set(only)]
    return items


def _clean_kit_params(establishment: Establishment, params: dict) -> dict:
    only = params.get("only")
    if only is None:
        return {}
    if not isinstance(only, list) or not only or not all(isinstance(k, str) for k in only):
        raise ValidationError({"only": _("Choisissez au moins un document du kit.")})
    known = {item.key for item in registry.kit_items(establishment)}
    if not set(only) <= known:
        raise ValidationError({"only": _("Document inconnu dans ce kit.")})
    return {"only": sorted(set(only))}


def _kit_title(kind: str, establishment: Establishment, params: dict) -> str:
    base = _("Kit papier") if kind == PrintJob.Kind.KIT else _("Paquet hors ligne du kit papier")
    title = f"{base} — {establishment.name}"
    if params.get("only"):
        count = len(params["only"])
        title += " " + (
            _("(%(count)s document à réimprimer)") if count == 1 else _("(%(count)s documents à réimprimer)")
        ) % {"count": count}
    return title


def print_job_request(
    *,
    establishment: Establishment,
    by,
    kind: str = PrintJob.Kind.DOCUMENT,
    document: str = "",
    params: dict | None = None,
) -> PrintJob:
    """Record a print request and send it to a worker when the transaction commits."""
    params = dict(params or {})
    crisis = None
    if kind == PrintJob.Kind.DOCUMENT:
        try:
            doc = registry.get(document)
        except registry.UnknownDocument:
            raise ValidationError({"document": _("Document inconnu.")}) from None
        params = doc.clean_params(establishment, params)
        title = doc.label(establishment, params)
        if doc.scope == "crisis":
            crisis = Crisis.objects.get(pk=params["crisis_id"])
    elif kind in (PrintJob.Kind.KIT, PrintJob.Kind.BUNDLE):
        document = ""
        params = _clean_kit_params(establishment, params)
        if not _kit_items(establishment, params.get("only")):
            raise ValidationError({"kind": _("Le kit de cet établissement est vide.")})
        title = _kit_title(kind, establishment, params)
    else:
        raise ValidationError({"kind": _("Nature d'impression inconnue.")})
    with transaction.atomic():
        job = PrintJob.objects.create(
            establishment=establishment,
            crisis=crisis,
            kind=kind,
            document=document,
            params=params,
            title=title[:250],
            requested_by=by,
        )
        _dispatch_on_commit("render_print_job", job.pk)
    return job


def kit_build(*, establishment: Establishment, by=None, only: list[str] | None = None) -> PrintJob:
    params = {} if only is None else {"only": only}
    return print_job_request(establishment=establishment, by=by, kind=PrintJob.Kind.KIT, params=params)


def bundle_build(*, establishment: Establishment, by=None) -> PrintJob:
    return print_job_request(establishment=establishment, by=by, kind=PrintJob.Kind.BUNDLE)


def kit_build_all() -> list[PrintJob]:
    """Nightly: a fresh kit for every establishment with something to print, unless one is on its way."""
    jobs = []
    busy = PrintJob.objects.filter(kind=PrintJob.Kind.KIT, status__in=PrintJob.PENDING).values("establishment_id")
    for establishment in Establishment.objects.exclude(pk__in=busy):
        if registry.kit_items(establishment):
            jobs.append(kit_build(establishment=establishment))
    return jobs


# --- claim, finish, fail --------------------------------------------------------------------


def _stale_before(now, stale_after: int | None = None):
    return now - timedelta(seconds=settings.PRINT_JOB_STALE_AFTER if stale_after is None else stale_after)


def print_job_claim(*, job_id: int, now=None) -> PrintJob | None:
    """Take the job for this worker, or None if another has it (or it is finished).

    A job in progress for longer than PRINT_JOB_STALE_AFTER is taken over: its
    worker died. One conditional UPDATE, checked by its row count.
    """
    now = now or timezone.now()
    claimable = Q(status=PrintJob.Status.QUEUED) | Q(
        status=PrintJob.Status.RUNNING, waiting_for_parts=False, started_at__lt=_stale_before(now)
    )
    claimed = PrintJob.objects.filter(claimable, pk=job_id, attempts__lt=MAX_ATTEMPTS).update(
        status=PrintJob.Status.RUNNING, started_at=now, finished_at=None, attempts=F("attempts") + 1, error=""
    )
    if claimed != 1:
        return None
    return PrintJob.objects.select_related("establishment").get(pk=job_id)


def _mine(job: PrintJob):
    """Still this worker's run of the job: a later claim (after a takeover) makes older runs lose."""
    return PrintJob.objects.filter(pk=job.pk, status=PrintJob.Status.RUNNING, attempts=job.attempts)


def _finish(job: PrintJob, *, pages: int, sha256: str, file_name: str = "", part: RenderedPart | None = None) -> bool:
    now = timezone.now()
    finished = _mine(job).update(
        status=PrintJob.Status.DONE,
        finished_at=now,
        duration=now - job.started_at,
        page_count=pages,
        sha256=sha256,
        file=file_name,
        part=part,
        waiting_for_parts=False,
    )
    if not finished:
        if file_name:
            default_storage.delete(file_name)
        return False
    job.status, job.finished_at, job.page_count, job.sha256, job.file.name = (
        PrintJob.Status.DONE,
        now,
        pages,
        sha256,
        file_name,
    )
    if job.parent_id:
        _notify_parent(job.parent_id)
    return True


def _reconnect_if_broken() -> None:
    """After a dropped connection every query fails until it is closed; Django opens a new one on the next.

    (Celery's Django fixup does this before each task, too late for the failing task's own clean-up.)
    """
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _requeue(job: PrintJob) -> None:
    """After a transient database error: back to the queue for the task's retry (which claims it again).

    Only if still this worker's run and not waiting for its parts. The attempt counts: an
    OperationalError can also be deterministic (a statement timeout on a huge journal), so the
    last attempt fails the job rather than leave it queued where nobody may claim it.
    """
    try:
        _reconnect_if_broken()
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job, _("Abandonné après %(n)s tentatives : base de données indisponible.") % {"n": job.attempts})
            return
        # dispatched_at: the retry's message is on its way (Celery publishes it as the task fails).
        _mine(job).filter(waiting_for_parts=False).update(
            status=PrintJob.Status.QUEUED, started_at=None, dispatched_at=timezone.now()
        )
    except TRANSIENT as exc:  # the database is still away: the job stays in progress for the sweeper
        logger.warning("Print job %s: could not put it back in the queue (%s)", job.pk, exc)


def _fail(job: PrintJob, message: str) -> None:
    now = timezone.now()
    failed = _mine(job).update(
        status=PrintJob.Status.FAILED,
        finished_at=now,
        duration=now - job.started_at,
        error=message[:2000],
        waiting_for_parts=False,
    )
    job.status, job.error = PrintJob.Status.FAILED, message
    if failed and job.parent_id:
        _notify_parent(job.parent_id)


def _notify_parent(parent_id: int) -> None:
    """The last part to finish sends the assembly; checked after our own commit, so the last one sees all."""
    if not PrintJob.objects.filter(parent_id=parent_id, status__in=PrintJob.PENDING).exists():
        _dispatch_on_commit("render_assemble", parent_id)


# --- rendering ------------------------------------------------------------------------------


def _store(prefix: str, filename: str, content: bytes) -> str:
    return default_storage.save(f"{prefix}/{filename}", ContentFile(content))


def _cached_parts(establishment: Establishment, wanted: list[tuple[str, str, str]]) -> dict:
    fingerprints = {fp for _doc, _key, fp in wanted}
    found = RenderedPart.objects.filter(establishment=establishment, fingerprint__in=fingerprints)
    return {(p.document, p.params_key, p.fingerprint): p for p in found}


def part_render(*, establishment: Establishment, document: str, params: dict) -> RenderedPart:
    """Render one part, or return the cached one with the same fingerprint."""
    doc = registry.get(document)
    key = params_key(document, params)
    fingerprint = doc.fingerprint(establishment, params)
    same = RenderedPart.objects.filter(
        establishment=establishment, document=document, params_key=key, fingerprint=fingerprint
    )
    cached = same.first()
    if cached:
        RenderedPart.objects.filter(pk=cached.pk).update(used_at=timezone.now())
        return cached
    started = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        rendered = doc.render(establishment, params, generated_at=started)
    if rendered.pdf:
        pdf, pages = rendered.pdf, assembly.page_count(rendered.pdf)
    else:
        pdf, pages = engine.html_to_pdf(rendered.html)
    name = _store(f"print/parts/{establishment.pk}", f"{document}-{fingerprint[:20]}.pdf", pdf)
    try:
        with transaction.atomic():
            part = RenderedPart.objects.create(
                establishment=establishment,
                document=document,
                params_key=key,
                params=params,
                fingerprint=fingerprint,
                file=name,
                page_count=pages,
                sha256=hashlib.sha256(pdf).hexdigest(),
                data_label=rendered.data_label[:120],
                duration=timezone.now() - started,
            )
    except IntegrityError:  # another worker rendered the same part meanwhile: keep theirs
        default_storage.delete(name)
        return same.get()
    except BaseException:  # the row is not there: neither must the file be
        default_storage.delete(name)
        raise
    _prune_parts(part)
    return part


def _prune_parts(part: RenderedPart) -> None:
    """Older renderings of the same part, unused for a while, go (files first, then rows)."""
    old = RenderedPart.objects.filter(
        establishment_id=part.establishment_id, document=part.document, params_key=part.params_key
    ).exclude(pk=part.pk)
    old = old.filter(used_at__lt=timezone.now() - PARTS_KEPT_UNUSED)
    for stale in old:
        default_storage.delete(stale.file.name)
        stale.delete()


def print_job_render(*, job_id: int) -> PrintJob | None:
    """Worker entry point: claim the job, then render it (a part) or plan it (document, kit, bundle)."""
    job = print_job_claim(job_id=job_id)
    if job is None:
        return None
    try:
        if job.kind == PrintJob.Kind.PART:
            part = part_render(establishment=job.establishment, document=job.document, params=job.params)
            _finish(job, pages=part.page_count, sha256=part.sha256, part=part)
        else:
            _plan(job)
    except TRANSIENT:
        _requeue(job)
        raise
    except SoftTimeLimitExceeded:
        # Failed, not retried: the same data would take as long again, holding a print worker
        # for minutes per attempt while the other jobs wait. The user sees why and may retry.
        logger.error("Print job %s: render too long, stopped after %s s", job.pk, render_time_limits()[1])
        _fail(job, _too_long())
    except Exception as exc:  # noqa: BLE001 — the job boundary: any render error is recorded on the job
        logger.exception("Print job %s failed", job.pk)
        _fail(job, _("Échec du rendu : %(error)s") % {"error": exc})
    return job


def _too_long() -> str:
    return _(
        "Rendu trop long : interrompu au bout de %(seconds)s s (serveurs d'impression surchargés, "
        "ou document trop volumineux)."
    ) % {"seconds": render_time_limits()[1]}


def _items_for(job: PrintJob) -> list[Item]:
    if job.kind == PrintJob.Kind.DOCUMENT:
        return [registry.get(job.document).item(job.establishment, job.params)]
    return _kit_items(job.establishment, job.params.get("only"))


def _plan(job: PrintJob) -> None:
    """Look every part up in the cache; render the stale ones in parallel (child jobs) or assemble now."""
    items = _items_for(job)
    wanted = [(i.document, params_key(i.document, c.params), c.fingerprint) for i in items for c in i.chunks]
    cached = _cached_parts(job.establishment, wanted)
    plan, stale = [], []
    for item in items:
        doc = registry.get(item.document)
        entry = {
            "document": item.document,
            "params": item.params,
            "label": item.label,
            "group": str(doc.title),
            "key": item.key,
            "fingerprint": item.fingerprint,
            "chunks": [],
        }
        for chunk in item.chunks:
            key = params_key(item.document, chunk.params)
            part = cached.get((item.document, key, chunk.fingerprint))
            entry["chunks"].append(
                {
                    "params": chunk.params,
                    "key": key,
                    "fingerprint": chunk.fingerprint,
                    "part": part.pk if part else None,
                    "job": None,
                }
            )
            if part is None:
                stale.append((doc.weight, item, entry["chunks"][-1]))
        plan.append(entry)
    if cached:
        RenderedPart.objects.filter(pk__in=[p.pk for p in cached.values()]).update(used_at=timezone.now())
    if job.kind == PrintJob.Kind.DOCUMENT and len(stale) == 1 and len(plan[0]["chunks"]) == 1:
        # A single small document: render it here rather than pay for a child job.
        _weight, item, chunk = stale[0]
        chunk["part"] = part_render(establishment=job.establishment, document=item.document, params=chunk["params"]).pk
        stale = []
    if not stale:
        job.plan = plan
        _mine(job).update(plan=plan)
        _assemble(job)
        return
    _fan_out(job, plan, stale)


def _fan_out(job: PrintJob, plan: list, stale: list) -> None:
    # Heaviest parts first: the long directory chunks start at once on both worker processes.
    stale.sort(key=lambda s: -s[0])
    with transaction.atomic():
        # dispatched_at: from now on, of the assembly's message (none yet: the last part sends it).
        if not _mine(job).update(waiting_for_parts=True, dispatched_at=None):
            return
        for index, (_weight, item, chunk) in enumerate(stale, start=1):
            child = PrintJob.objects.create(
                establishment=job.establishment,
                crisis=job.crisis,
                kind=PrintJob.Kind.PART,
                parent=job,
                document=item.document,
                params=chunk["params"],
                requested_by=job.requested_by,
                title=f"{item.label} ({index}/{len(stale)})"[:250],
            )
            chunk["job"] = child.pk
            _dispatch_on_commit("render_print_job", child.pk)
        PrintJob.objects.filter(pk=job.pk).update(plan=plan)


def print_job_assemble(*, job_id: int) -> PrintJob | None:
    """Once every child part is finished: put the document, kit or bundle together."""
    if PrintJob.objects.filter(parent_id=job_id, status__in=PrintJob.PENDING).exists():
        return None
    now = timezone.now()
    taken = PrintJob.objects.filter(pk=job_id, status=PrintJob.Status.RUNNING, waiting_for_parts=True).update(
        waiting_for_parts=False, started_at=now
    )
    if taken != 1:
        return None
    job = PrintJob.objects.select_related("establishment").get(pk=job_id)
    try:
        failed = job.children.filter(status=PrintJob.Status.FAILED).first()
        if failed:
            _fail(job, _("Échec de « %(part)s » : %(error)s") % {"part": failed.title, "error": failed.error})
            return job
        _assemble(job)
    except TRANSIENT:
        # Waiting for its assembly again, so that the task's retry takes it (only if still ours).
        try:
            _reconnect_if_broken()
            _mine(job).filter(waiting_for_parts=False).update(waiting_for_parts=True, dispatched_at=timezone.now())
        except TRANSIENT as exc:
            logger.warning("Print job %s: could not put the assembly back (%s)", job.pk, exc)
        raise
    except SoftTimeLimitExceeded:  # as in print_job_render: failed, not retried
        logger.error("Print job %s: assembly too long", job.pk)
        _fail(job, _too_long())
    except Exception as exc:  # noqa: BLE001 — the job boundary, as in print_job_render
        logger.exception("Print job %s: assembly failed", job.pk)
        _fail(job, _("Échec de l'assemblage : %(error)s") % {"error": exc})
    return job


def _assembled_items(job: PrintJob) -> list[assembly.AssembledItem]:
    child_parts = dict(job.children.values_list("pk", "part_id"))
    part_ids = [c["part"] or child_parts.get(c["job"]) for entry in job.plan for c in entry["chunks"]]
    parts = RenderedPart.objects.filter(establishment=job.establishment_id).in_bulk([pk for pk in part_ids if pk])
    items, ids = [], iter(part_ids)
    for entry in job.plan:
        chunk_parts = [parts.get(next(ids)) for _chunk in entry["chunks"]]
        if None in chunk_parts:
            raise LookupError(_("une partie rendue a disparu du cache ; relancez l'impression."))
        items.append(
            assembly.AssembledItem(
                label=entry["label"],
                group=entry["group"],
                data_label=chunk_parts[0].data_label,
                files=[p.file.name for p in chunk_parts],
                pages=sum(p.page_count for p in chunk_parts),
                rendered_at=max(p.rendered_at for p in chunk_parts),
            )
        )
    return items


def _assemble(job: PrintJob) -> None:
    """A document, kit or bundle from its plan's parts (a PART job never comes here: it is one part)."""
    items = _assembled_items(job)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        if job.kind == PrintJob.Kind.DOCUMENT:
            content, pages = assembly.item_pdf(items[0]), items[0].pages
        else:
            content, pages = assembly.build_kit(job.establishment, job.title, items, now)
            if job.kind == PrintJob.Kind.BUNDLE:
                content = assembly.build_bundle(job.establishment, job.title, items, now, content, pages)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    filename = f"{job.pk}-{slugify(job.title)[:60]}-{stamp}.{job.extension}"
    name = _store(now.strftime("print/%Y/%m"), filename, content)
    _finish(job, pages=pages, sha256=hashlib.sha256(content).hexdigest(), file_name=name)


# --- the sweeper ------------------------------------------------------------------------------


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
    Resending sets dispatched_at only when the broker took the message (_dispatch).
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
        report.redispatched += _dispatch("render_print_job", job_id)
    pending_children = PrintJob.objects.filter(parent=OuterRef("pk"), status__in=PrintJob.PENDING)
    ready = PrintJob.objects.filter(_not_sent_since(lost), status=PrintJob.Status.RUNNING, waiting_for_parts=True)
    for job_id in list(ready.exclude(Exists(pending_children)).values_list("pk", flat=True)):
        report.assembled += _dispatch("render_assemble", job_id)
    return report
