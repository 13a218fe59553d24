"""A real Celery worker process on Redis, seeing the test database.

Redis comes from REDIS_URL, else redis://127.0.0.1:6379/15; when nothing
answers there, the tests start a private redis-server of their own (a fresh
machine with Redis installed but not running). Without Redis at all they fail,
saying so: they are not skipped. Queues get names unique to this run, so a
worker of someone else on the same Redis cannot take our tasks.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
DEAD_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens there


def _use_broker(url: str, routes: dict | None = None, default_queue: str | None = None) -> None:
    """Point this process's publisher at another broker (drops pooled connections)."""
    app.conf.broker_url = url
    app.conf.broker_transport_options = {} if url.startswith("redis") else settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if routes is not None:
        app.conf.task_routes = routes
    if default_queue is not None:
        app.conf.task_default_queue = default_queue
    # Celery caches its router and queues: forget them so the new routes apply.
    for cached in ("router", "queues", "default_queue"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp.flush_routes()
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """REDIS_URL if a server answers there, else a private redis-server for this test run."""
    if _answers(REDIS_URL):
        yield REDIS_URL
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            f"Redis is needed for the Celery integration tests: nothing at {REDIS_URL}, no redis-server installed"
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not _answers(url) and time.monotonic() < deadline:
        time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def broker(redis_url):
    """The real Redis broker, with queues of our own; restores the unit tests' broker afterwards."""
    if not _answers(redis_url):
        pytest.fail(f"Redis is needed at {redis_url} for the Celery integration tests")
    suffix = f"itest-{os.getpid()}-{time.monotonic_ns()}"
    queues = {"print": f"print-{suffix}", "default": f"default-{suffix}"}
    saved = (
        app.conf.broker_url,
        dict(app.conf.broker_transport_options),
        app.conf.task_routes,
        app.conf.task_default_queue,
    )
    routes = {"printing.tasks.render_*": {"queue": queues["print"]}}
    _use_broker(redis_url, routes, queues["default"])
    yield {"url": redis_url, "queues": queues, "routes": routes}
    client = redis.Redis.from_url(redis_url)
    for name in queues.values():
        client.delete(name, *client.keys(f"_kombu.binding*.{name}"))
    app.conf.broker_transport_options = saved[1]
    _use_broker(saved[0], saved[2], saved[3])
    app.conf.broker_transport_options = saved[1]


def start_worker(broker) -> subprocess.Popen:
    """`celery -A config worker`, two processes, on our queues and the test database; in its own process group."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "REDIS_URL": broker["url"],
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(settings.VAR_DIR),
        "PYTHONPATH": str(ROOT),
        "CELERY_PRINT_QUEUE": broker["queues"]["print"],
        "CELERY_DEFAULT_QUEUE": broker["queues"]["default"],
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "-Q",
        ",".join(broker["queues"].values()),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
    ]
    log = open(Path(settings.VAR_DIR) / f"worker-{time.monotonic_ns()}.log", "w+")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log = log
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.seek(0)
    output = process.log.read()
    process.log.close()
    if "Traceback" in output:
        print(output[-4000:])


@pytest.fixture
def worker(broker, transactional_db):
    process = start_worker(broker)
    yield process
    stop_worker(process)


def wait_for(job, *, timeout: float = 60.0):
    """Poll the job row until the worker is done with it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_pending:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout} s")
