"""`make run`'s supervisor (bin/run-dev): gunicorn, a worker and beat; Ctrl-C stops them all within 10 s.

On the embedded mode's filesystem broker, as `make run` on a fresh checkout. A render cut
short by Ctrl-C is not lost: the next start's sweeper sees that no live worker holds its job.
"""

import os
import re
import signal
import time
import urllib.request

import pytest

from printing import services
from printing.models import PrintJob

from .conftest import alive, celery_worker_of, descendants, kill_all, run_dev_output, start_run_dev, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_until(condition, *, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{what}: not after {timeout} s")


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_ctrl_c_stops_everything_within_10_s_and_the_unfinished_job_completes_after_restart(
    filesystem_broker, crisis, director, scribe
):
    from crisis.services import journal_append

    # Long enough to be caught mid-render: six chunks for two pool processes, so that work is left
    # after the warm shutdown (with three, a quiet machine sometimes finished the job during it).
    for n in range(3000):
        journal_append(crisis=crisis, by=scribe, text=f"Entrée {n} : appel du service, procédure dégradée appliquée.")
    fast_sweeps = {"PRINT_SWEEP_SCHEDULE": "3"}
    run = start_run_dev(filesystem_broker, env=fast_sweeps)
    children = set()
    try:
        wait_until(lambda: answers(run.port), timeout=60, what="gunicorn answers")
        job = services.print_job_request(
            establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
        )
        wait_until(lambda: PrintJob.objects.get(pk=job.pk).status == PrintJob.Status.RUNNING, timeout=60, what="render")
        children = descendants(run.pid)
        assert len(children) >= 6  # gunicorn and its worker, the Celery worker and its pool of 2, beat
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C in the terminal
        took = wait_until(lambda: not any(alive(pid) for pid in children | {run.pid}), timeout=10, what="all gone")
        assert run.wait(timeout=1) == 0 and not answers(run.port)
        print(f"stopped in {took:.1f} s")
    finally:
        kill_all(run, children)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.RUNNING and not job.file  # cut short
    run = start_run_dev(filesystem_broker, env=fast_sweeps)
    try:
        job = wait_for(job, timeout=120)
        output = run_dev_output(run)
    finally:
        children = descendants(run.pid)
        os.killpg(run.pid, signal.SIGINT)
        wait_until(lambda: not any(alive(pid) for pid in children | {run.pid}), timeout=10, what="all gone")
        kill_all(run, children)
    assert job.status == PrintJob.Status.DONE, job.error
    # The journal renders in chunks. A chunk rendering at Ctrl-C either finished during the worker's
    # warm shutdown or was cut and rendered again (a second attempt); none is lost, none runs a third time.
    attempts = [job.attempts, *job.children.values_list("attempts", flat=True)]
    assert 1 <= min(attempts) and max(attempts) <= 2 and job.file.read().startswith(b"%PDF-")
    assert "Traceback" not in output, output[-3000:]


def test_a_worker_killed_right_after_start_is_restarted_not_taken_for_bad_settings(filesystem_broker):
    run = start_run_dev(filesystem_broker)
    children: set[int] = set()
    try:
        wait_until(lambda: celery_worker_of(run), timeout=30, what="a Celery worker")
        first = celery_worker_of(run)
        os.killpg(first, signal.SIGKILL)  # the OOM killer, say: well within the first start's grace
        wait_until(lambda: celery_worker_of(run) not in (None, first), timeout=30, what="the worker restarted")
        # gunicorn loads and warms the application before it listens (web.gunicorn_conf): it may come after.
        wait_until(lambda: answers(run.port), timeout=30, what="gunicorn answers")
        assert run.poll() is None
        output = run_dev_output(run)
        assert "s'est arrêté (code -9)" in output
        # What the master loaded is frozen before the fork: no worker's collection goes through it again.
        frozen = re.search(r"(\d+) objects frozen", output)
        assert frozen and int(frozen[1]) > 50_000, output[-3000:]
    finally:
        children = descendants(run.pid)
        kill_all(run, children)


def test_a_port_already_taken_stops_everything_at_once(filesystem_broker):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = start_run_dev(filesystem_broker, env={"PORT": str(taken.getsockname()[1])})
        try:
            code = run.wait(timeout=10)  # said at once, no restart loop
            output = run_dev_output(run)
        finally:
            kill_all(run, descendants(run.pid))
    assert code == 1 and "est déjà utilisé" in output
