"""Pages, logins and print requests while Redis is dead, on the production shape.

A private redis-server on a free port (never the shared one on 6379), gunicorn serving
the app with REDIS_URL pointing at it (broker and cache) and the test database; the
test logs in, SIGKILLs that redis-server, and checks that every page, login and write
still answers, without a 500 and within its usual time, and that /healthz says
"degraded"; then Redis comes back and service is normal again, the print request of
the outage included (the sweeper sends it).

Run with -s to see the timings (docs/reliability.md, "Pages while Redis is down").
"""

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import redis
from django.conf import settings

from crisis import services
from printing.models import PrintJob
from tests.conftest import PASSWORD
from tests.integration.conftest import _database_url

ROOT = Path(__file__).resolve().parents[2]
# A page that usually takes tens of milliseconds must not take seconds because Redis is gone.
SLOW = 2.0
OUTAGE_SECONDS = float(os.environ.get("RESILIENCE_OUTAGE_SECONDS", "60"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, that it may kill and start again on the same port."""

    def __init__(self, folder: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("redis-server is needed for the fault tests (apt-get install redis-server)")
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command + ["--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            assert time.monotonic() < deadline, f"private redis-server on port {self.port} does not answer"
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: Redis dies as in a crash, its connections cut."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def queued(self, queue: str) -> int:
        return redis.Redis.from_url(self.url).llen(queue)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def live_env(redis_url: str, database_url: str) -> dict:
    suffix = f"pages-{os.getpid()}-{time.monotonic_ns()}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.resilience.live_settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": "resilience-tests-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "VAR_DIR": str(settings.VAR_DIR),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Queues of our own: no worker of anyone else may take these messages.
        "CELERY_PRINT_QUEUE": f"print-{suffix}",
        "CELERY_DEFAULT_QUEUE": f"default-{suffix}",
        "LOG_LEVEL": "WARNING",
        # A print request each round (a minute of rounds in the long test) and no worker to render them:
        # the cap of pending prints per member is not what these tests are about.
        "PRINT_MAX_PENDING_PER_MEMBER": "1000000",
    }


class Gunicorn:
    def __init__(self, env: dict):
        self.env, self.port = env, free_port()
        log = open(Path(settings.VAR_DIR) / f"gunicorn-{self.port}.log", "w+")
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        # One sync worker, warmed up by the tests before they time anything (first imports, templates).
        command += ["--workers", "1", "--timeout", "30", "--graceful-timeout", "5"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.log = log
        deadline = time.monotonic() + 30
        while True:
            try:
                Browser(self.port).get("/healthz")
                break
            except OSError:
                assert self.process.poll() is None, self.output()
                assert time.monotonic() < deadline, self.output()
                time.sleep(0.1)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def gunicorn_on(transactional_db):
    """Start gunicorn with a given environment; stopped (before the test database goes) at the end."""
    started = []

    def start(env: dict) -> Gunicorn:
        started.append(Gunicorn(env))
        return started[-1]

    yield start
    for server in started:
        server.stop()


class Browser:
    """Just enough of a browser: cookies, the CSRF token, timings; redirects are not followed."""

    def __init__(self, port: int):
        self.port, self.cookies, self.headers = port, {}, {}
        self.timings: list[tuple[str, int, float]] = []

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, label=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = time.monotonic() - started
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        response.content = content
        self.timings.append((label or f"{method} {urlsplit(path).path}", response.status, elapsed))
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict, **kwargs):
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        return self.request("POST", path, urlencode(fields).encode(), headers=headers, **kwargs)

    def post_json(self, path: str, payload: str, **kwargs):
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        return self.request("POST", path, payload.encode(), headers=headers, **kwargs)

    def log_in(self, username: str) -> None:
        self.get("/connexion/", label="GET login page")
        response = self.post_form("/connexion/", {"username": username, "password": PASSWORD}, label="POST login form")
        assert response.status == 302 and "sessionid" in self.cookies, (response.status, response.content[:500])

    def log_in_to_the_api(self, username: str) -> None:
        payload = f'{{"username": "{username}", "password": "{PASSWORD}"}}'
        response = self.post_json("/api/auth/token/", payload, label="POST /api/auth/token/")
        assert response.status == 200, response.content
        self.headers["Authorization"] = "Token " + re.search(rb'"token":"(\w+)"', response.content).group(1).decode()


def use_the_console(port: int, crisis, round_number: int) -> list[tuple[str, int, float]]:
    """One round of the cell's work: log in (form and API), read every page, poll, write, ask for a print."""
    director = Browser(port)
    director.log_in("director")
    api = Browser(port)
    api.log_in_to_the_api("scribe")
    pages = (
        f"/crises/{crisis.pk}/",
        f"/crises/{crisis.pk}/main-courante/",
        f"/crises/{crisis.pk}/cellule/",
        f"/crises/{crisis.pk}/impressions/",
        "/",
    )
    for path in pages:
        director.get(path)
    director.get(f"/crises/{crisis.pk}/main-courante/?v=0&after=0", headers={"HX-Request": "true"}, label="GET poll")
    entry = {"kind": "fait", "text": f"Redis tombé, tour {round_number}", "priority": "normal", "channel": "telephone"}
    written = director.post_form(f"/crises/{crisis.pk}/main-courante/", entry, label="POST journal entry (web)")
    assert written.status == 302, written.content[:500]
    # A RIDA filtered differently each round: the same request still pending would return its job.
    printed = director.post_form(
        f"/crises/{crisis.pk}/impressions/rida/", {"q": f"tour {round_number}"}, label="POST print request"
    )
    assert printed.status == 302 and "/impressions/" in printed.getheader("Location"), printed.content[:500]
    director.get(printed.getheader("Location"), label="GET print job page")
    api.get(f"/api/crises/{crisis.pk}/journal/", label="GET /api/ journal (token)")
    api.post_json(
        f"/api/crises/{crisis.pk}/journal/", f'{{"text": "API, tour {round_number}"}}', label="POST /api/ entry"
    )
    return director.timings + api.timings


def warm_up(port: int, crisis) -> None:
    """A first round, not timed: a fresh worker imports views and compiles templates on first use."""
    assert_served(use_the_console(port, crisis, -1), slow=30)


def summary(title: str, timings: list[tuple[str, int, float]]) -> str:
    lines = [f"{title}: {len(timings)} requests, {sum(1 for _l, s, _t in timings if s >= 500)} answered 5xx"]
    for label in dict.fromkeys(label for label, _s, _t in timings):
        mine = [t for name, _s, t in timings if name == label]
        lines.append(
            f"  {label:34} n={len(mine):3}  median {statistics.median(mine) * 1000:6.0f} ms  max {max(mine) * 1000:6.0f} ms"
        )
    return "\n".join(lines)


def assert_served(timings, slow: float = SLOW) -> None:
    failures = [(label, status) for label, status, _t in timings if status >= 500]
    assert not failures, failures
    slow = [(label, round(t, 2)) for label, _s, t in timings if t > slow]
    assert not slow, slow


def health(port: int) -> tuple[int, str]:
    response = Browser(port).get("/healthz")
    return response.status, response.content.decode()


@pytest.fixture
def cell(establishment, director, scribe):
    return services.crisis_create(establishment=establishment, by=director, title="Rançongiciel, Redis coupé")


def test_pages_logins_and_print_requests_answer_while_redis_is_dead(private_redis, gunicorn_on, cell, capsys):
    server = gunicorn_on(live_env(private_redis.url, _database_url()))
    warm_up(server.port, cell)
    before = use_the_console(server.port, cell, 0)
    assert_served(before)
    assert health(server.port) == (200, '{"status": "ok", "database": "ok", "broker": "ok"}')
    print_queue = server.env["CELERY_PRINT_QUEUE"]
    assert private_redis.queued(print_queue) == 2  # the print requests reached the broker

    private_redis.kill()
    during = []
    for round_number in (1, 2, 3):
        during += use_the_console(server.port, cell, round_number)
    status, body = health(server.port)
    assert status == 200 and '"status": "degraded"' in body and '"database": "ok"' in body
    assert_served(during)
    outage_jobs = PrintJob.objects.filter(dispatched_at__isnull=True)
    assert outage_jobs.count() == 3  # accepted and queued in the database, waiting for the broker
    assert cell.journal_entries.filter(text__in=[f"Redis tombé, tour {n}" for n in (1, 2, 3)]).count() == 3

    private_redis.start()  # empty, as the production Redis restarts
    after = use_the_console(server.port, cell, 4)
    assert_served(after)
    assert health(server.port)[1] == '{"status": "ok", "database": "ok", "broker": "ok"}'
    sweep = subprocess.run(
        [sys.executable, "manage.py", "sweep_print_jobs"], cwd=ROOT, env=server.env, capture_output=True, text=True
    )
    assert sweep.returncode == 0, sweep.stderr
    assert not PrintJob.objects.filter(dispatched_at__isnull=True).exists()
    assert private_redis.queued(print_queue) == 1 + 3  # Redis restarted empty: the new request and the outage's three

    with capsys.disabled():
        print()
        for title, timings in (("Redis up", before), ("Redis dead", during), ("Redis back", after)):
            print(summary(title, timings))


def test_the_probe_is_503_only_when_the_database_is_down(private_redis, gunicorn_on):
    dead_database = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
    server = gunicorn_on(live_env(private_redis.url, dead_database))
    status, body = health(server.port)
    assert status == 503 and '"status": "error"' in body and '"broker": "ok"' in body
    private_redis.kill()
    status, body = health(server.port)
    assert status == 503 and '"status": "error"' in body and '"broker": "injoignable' in body


def test_an_oversized_upload_gets_its_413_through_gunicorn(private_redis, gunicorn_on, cell):
    server = gunicorn_on(live_env(private_redis.url, _database_url()))
    browser = Browser(server.port)
    browser.log_in("scribe")
    body = b"text=" + b"x" * (12 * 1024 * 1024)
    response = browser.request(
        "POST", f"/crises/{cell.pk}/main-courante/", body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 413 and "Requête trop volumineuse" in response.content.decode()


@pytest.mark.resilience
def test_a_minute_without_redis_serves_every_request(private_redis, gunicorn_on, cell, capsys):
    """The issue's measurement: Redis stopped for 60 s while the cell keeps working."""
    server = gunicorn_on(live_env(private_redis.url, _database_url()))
    warm_up(server.port, cell)
    private_redis.kill()
    during, rounds, ends = [], 0, time.monotonic() + OUTAGE_SECONDS
    while time.monotonic() < ends:
        rounds += 1
        during += use_the_console(server.port, cell, rounds)
    private_redis.start()
    after = use_the_console(server.port, cell, rounds + 1)
    with capsys.disabled():
        print()
        print(summary(f"Redis dead for {OUTAGE_SECONDS:.0f} s ({rounds} rounds)", during))
        print(summary("Redis back", after))
    assert_served(during + after)
    assert PrintJob.objects.filter(dispatched_at__isnull=True).count() == rounds
    assert len(during) == rounds * len(after)
