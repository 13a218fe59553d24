"""Celery beat and a real worker, on Redis and on the embedded filesystem broker: the periodic tasks run.

The schedules come from the environment (PRINT_SWEEP_SCHEDULE, PAPER_KIT_SCHEDULE), here every
few seconds, so that the sweeper and a due nightly kit run within the test.
"""

import pytest

from continuity.services import procedure_create_published
from crisis.services import service_named
from printing import services
from printing.models import PrintJob
from printing.services import requests

from .conftest import start_worker, stop_worker, wait_for, worker_output

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_until(condition, *, timeout: float, what: str):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what}: not after {timeout} s")


def test_beat_runs_the_sweeper_and_a_due_nightly_kit(any_broker, crisis, director, monkeypatch):
    urgences = service_named(establishment=crisis.establishment, name="Urgences")
    procedure_create_published(
        establishment=crisis.establishment, by=director, service=urgences, title="Sans DPI", body="Papier."
    )
    # A request made while the broker was down: only the sweeper can send it.
    with monkeypatch.context() as broker_down:
        broker_down.setattr(requests, "_send", lambda name, job_id: False)
        job = services.print_job_request(
            establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
        )
    job.refresh_from_db()
    assert job.dispatched_at is None
    worker = start_worker(any_broker, beat=True, env={"PRINT_SWEEP_SCHEDULE": "2", "PAPER_KIT_SCHEDULE": "3"})
    try:
        job = wait_for(job, timeout=90)
        assert job.status == PrintJob.Status.DONE, job.error
        nightly = PrintJob.objects.filter(document="kit", parent__isnull=True, requested_by=None)
        wait_until(
            lambda: nightly.filter(status=PrintJob.Status.DONE).exists(), timeout=90, what="the nightly kit is done"
        )
        output = worker_output(worker)
    finally:
        stop_worker(worker)
    assert "Couldn't apply scheduled task" not in output and "soft_time_limit" not in output
    kit = nightly.filter(status=PrintJob.Status.DONE).first()
    assert kit.file.read().startswith(b"%PDF-") and kit.establishment == crisis.establishment
