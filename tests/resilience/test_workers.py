"""Faults under real workers, supervised as `make run` does it (bin/run-dev), with beat's real schedule.

- Redis killed under rendering workers, then back (empty): every job completes, no manual step.
- The worker SIGKILLed mid-kit: its supervisor starts it again and the kit completes within 2 minutes.

The figures printed here are those of docs/reliability.md (`make resilience PYTEST_ARGS=-s`).
"""

import io
import os
import signal
import time

import pytest
from django.conf import settings
from pypdf import PdfReader

from comms.models import DirectoryEntry
from config.celery import app
from continuity.services import procedure_create_published
from crisis.models import Membership, Role
from crisis.services import service_named
from printing import services
from printing.models import PrintJob
from tests.conftest import make_user
from tests.integration.conftest import (
    _use_broker,
    alive,
    celery_worker_of,
    descendants,
    filesystem_broker,  # noqa: F401 — a fixture, used through the parametrization below
    kill_all,
    run_dev_output,
    start_run_dev,
)

from .redis_server import PrivateRedis

pytestmark = [pytest.mark.resilience, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RECOVERY_LIMIT = 120  # seconds: every job done within 2 minutes of a worker being available again


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def private_broker(private_redis):
    """Our publisher on the private Redis; its queues need no private names (nobody else is there)."""
    saved = (app.conf.broker_url, dict(app.conf.broker_transport_options), app.conf.task_routes)
    queues = {"print": "print", "default": "default"}
    routes = {"printing.tasks.render_*": {"queue": "print"}}
    _use_broker(private_redis.url, routes, "default", settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    yield {"url": private_redis.url, "queues": queues, "routes": routes, "server": private_redis}
    _use_broker(saved[0], saved[2], settings.CELERY_TASK_DEFAULT_QUEUE, saved[1])


@pytest.fixture
def filesystem_or_redis(request):
    return request.getfixturevalue(request.param)


def wait_until(condition, *, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{what}: not after {timeout} s")


def statuses(jobs) -> list[str]:
    return list(PrintJob.objects.filter(pk__in=[j.pk for j in jobs]).order_by("pk").values_list("status", flat=True))


def stop(run, children=()) -> str:
    """Ctrl-C, then whatever is left killed; the supervisor's output for the failure messages."""
    children = set(children) | descendants(run.pid)
    output = run_dev_output(run)
    if run.poll() is None:
        os.killpg(run.pid, signal.SIGINT)
        try:
            wait_until(lambda: not any(alive(p) for p in children | {run.pid}), timeout=15, what="stopped")
        except AssertionError:
            pass
    kill_all(run, children)
    return output


def request_journal(crisis, by):
    return services.print_job_request(
        establishment=crisis.establishment, by=by, document="journal", params={"crisis_id": crisis.pk}
    )


def secretary(crisis, n: int):
    user = make_user(f"secretary-{n}")
    Membership.objects.create(user=user, establishment=crisis.establishment, role=Role.SECRETAIRE)
    return user


def test_redis_killed_under_rendering_workers_every_job_completes_after_it_returns(
    private_broker, crisis, director, scribe
):
    from crisis.services import journal_append

    for n in range(800):
        journal_append(crisis=crisis, by=scribe, text=f"Entrée {n} : appel du service, procédure dégradée appliquée.")
    server = private_broker["server"]
    run = start_run_dev(private_broker)
    try:
        # 4 main courantes of 2 chunks each: both pool processes rendering a chunk, 6 waiting in Redis
        # (a job in progress is the parent waiting for its chunks: count the chunks, not the jobs).
        # Five members: one member's identical request would return the pending job (printing.services).
        printers = [director, scribe] + [secretary(crisis, n) for n in range(3)]
        jobs = [request_journal(crisis, by) for by in printers[:4]]
        rendering = PrintJob.objects.filter(parent__in=jobs, status=PrintJob.Status.RUNNING)
        wait_until(lambda: rendering.count() == 2, timeout=90, what="two renders")
        server.kill()
        time.sleep(10)
        jobs.append(request_journal(crisis, printers[4]))  # accepted while Redis is down: never reaches it
        time.sleep(10)
        server.start()  # empty: the two waiting messages are gone
        back = time.monotonic()
        took = wait_until(
            lambda: set(statuses(jobs)) == {PrintJob.Status.DONE}, timeout=RECOVERY_LIMIT, what="every job done"
        )
        print(f"\nRedis restarted under rendering workers: every job done {took:.0f} s after Redis returned")
        output = run_dev_output(run)
    finally:
        output = stop(run)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == PrintJob.Status.DONE and job.file.read().startswith(b"%PDF-"), (job.pk, job.error)
    assert time.monotonic() - back < RECOVERY_LIMIT + 30
    print("attempts per job:", [job.attempts for job in jobs], "; supervisor:", output.count("redémarrage"), "restarts")


def make_kit_data(establishment) -> None:
    body = "## Déclenchement\nSur décision de l'administrateur de garde.\n\n" + "- Une consigne du mode dégradé.\n" * 40
    for n in range(16):
        procedure_create_published(
            establishment=establishment,
            by=None,
            service=service_named(establishment=establishment, name=f"Service {n:02d}"),
            title="Sans DPI",
            body=body,
        )
    DirectoryEntry.objects.bulk_create(
        DirectoryEntry(
            establishment=establishment, last_name=f"Nom{i:04d}", first_name="Marie", direct_line="01 23 45 67 89"
        )
        for i in range(600)
    )


@pytest.mark.parametrize("filesystem_or_redis", ["private_broker", "filesystem_broker"], indirect=True)
def test_a_worker_killed_mid_kit_is_restarted_and_the_kit_completes_within_2_minutes(
    filesystem_or_redis, establishment, director
):
    make_kit_data(establishment)
    run = start_run_dev(filesystem_or_redis)
    try:
        wait_until(lambda: celery_worker_of(run), timeout=30, what="a Celery worker under bin/run-dev")
        worker = celery_worker_of(run)
        kit = services.kit_build(establishment=establishment, by=director)
        parts = PrintJob.objects.filter(parent=kit)
        wait_until(lambda: parts.filter(status=PrintJob.Status.RUNNING).exists(), timeout=90, what="parts rendering")
        time.sleep(1)
        os.killpg(worker, signal.SIGKILL)  # the worker and its pool, mid-kit: no goodbye
        killed = time.monotonic()
        took = wait_until(
            lambda: PrintJob.objects.get(pk=kit.pk).status != PrintJob.Status.RUNNING,
            timeout=RECOVERY_LIMIT + 60,
            what="kit finished",
        )
        print(
            f"\nWorker SIGKILLed mid-kit ({parts.count()} parts, {filesystem_or_redis['url']}): "
            f"kit done {took:.0f} s after the kill"
        )
    finally:
        output = stop(run)
    kit.refresh_from_db()
    assert kit.status == PrintJob.Status.DONE, (kit.error, output[-3000:])
    assert len(PdfReader(io.BytesIO(kit.file.read())).pages) == kit.page_count
    assert took < RECOVERY_LIMIT, f"recovery took {took:.0f} s"
    assert "worker s'est arrêté" in output  # the supervisor saw it and started it again
    assert time.monotonic() - killed < RECOVERY_LIMIT + 60
