"""The print pipeline with a real Celery worker process and a real Redis broker."""

import io
import os
import signal
import time
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from pypdf import PdfReader

from printing import services
from printing.models import PrintJob
from tests.conftest import login

from .conftest import DEAD_BROKER, _use_broker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_job_goes_from_queued_to_done_with_a_real_pdf(client, crisis, director, worker):
    response = login(client, director).post(reverse("printing:crisis-document-print", args=[crisis.pk, "journal"]))
    assert response.status_code == 302
    job = wait_for(PrintJob.objects.get())
    assert job.status == PrintJob.Status.DONE, job.error
    content = job.file.read()
    assert content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(content)).pages) == job.page_count >= 1
    assert job.attempts == 1


def test_a_kit_renders_its_parts_on_both_worker_processes(establishment, director, worker):
    from comms.models import DirectoryEntry
    from continuity.services import procedure_create_published
    from crisis.services import service_named
    from printing import registry

    for service in ("Urgences", "Laboratoire", "Pharmacie", "Imagerie", "Pédiatrie", "Maternité"):
        procedure_create_published(
            establishment=establishment,
            by=director,
            service=service_named(establishment=establishment, name=service),
            title=service,
            body="Sans DPI.",
        )
    DirectoryEntry.objects.create(establishment=establishment, last_name="Martin", direct_line="01 02 03 04 05")
    chunks = sum(len(item.chunks) for item in registry.kit_items(establishment))  # all stale: the cache is empty
    job = wait_for(services.kit_build(establishment=establishment, by=director))
    assert job.status == PrintJob.Status.DONE, job.error
    children = job.children.all()
    assert children.count() == chunks and not children.exclude(status=PrintJob.Status.DONE).exists()
    # Each part records the pool process that rendered it: both took some.
    renderers = set(children.values_list("worker", flat=True))
    assert len(renderers) == 2 and all(":" in name for name in renderers), renderers
    assert PdfReader(io.BytesIO(job.file.read())).pages[0].extract_text().count("Procédures dégradées") >= 1


def test_with_the_broker_down_the_request_succeeds_and_the_sweeper_completes_it(
    client, crisis, director, broker, worker
):
    _use_broker(DEAD_BROKER)
    started = time.monotonic()
    response = login(client, director).post(reverse("printing:crisis-document-print", args=[crisis.pk, "journal"]))
    assert response.status_code == 302 and time.monotonic() - started < 3  # no long hang on a dead broker
    job = PrintJob.objects.get()
    time.sleep(1)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.QUEUED and job.dispatched_at is None  # never reached the broker
    # The broker is back: the sweeper's next run (beat, or the command in embedded mode) resends
    # the job at once, without waiting for PRINT_JOB_STALE_AFTER.
    _use_broker(broker["url"], broker["routes"])
    assert services.print_jobs_sweep().redispatched == 1
    job = wait_for(job)
    assert job.status == PrintJob.Status.DONE and job.file.read().startswith(b"%PDF-")


def test_a_worker_killed_mid_render_loses_no_job(crisis, director, scribe, broker, transactional_db, settings):
    from crisis.services import journal_append

    settings.PRINT_SWEEP_ASKS_WORKERS = True  # as deployed: the sweeper asks the live workers what they hold

    from .conftest import start_worker, stop_worker

    # A journal long enough to render in several chunks (child jobs), so that the kill catches
    # chunks in progress, reserved by the dying worker, or still in the queue: none may be lost.
    for n in range(1500):
        journal_append(crisis=crisis, by=scribe, text=f"Entrée {n} : appel du service, procédure dégradée appliquée.")
    rendering = PrintJob.objects.filter(status=PrintJob.Status.RUNNING, waiting_for_parts=False)
    first = start_worker(broker)
    try:
        job = services.print_job_request(
            establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
        )
        deadline = time.monotonic() + 60
        while not rendering.filter(parent=job).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        caught = set(rendering.values_list("pk", flat=True))
        assert caught, "no chunk was caught rendering"
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker, pool children included: no goodbye
        first.wait(timeout=10)
    finally:
        stop_worker(first)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.RUNNING and job.waiting_for_parts and not job.file
    assert set(rendering.values_list("pk", flat=True)) >= caught  # left half-done by the dead worker
    # Nobody finishes them: PRINT_JOB_STALE_AFTER later (moved back here rather than waited for),
    # the sweeper resends them and a live worker takes them over.
    stale = timedelta(seconds=settings.PRINT_JOB_STALE_AFTER + 1)
    PrintJob.objects.update(started_at=F("started_at") - stale, dispatched_at=F("dispatched_at") - stale)
    second = start_worker(broker)
    try:
        # The sweeper runs as beat runs it (every minute, here every 3 s): the chunks caught
        # rendering go at once; those the dead worker had reserved (its prefetched messages wait
        # out Redis's visibility timeout), once no live worker holds them and the queue is empty.
        redispatched, deadline = 0, time.monotonic() + 180
        while job.is_pending and time.monotonic() < deadline:
            redispatched += services.print_jobs_sweep().redispatched
            time.sleep(3)
            job.refresh_from_db()
        rows = list(PrintJob.objects.values_list("pk", "status", "waiting_for_parts", "attempts", "dispatched_at"))
        assert not job.is_pending, rows
        assert redispatched >= len(caught)
    finally:
        stop_worker(second)
    assert job.status == PrintJob.Status.DONE, job.error
    assert not PrintJob.objects.exclude(status=PrintJob.Status.DONE).exists()
    assert job.file.read().startswith(b"%PDF-") and job.page_count >= 3 * 10
    # Each chunk caught rendering was rendered twice, by the dead worker then the live one.
    assert set(PrintJob.objects.filter(pk__in=caught).values_list("attempts", flat=True)) == {2}
