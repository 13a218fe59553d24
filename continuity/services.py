"""Every write of the print pipeline. Views, tasks and commands all call these.

A print job is created in the request's transaction and sent to a worker on
commit; if the broker is down it stays queued and the sweeper sends it later.
Workers claim a job with a conditional UPDATE (no row locks, works on SQLite)
and finish it with another one, so a job sent twice renders once, and a
worker killed mid-render leaves a job the sweeper hands to another.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
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
# Database trouble is transient: let the task fail and the sweeper retry, never mark the job failed.
TRANSIENT = (OperationalError, InterfaceError)
PARTS_KEPT_UNUSED = timedelta(days=2)


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


def _dispatch_on_commit(task_name: str, job_id: int) -> None:
    transaction.on_commit(partial(_send, task_name, job_id))


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
        title += " " + (_("(%(count)s document à réimprimer)") if count == 1 else _("(%(count)s documents à réimprimer)")) % {
            "count": count
        }
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
            dispatched_at=timezone.now(),
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
    claimed = (
        PrintJob.objects.filter(claimable, pk=job_id, attempts__lt=MAX_ATTEMPTS)
        .update(status=PrintJob.Status.RUNNING, started_at=now, finished_at=None, attempts=F("attempts") + 1, error="")
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
        PrintJob.Status.DONE, now, pages, sha256, file_name,
    )
    if job.parent_id:
        _notify_parent(job.parent_id)
    return True


def _fail(job: PrintJob, message: str) -> None:
    now = timezone.now()
    failed = _mine(job).update(
        status=PrintJob.Status.FAILED, finished_at=now, duration=now - job.started_at, error=message[:2000],
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
    cached = RenderedPart.objects.filter(document=document, params_key=key, fingerprint=fingerprint).first()
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
                establishment=establishment, document=document, params_key=key, params=params,
                fingerprint=fingerprint, file=name, page_count=pages, sha256=hashlib.sha256(pdf).hexdigest(),
                data_label=rendered.data_label[:120], duration=timezone.now() - started,
            )
    except IntegrityError:  # another worker rendered the same part meanwhile: keep theirs
        default_storage.delete(name)
        return RenderedPart.objects.get(document=document, params_key=key, fingerprint=fingerprint)
    _prune_parts(part)
    return part


def _prune_parts(part: RenderedPart) -> None:
    """Older renderings of the same part, unused for a while, go (files first, then rows)."""
    old = RenderedPart.objects.filter(document=part.document, params_key=part.params_key).exclude(pk=part.pk)
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
        raise
    except Exception as exc:  # noqa: BLE001 — the job boundary: any render error is recorded on the job
        logger.exception("Print job %s failed", job.pk)
        _fail(job, _("Échec du rendu : %(error)s") % {"error": exc})
    return job


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
        entry = {"document": item.document, "params": item.params, "label": item.label, "group": str(doc.title),
                 "key": item.key, "fingerprint": item.fingerprint, "chunks": []}
        for chunk in item.chunks:
            key = params_key(item.document, chunk.params)
            part = cached.get((item.document, key, chunk.fingerprint))
            entry["chunks"].append({"params": chunk.params, "key": key, "fingerprint": chunk.fingerprint,
                                    "part": part.pk if part else None, "job": None})
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
        if not _mine(job).update(waiting_for_parts=True):
            return
        for index, (_weight, item, chunk) in enumerate(stale, start=1):
            child = PrintJob.objects.create(
                establishment=job.establishment, crisis=job.crisis, kind=PrintJob.Kind.PART, parent=job,
                document=item.document, params=chunk["params"], requested_by=job.requested_by,
                title=f"{item.label} ({index}/{len(stale)})"[:250], dispatched_at=timezone.now(),
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
    failed = job.children.filter(status=PrintJob.Status.FAILED).first()
    if failed:
        _fail(job, _("Échec de « %(part)s » : %(error)s") % {"part": failed.title, "error": failed.error})
        return job
    try:
        _assemble(job)
    except TRANSIENT:
        raise
    except Exception as exc:  # noqa: BLE001 — the job boundary, as in print_job_render
        logger.exception("Print job %s: assembly failed", job.pk)
        _fail(job, _("Échec de l'assemblage : %(error)s") % {"error": exc})
    return job


def _assembled_items(job: PrintJob) -> list[assembly.AssembledItem]:
    child_parts = dict(job.children.values_list("pk", "part_id"))
    part_ids = [c["part"] or child_parts.get(c["job"]) for entry in job.plan for c in entry["chunks"]]
    parts = RenderedPart.objects.in_bulk([pk for pk in part_ids if pk])
    items, ids = [], iter(part_ids)
    for entry in job.plan:
        chunk_parts = [parts.get(next(ids)) for _chunk in entry["chunks"]]
        if None in chunk_parts:
            raise LookupError(_("une partie rendue a disparu du cache ; relancez l'impression."))
        items.append(assembly.AssembledItem(
            label=entry["label"], group=entry["group"], data_label=chunk_parts[0].data_label,
            files=[p.file.name for p in chunk_parts], pages=sum(p.page_count for p in chunk_parts),
            rendered_at=max(p.rendered_at for p in chunk_parts),
        ))
    return items


def _assemble(job: PrintJob) -> None:
    items = _assembled_items(job)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        if job.kind in (PrintJob.Kind.DOCUMENT, PrintJob.Kind.PART):
            item = items[0]
            content = assembly.merge(item.files) if len(item.files) > 1 else _read(item.files[0])
            pages = item.pages
        else:
            content, pages = assembly.build_kit(job.establishment, job.title, items, now)
            if job.kind == PrintJob.Kind.BUNDLE:
                content = assembly.build_bundle(job.establishment, job.title, items, now, content, pages)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    filename = f"{job.pk}-{slugify(job.title)[:60]}-{stamp}.{job.extension}"
    name = _store(now.strftime("print/%Y/%m"), filename, content)
    _finish(job, pages=pages, sha256=hashlib.sha256(content).hexdigest(), file_name=name)


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


# --- the sweeper ------------------------------------------------------------------------------


@dataclass
class SweepReport:
    redispatched: int = 0
    assembled: int = 0
    abandoned: int = 0


def print_jobs_sweep(*, now=None, stale_after: int | None = None) -> SweepReport:
    """Resend jobs left queued (broker down) or stuck in progress (worker died); give up after MAX_ATTEMPTS."""
    now = now or timezone.now()
    stale = _stale_before(now, stale_after)
    report = SweepReport()
    stuck = PrintJob.objects.filter(status=PrintJob.Status.RUNNING, waiting_for_parts=False, started_at__lt=stale)
    for job in stuck.filter(attempts__gte=MAX_ATTEMPTS):
        _fail(job, _("Abandonné après %(n)s tentatives : le rendu n'aboutit pas.") % {"n": job.attempts})
        report.abandoned += 1
    resend = PrintJob.objects.filter(
        Q(status=PrintJob.Status.QUEUED, dispatched_at__lt=stale)
        | Q(status=PrintJob.Status.QUEUED, dispatched_at__isnull=True)
        | Q(status=PrintJob.Status.RUNNING, waiting_for_parts=False, started_at__lt=stale, dispatched_at__lt=stale)
    )
    for job_id in list(resend.values_list("pk", flat=True)):
        PrintJob.objects.filter(pk=job_id).update(dispatched_at=now)
        report.redispatched += _send("render_print_job", job_id)
    pending_children = PrintJob.objects.filter(parent=OuterRef("pk"), status__in=PrintJob.PENDING)
    ready = PrintJob.objects.filter(status=PrintJob.Status.RUNNING, waiting_for_parts=True, started_at__lt=stale)
    for job_id in list(ready.exclude(Exists(pending_children)).values_list("pk", flat=True)):
        report.assembled += _send("render_assemble", job_id)
    return report
