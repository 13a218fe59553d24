"""A real Celery worker process on Redis or on kombu's filesystem transport, seeing the test database.

Redis comes from REDIS_URL, else redis://127.0.0.1:6379/15; when nothing
answers there, the tests start a private redis-server of their own (a fresh
machine with Redis installed but not running). Without Redis at all they fail,
saying so: they are not skipped. Queues get names unique to this run, so a
worker of someone else on the same Redis cannot take our tasks. The filesystem
broker (the embedded mode's) lives in this test run's VAR_DIR.
"""

import os
import shutil
import signal
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


def _use_broker(
    url: str, routes: dict | None = None, default_queue: str | None = None, options: dict | None = None
) -> None:
    """Point this process's publisher at another broker (drops pooled connections)."""
    app.conf.broker_url = url
    if options is None:
        options = {} if url.startswith("redis") else settings.CELERY_BROKER_TRANSPORT_OPTIONS
    app.conf.broker_transport_options = options
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


@pytest.fixture
def filesystem_broker(transactional_db):
    """The embedded mode's broker (kombu's filesystem transport, in VAR_DIR), with queues of our own."""
    from config.settings import filesystem_broker_options

    suffix = f"itest-{os.getpid()}-{time.monotonic_ns()}"
    queues = {"print": f"print-{suffix}", "default": f"default-{suffix}"}
    saved = (
        app.conf.broker_url,
        dict(app.conf.broker_transport_options),
        app.conf.task_routes,
        app.conf.task_default_queue,
    )
    routes = {"printing.tasks.render_*": {"queue": queues["print"]}}
    options = filesystem_broker_options(Path(settings.VAR_DIR) / "celery")
    _use_broker("filesystem://", routes, queues["default"], options)
    yield {"url": "filesystem://", "queues": queues, "routes": routes, "options": options}
    _use_broker(saved[0], saved[2], saved[3], saved[1])


@pytest.fixture(params=["redis", "filesystem"])
def any_broker(request):
    """Each test twice: on Redis (the production shape) and on the embedded mode's filesystem broker."""
    return request.getfixturevalue("broker" if request.param == "redis" else "filesystem_broker")


def start_worker(broker, *, beat: bool = False, env: dict | None = None) -> subprocess.Popen:
    """`celery -A config worker`, two processes, on our queues and the test database; in its own process group.

    beat: with an embedded beat (its schedule file fresh), whose periodic tasks go to our default queue.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "REDIS_URL": broker["url"],
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(settings.VAR_DIR),
        "PYTHONPATH": str(ROOT),
        "CELERY_PRINT_QUEUE": broker["queues"]["print"],
        "CELERY_DEFAULT_QUEUE": broker["queues"]["default"],
        "PRINT_SWEEP_ASKS_WORKERS": "true",
        **(env or {}),
    }
    if not broker["url"].startswith("redis"):
        del env["REDIS_URL"]  # the embedded mode: the filesystem transport in VAR_DIR
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
    if beat:
        command += ["--beat", "--schedule", str(Path(settings.VAR_DIR) / f"beat-{time.monotonic_ns()}")]
    log = open(Path(settings.VAR_DIR) / f"worker-{time.monotonic_ns()}.log", "w+")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log = log
    return process


def worker_output(process: subprocess.Popen) -> str:
    process.log.flush()
    with open(process.log.name) as log:
        return log.read()


def stop_worker(process: subprocess.Popen) -> None:
    """Warm shutdown, then SIGKILL to the whole process group: no pool child outlives the test."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
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


# --- bin/run-dev, the supervisor of `make run` ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_run_dev(broker, *, env: dict | None = None) -> subprocess.Popen:
    """`bin/run-dev` (gunicorn, worker, beat) on our queues and the test database, as `make run` starts it.

    In a process group of its own, like a shell's foreground job: Ctrl-C is a SIGINT to that group.
    """
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "REDIS_URL": broker["url"],
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(settings.VAR_DIR),
        "CELERY_PRINT_QUEUE": broker["queues"]["print"],
        "CELERY_DEFAULT_QUEUE": broker["queues"]["default"],
        "PRINT_SWEEP_ASKS_WORKERS": "true",
        "PY": sys.executable,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        **(env or {}),
    }
    if not broker["url"].startswith("redis"):
        del env["REDIS_URL"]
    log = open(Path(settings.VAR_DIR) / f"run-dev-{time.monotonic_ns()}.log", "w+")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bin" / "run-dev")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        process_group=0,
    )
    process.log, process.port = log, port
    return process


def descendants(pid: int) -> set[int]:
    """Every process below pid, from /proc (children of children included)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Running, a zombie not counted (its parent has yet to reap it: it holds nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_all(process: subprocess.Popen, pids: set[int]) -> None:
    """Clean-up whatever a failed test left behind: our processes only, by their ids."""
    for pid in {process.pid, *pids}:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()
    process.log.close()


def celery_worker_of(run) -> int | None:
    """The pid of the supervisor's Celery worker (the leader of its process group)."""
    for pid in descendants(run.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == run.pid and b"celery" in command and b"worker" in command:
            return pid
    return None


def run_dev_output(process: subprocess.Popen) -> str:
    process.log.flush()
    with open(process.log.name) as log:
        return log.read()
