"""Benchmark: a full cell at work, with think time, against gunicorn, and a bare view measured in the same run.

The mix of issue 14: --members members (50) for --seconds (150): four in five on the main
courante, polling it every 3 s; the others on the dashboard and the RIDA (each polled every
3 s, the full pages reloaded every 30 s); one journal entry written every 5 s and one RIDA
status changed every 10 s, by members of the cell. Each member waits its interval with a
±20 % jitter, so polls do not arrive in lock-step. Alongside, a few clients poll a bare view
(same middleware, no session, no query: bench/urls.py) as the floor every page is compared to.

    DATABASE_URL=postgres://... .venv/bin/python bench/load.py                 # the issue's size (minutes)
    .venv/bin/python bench/load.py --members 3 --seconds 10 --entries 200     # a smoke run for CI

The server is the production one: gunicorn with web.gunicorn_conf (loaded and warmed before
the workers fork), bench/server_settings.py on a throwaway database (PostgreSQL when
DATABASE_URL is set, else a SQLite file), --workers workers of --worker-class.

Reported per request kind: count, p50/p95/p99 in ms, errors (5xx or no answer), the share of
polls that re-rendered (200) rather than answered "nothing new" (204), and p95 as a multiple
of the bare view's p95. The first --cold seconds after the server starts (default: the first
minute, or a third of a short run) are reported apart from the rest. Workers' CPU per request
is read from /proc (utime + stime of gunicorn's workers over the steady part, divided by the
requests they served), which a neighbour's load inflates much less than wall times.
"""

import argparse
import asyncio
import html
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.common import children_cpu_seconds, stop_process, throwaway_database  # noqa: E402
from bench.journal import free_port, seed, session_cookie  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
POLL_SECONDS = 3
PAGE_RELOAD_SECONDS = 30
ENTRY_EVERY = 5
RIDA_CHANGE_EVERY = 10
BARE_CLIENTS = 3
JITTER = 0.2
RIDA_STATUSES = ["a_faire", "en_cours", "fait"]
POLL_PATTERNS = {
    "journal": re.compile(r'id="journal-poll" hx-get="([^"]+)"'),
    "rida": re.compile(r'id="rida-poll" hx-get="([^"]+)"'),
    "dashboard": re.compile(r'id="dashboard-live"[^>]*?hx-get="([^"]+)"'),
}


# --- the cell and its data ------------------------------------------------------------------


