"""The worker's side of a print job: claim, plan, render the parts, assemble, finish or fail.

Workers claim a job with a conditional UPDATE (no row locks, works on SQLite) and
finish it with another one, so a job sent twice renders once, and a worker killed
mid-render leaves a job the sweeper hands to another. Planning and rendering run
in the job's language, which is part of every fingerprint.
"""

import hashlib
import logging
import os
import socket
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from crisis import live
from crisis.models import Establishment, Topic

from .. import assembly, engine, registry
from ..models import PrintJob, RenderedPart
from ..registry import Item, params_key
from .requests import TRANSIENT, dispatch_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PARTS_KEPT_UNUSED = timedelta(days=2)
# A render task is killed this long before the sweeper may hand its job to another worker:
# time for the pool to kill it, and for clocks of different worker hosts to disagree.
STALE_MARGIN = 30
SOFT_MARGIN = 15  # the soft limit comes first, so the job is failed with a message (print_job_render)


def render_time_limits(stale_after: int | None = None) -> tuple[int, int]:
    """(hard, soft) time limits of the render tasks, in seconds, from PRINT_JOB_STALE_AFTER.

    Invariant: hard < stale, so a render can never still be running when the sweeper (or a
    second claim) decides its job is stuck and hands it to another worker.
    """
    stale = settings.PRINT_JOB_STALE_AFTER if stale_after is None else stale_after
    hard = stale - STALE_MARGIN
    return hard, hard - SOFT_MARGIN


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
        status=PrintJob.Status.RUNNING,
        started_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        error="",
        worker=f"{socket.gethostname()}:{os.getpid()}"[:120],  # which pool process renders it
    )
    if claimed != 1:
        return None
    return PrintJob.objects.select_related("establishment").get(pk=job_id)


def _mine(job: PrintJob):
    """Still this worker's run of the job: a later claim (after a takeover) makes older runs lose."""
    return PrintJob.objects.filter(pk=job.pk, status=PrintJob.Status.RUNNING, attempts=job.attempts)


def _finish(
    job: PrintJob, *, pages: int, sha256: str, file_name: str = "", part: RenderedPart | None = None, since=None
) -> bool:
    """`since`: when the work began, if before this run (a kit's planning, before its parts rendered)."""
    now = timezone.now()
    with transaction.atomic():
        finished = _mine(job).update(
            status=PrintJob.Status.DONE,
            finished_at=now,
            duration=now - (since or job.started_at),
            page_count=pages,
            sha256=sha256,
            file=file_name,
            part=part,
            waiting_for_parts=False,
        )
        if finished and job.parent_id is None:  # a document or a kit printed: the pages that show prints move
            live.bump(Establishment(pk=job.establishment_id), Topic.PRINTS)
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
        dispatch_on_commit("render_assemble", parent_id)


# --- rendering ------------------------------------------------------------------------------


def _store(prefix: str, filename: str, content: bytes) -> str:
    return default_storage.save(f"{prefix}/{filename}", ContentFile(content))


def _cached_parts(establishment: Establishment, wanted: list[tuple[str, str, str]]) -> dict:
    fingerprints = {fp for _doc, _key, fp in wanted}
    found = RenderedPart.objects.filter(establishment=establishment, fingerprint__in=fingerprints)
    return {(p.document, p.params_key, p.fingerprint): p for p in found}


def part_render(*, establishment: Establishment, document: str, params: dict) -> RenderedPart:
    """Render one part, or return the cached one with the same fingerprint (in the active language)."""
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
    with registry.rendering(doc):
        rendered = doc.render(establishment, params, generated_at=started)
    if rendered.html:
        content, pages = engine.html_to_pdf(rendered.html)
    else:
        content = rendered.content
        pages = assembly.page_count(content) if doc.extension == "pdf" else 0
    name = _store(f"print/parts/{establishment.pk}", f"{document}-{fingerprint[:20]}.{doc.extension}", content)
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
                sha256=hashlib.sha256(content).hexdigest(),
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
        with translation.override(job.language):
            if job.parent_id:
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
    document = registry.get(job.document)
    if document.is_collection:
        return document.member_items(job.establishment, job.params, job.granted)
    return [document.item(job.establishment, job.params)]


def _plan(job: PrintJob) -> None:
    """Look every part up in the cache; render the stale ones in parallel (child jobs) or assemble now."""
    document = registry.get(job.document)
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
    if not document.is_collection and len(stale) == 1 and len(plan[0]["chunks"]) == 1:
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
                parent=job,
                document=item.document,
                params=chunk["params"],
                language=job.language,
                requested_by=job.requested_by,
                requires=job.requires,
                title=f"{item.label} ({index}/{len(stale)})"[:250],
            )
            chunk["job"] = child.pk
            dispatch_on_commit("render_print_job", child.pk)
        PrintJob.objects.filter(pk=job.pk).update(plan=plan)


def print_job_assemble(*, job_id: int) -> PrintJob | None:
    """Once every child part is finished: put the document, kit or bundle together."""
    if PrintJob.objects.filter(parent_id=job_id, status__in=PrintJob.PENDING).exists():
        return None
    now = timezone.now()
    # started_at becomes the assembly's (the sweeper's clock for a stuck run); the duration shown
    # counts from the planning, so that a kit's reads its parts' rendering too.
    planned_at = PrintJob.objects.filter(pk=job_id).values_list("started_at", flat=True).first()
    taken = PrintJob.objects.filter(pk=job_id, status=PrintJob.Status.RUNNING, waiting_for_parts=True).update(
        waiting_for_parts=False, started_at=now
    )
    if taken != 1:
        return None
    job = PrintJob.objects.select_related("establishment").get(pk=job_id)
    job.work_began_at = planned_at
    try:
        failed = job.children.filter(status=PrintJob.Status.FAILED).first()
        if failed:
            _fail(job, _("Échec de « %(part)s » : %(error)s") % {"part": failed.title, "error": failed.error})
            return job
        with translation.override(job.language):
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
        document = registry.get(entry["document"])
        items.append(
            assembly.AssembledItem(
                document=document.name,
                label=entry["label"],
                group=entry["group"],
                data_label=chunk_parts[0].data_label,
                files=[p.file.name for p in chunk_parts],
                pages=sum(p.page_count for p in chunk_parts),
                rendered_at=max(p.rendered_at for p in chunk_parts),
                extension=document.extension,
                stamp=document.stamp_page_numbers,
            )
        )
    return items


def _assemble(job: PrintJob) -> None:
    """The job's file from its plan's parts, put together by its document (a part job never comes here)."""
    items = _assembled_items(job)
    now = timezone.now()
    output = registry.get(job.document).assemble(job.establishment, job.title, items, now)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    filename = f"{job.pk}-{slugify(job.title)[:60]}-{stamp}.{output.extension}"
    name = _store(now.strftime("print/%Y/%m"), filename, output.content)
    _finish(
        job,
        pages=output.pages,
        sha256=hashlib.sha256(output.content).hexdigest(),
        file_name=name,
        since=getattr(job, "work_began_at", None),
    )
