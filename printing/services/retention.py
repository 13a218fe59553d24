"""Retention: finished jobs' files and unused cached parts do not pile up in the media folder forever.

A job row stays (who printed what, when, its checksum): only its file goes, and
its page says so. The latest kit and bundle of each establishment are kept
whatever their age: on the day of the attack they may be all there is.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone

from ..models import PrintJob, RenderedPart

ALWAYS_KEPT = ("kit", "bundle")  # the latest finished one of each, per establishment


@dataclass
class PruneReport:
    files: int = 0
    parts: int = 0


def _latest_kept() -> list[int]:
    latest = (
        PrintJob.objects.filter(parent__isnull=True, document__in=ALWAYS_KEPT, status=PrintJob.Status.DONE)
        .exclude(file="")
        .values("establishment_id", "document")
        .annotate(last=Max("pk"))
    )
    return [row["last"] for row in latest]


def print_files_prune(*, now=None, days: int | None = None) -> PruneReport:
    """Delete the files of finished jobs older than PRINT_RETENTION_DAYS, and parts unused as long."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.PRINT_RETENTION_DAYS if days is None else days)
    report = PruneReport()
    old_jobs = (
        PrintJob.objects.filter(parent__isnull=True, finished_at__lt=before)
        .exclude(file="")
        .exclude(pk__in=_latest_kept())
    )
    for job in old_jobs.only("pk", "file"):
        default_storage.delete(job.file.name)
        report.files += PrintJob.objects.filter(pk=job.pk).update(file="", file_pruned_at=now)
    # Parts: a pending job's plan touched its parts (used_at) when it was made, well inside the delay.
    for part in RenderedPart.objects.filter(used_at__lt=before).only("pk", "file"):
        default_storage.delete(part.file.name)
        part.delete()
        report.parts += 1
    return report