def seed_cell(members: int, entries: int, rida_lines: int):
    """A crisis of `entries` journal entries and `rida_lines` RIDA lines, and `members` members in its cell."""
    from django.contrib.auth import get_user_model

    from crisis import services
    from crisis.models import Establishment, Membership

    establishment = Establishment.objects.create(name="CH banc de charge", short_name="LOAD")
    roles = ["directeur", "coordinateur", "secretaire", "qualite", "dsi", "rssi", "soins", "logistique"]
    users = []
    for n in range(members):
        user = get_user_model().objects.create_user(
            f"membre{n}", password="x", first_name=f"Membre{n}", last_name="Cellule"
        )
        Membership.objects.create(user=user, establishment=establishment, role=roles[n % len(roles)])
        users.append(user)
    crisis = seed(establishment, users[2], max(entries, 30))
    kinds = ["action", "action", "information", "decision"]
    for n in range(rida_lines):
        services.rida_create(
            crisis=crisis,
            by=users[0],
            kind=kinds[n % len(kinds)],
            theme=["Téléphonie", "Laboratoire", "Pharmacie", "Lits"][n % 4],
            text=f"Ligne {n} : rappeler le service, vérifier la procédure dégradée.",
            owner=users[n % len(users)] if kinds[n % len(kinds)] == "action" else None,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return crisis, users


# --- the server -------------------------------------------------------------------------------


class Server:
    """gunicorn as deployed (web.gunicorn_conf) on the benchmark's database, plus the bare views."""

    def __init__(self, workers: int, worker_class: str, threads: int, profile_dir: str | None = None):
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.server_settings",
            "BENCH_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "SECRET_KEY": settings.SECRET_KEY,  # the session cookies are made here, checked there
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        # Each worker notes its garbage collections (bench/gunicorn_gc.py), or runs under cProfile.
        self.gc_dir = tempfile.mkdtemp(prefix="bench-gc-")
        conf, env["BENCH_GC_DIR"] = "python:bench.gunicorn_gc", self.gc_dir
        if profile_dir:  # each worker under cProfile (bench/gunicorn_profile.py)
            conf, env["BENCH_PROFILE_DIR"] = "python:bench.gunicorn_profile", os.path.abspath(profile_dir)
        command = [sys.executable, "-m", "gunicorn", "-c", conf, "config.wsgi"]
        command += ["--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--backlog", "2048"]
        self.process = subprocess.Popen(command, cwd=REPO, env=env)
        deadline = time.monotonic() + 60
        while asyncio.run(request(self.port, "GET", "/bench/bare/", {}))[0] != 204:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("gunicorn did not answer /bench/bare/ within 60 s")
            time.sleep(0.05)
        self.started = time.monotonic()

    def workers_cpu_seconds(self) -> float:
        return children_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        stop_process(self.process)

    def collections(self) -> list[list[tuple[int, float]]]:
        """Each worker's garbage collections (generation, ms), once the server has stopped; then forgotten."""
        workers = []
        for path in sorted(Path(self.gc_dir).glob("gc-*.txt")):
            lines = path.read_text().split()
            workers.append([(int(g), float(ms)) for g, ms in zip(lines[::2], lines[1::2], strict=True)])
        shutil.rmtree(self.gc_dir, ignore_errors=True)
        return workers


# --- HTTP -------------------------------------------------------------------------------------


async def request(port: int, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, bytes, dict]:
    """One request on a fresh connection (sync workers close it): (status, body, cookies set)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return 0, b"", {}
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    try:
        response = await reader.read()
    except OSError:
        response = b""
    writer.close()
    if not response.startswith(b"HTTP/"):
        return 0, b"", {}
    head, _sep, content = response.partition(b"\r\n\r\n")
    cookies = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _sep, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _eq, rest = value.strip().partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return int(head.split(b" ", 2)[1]), content, cookies


class Recorder:
    def __init__(self, server: Server):
        self.server, self.rows = server, []  # (label, status, ms, seconds since the server started)

    async def __call__(self, label: str, method: str, path: str, headers: dict, body: bytes = b""):
        started = time.monotonic()
        status, content, cookies = await request(self.server.port, method, path, headers, body)
        self.rows.append((label, status, (time.monotonic() - started) * 1000, started - self.server.started))
        return status, content, cookies


class Member:
    """One member's browser: a session cookie, the CSRF token, the poll URLs the pages gave."""

    def __init__(self, cookie: str, crisis_id: int):
        self.cookie, self.csrf, self.crisis_id = cookie, "", crisis_id
        self.polls: dict[str, str] = {}

    def headers(self, **extra) -> dict:
        cookie = self.cookie + (f"; csrftoken={self.csrf}" if self.csrf else "")
        return {"Cookie": cookie, **extra}

    async def page(self, record: Recorder, kind: str, path: str) -> None:
        status, content, cookies = await record(f"{kind} page", "GET", path, self.headers())
        self.csrf = cookies.get("csrftoken", self.csrf)
        self._follow(kind, content)

    async def poll(self, record: Recorder, kind: str) -> None:
        if kind not in self.polls:
            return
        status, content, _cookies = await record(f"{kind} poll", "GET", self.polls[kind], self.headers(**HTMX))
        if status == 200:
            self._follow(kind, content)

    def _follow(self, kind: str, content: bytes) -> None:
        found = POLL_PATTERNS[kind].search(content.decode("utf-8", "replace"))
        if found:
            self.polls[kind] = html.unescape(found.group(1))

    async def post(self, record: Recorder, label: str, path: str, fields: dict) -> int:
        body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        headers = self.headers(
            **HTMX, **{"X-CSRFToken": self.csrf, "Content-Type": "application/x-www-form-urlencoded"}
        )
        status, _content, _cookies = await record(label, "POST", path, headers, body)
        return status


HTMX = {"HX-Request": "true"}


async def think(seconds: float) -> None:
    await asyncio.sleep(seconds * random.uniform(1 - JITTER, 1 + JITTER))


async def run_cell(
    server: Server, crisis, users, members: list[Member], rida_ids: list[int], seconds: float, arrival: float
):
    record, deadline = Recorder(server), time.monotonic() + seconds
    base = f"/crises/{crisis.pk}"

    async def arrive():
        # Members open the console one after another over `arrival` seconds (0: all at the same instant,
        # a herd no cell produces, which measures the queue of 3 workers more than their warmth).
        await asyncio.sleep(random.uniform(0, arrival))

    async def on_the_journal(member: Member):
        await arrive()
        await member.page(record, "journal", f"{base}/main-courante/")
        while time.monotonic() < deadline:
            await think(POLL_SECONDS)
            await member.poll(record, "journal")

    async def on_dashboard_and_rida(member: Member):
        await arrive()
        await member.page(record, "dashboard", f"{base}/")
        await member.page(record, "rida", f"{base}/rida/")
        reloaded = time.monotonic()
        while time.monotonic() < deadline:
            await think(POLL_SECONDS)
            await member.poll(record, "dashboard")
            await member.poll(record, "rida")
            if time.monotonic() - reloaded > PAGE_RELOAD_SECONDS:
                kind = random.choice(["dashboard", "rida"])
                await member.page(record, kind, f"{base}/" if kind == "dashboard" else f"{base}/rida/")
                reloaded = time.monotonic()

    async def writing_entries(writers: list[Member]):
        n = 0
        for writer in writers:  # a page first: the CSRF cookie
            await writer.page(record, "journal", f"{base}/main-courante/")
        while time.monotonic() < deadline:
            await think(ENTRY_EVERY)
            fields = {"kind": "fait", "priority": "normal", "text": f"Appel+du+service+n%C2%B0+{n}"}
            await writers[n % len(writers)].post(record, "journal entry (POST)", f"{base}/main-courante/", fields)
            n += 1

    async def changing_rida(writers: list[Member]):
        n = 0
        for writer in writers:
            await writer.page(record, "rida", f"{base}/rida/")
        while time.monotonic() < deadline:
            await think(RIDA_CHANGE_EVERY)
            line = rida_ids[n % len(rida_ids)]
            fields = {"status": RIDA_STATUSES[n % len(RIDA_STATUSES)]}
            await writers[n % len(writers)].post(record, "RIDA change (POST)", f"{base}/rida/{line}/rapide/", fields)
            n += 1

    async def bare():
        while time.monotonic() < deadline:
            await think(POLL_SECONDS)
            await record("bare view", "GET", "/bench/bare/", {})

    on_journal = max(1, round(len(members) * 0.8))
    journal_members, other_members = members[:on_journal], members[on_journal:] or members[:1]
    tasks = [on_the_journal(m) for m in journal_members] + [on_dashboard_and_rida(m) for m in other_members]
    # Writing is done by two more browsers of members (a secretary at the journal, the quality at the RIDA).
    writers = [Member(m.cookie, m.crisis_id) for m in (journal_members[0], other_members[0])]
    tasks += [writing_entries(writers[:1]), changing_rida(writers[1:]), *(bare() for _ in range(BARE_CLIENTS))]
    await asyncio.gather(*tasks)
    return record.rows


# --- the figures ------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(rows, title: str) -> dict:
    by_label = defaultdict(list)
    for label, status, ms, _at in rows:
        by_label[label].append((status, ms))
    bare = [ms for status, ms in by_label.get("bare view", []) if status and status < 500]
    bare_p95 = percentile(bare, 0.95) if bare else float("nan")
    print(f"\n{title}: {len(rows)} requests")
    print(
        f"  {'request':24} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'re-render':>9} {'p95/bare':>8}"
        f" {'p95 200/204':>12}"
    )
    figures = {}
    for label in sorted(by_label, key=lambda name: (name != "bare view", name)):
        answers = by_label[label]
        times = [ms for _status, ms in answers]
        errors = sum(1 for status, _ms in answers if status == 0 or status >= 500)
        rendered = sum(1 for status, _ms in answers if status == 200)
        p95 = percentile(times, 0.95)
        rerender = f"{rendered / len(answers):8.0%}" if label.endswith("poll") else ""
        # A poll's two answers apart: what re-rendering costs, against "nothing new".
        by_status = (
            "/".join(
                f"{percentile(split, 0.95):.1f}" if split else "-"
                for split in ([ms for status, ms in answers if status == code] for code in (200, 204))
            )
            if label.endswith("poll")
            else ""
        )
        print(
            f"  {label:24} {len(answers):6} {statistics.median(times):8.1f} {p95:8.1f} "
            f"{percentile(times, 0.99):8.1f} {errors:6} {rerender:>9} {p95 / bare_p95:7.1f}× {by_status:>12}"
        )
        figures[label] = {"p95": p95, "errors": errors}
    return figures


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--members", "3", "--seconds", "10", "--entries", "200"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=150)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rida", type=int, default=None, help="RIDA lines (one per 20 entries: 500)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="as deployed: one per core")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--arrival", type=float, default=20, help="members open the console over this many seconds (0: all at once)"
    )
    parser.add_argument("--profile", metavar="DIR", help="each worker under cProfile, its stats written to DIR")
    parser.add_argument("--cold", type=float, default=None, help="seconds after the start reported apart (60)")
    args = parser.parse_args()
    cold = args.cold if args.cold is not None else min(60.0, args.seconds / 3)
    random.seed(14)

    with throwaway_database("load"):
        started = time.monotonic()
        rida = args.rida if args.rida is not None else max(args.entries // 20, 10)
        crisis, users = seed_cell(args.members, args.entries, rida)
        rida_ids = list(crisis.rida_lines.values_list("pk", flat=True)[:50])
        print(
            f"{connection.vendor}: {args.entries} entries, {rida} RIDA lines, {args.members} members,"
            f" seeded in {time.monotonic() - started:.0f} s"
        )
        members = [Member(session_cookie(settings.SESSION_ENGINE, user), crisis.pk) for user in users]
        server = Server(args.workers, args.worker_class, args.threads, args.profile)
        try:
            cpu_at_cold = None

            async def sample_cpu_after_cold():
                nonlocal cpu_at_cold
                await asyncio.sleep(max(0.0, cold - (time.monotonic() - server.started)))
                cpu_at_cold = (server.workers_cpu_seconds(), time.monotonic())

            async def both():
                return (
                    await asyncio.gather(
                        run_cell(server, crisis, users, members, rida_ids, args.seconds, args.arrival),
                        sample_cpu_after_cold(),
                    )
                )[0]

            rows = asyncio.run(both())
            cpu_end = server.workers_cpu_seconds()
        finally:
            server.stop()
            collections = server.collections()
    cold_rows = [row for row in rows if row[3] < cold]
    warm_rows = [row for row in rows if row[3] >= cold]
    print(
        f"\ngunicorn {args.workers} × {args.worker_class}"
        + (f" ({args.threads} threads)" if args.threads > 1 else "")
        + f", warmed before forking; {args.members} members arriving over {args.arrival:.0f} s, for {args.seconds:.0f} s; load average {os.getloadavg()[0]:.1f}"
    )
    report(cold_rows, f"The first {cold:.0f} s after the start")
    report(warm_rows, f"After the first {cold:.0f} s")
    if warm_rows and cpu_at_cold:
        cpu = (cpu_end - cpu_at_cold[0]) * 1000 / len(warm_rows)
        print(
            f"\nWorkers' CPU per request after the first {cold:.0f} s: {cpu:.1f} ms (/proc, {len(warm_rows)} requests)"
        )
    report_collections(collections)
    errors = sum(1 for _l, status, _ms, _at in rows if status == 0 or status >= 500)
    print(f"Errors (5xx or no answer): {errors} of {len(rows)}")
    sys.exit(1 if errors else 0)


def report_collections(workers: list[list[tuple[int, float]]]) -> None:
    """How long the garbage collector held each worker: a request arriving then waits for it."""
    for n, collections in enumerate(workers, 1):
        by_generation = [[ms for g, ms in collections if g == generation] for generation in range(3)]
        counts = ", ".join(f"gen{g} × {len(times)}" for g, times in enumerate(by_generation))
        longest = max((ms for _g, ms in collections), default=0.0)
        total = sum(ms for _g, ms in collections)
        print(f"Worker {n}'s garbage collections: {counts}; {total:.0f} ms in all, the longest {longest:.1f} ms")


if __name__ == "__main__":
    main()
