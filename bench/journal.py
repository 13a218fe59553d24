"""Benchmark: the journal's pages at 1,000, 10,000 and 100,000 entries, and the cost of an authenticated request.

First part, in-process through Django's test client against a throwaway database
(SQLite file by default, PostgreSQL when DATABASE_URL is set): it measures the
view, its queries and its template, not a network or a web server.

    .venv/bin/python bench/journal.py [--entries 100000] [--requests 200] [--server-requests 3000]

Every journal size is its own crisis in one database (1,000, 10,000 and 100,000
entries, up to --entries): a query that reads the whole table, all crises together,
shows as a cost that grows in the small crisis too. ANALYZE runs after seeding, as
autovacuum would. For each crisis it prints, over --requests requests, the median
and p95 time per request, the median CPU time of this process per request (which a
neighbour's load inflates much less than wall time; on PostgreSQL it leaves out the
server's share) and the SQL queries per request: the journal page, the poll when
nothing is new (a 204: the URL carries the live version), the poll with one new
entry, a filtered page, the accent-insensitive search (no match, a rare match, a
common match, with the number of entries matched) and the dashboard.

Seeding: all but the last entries of each crisis are written in bulk, each row with
the hash the append service would compute (its own journal_entry_digest, chained on
the previous row) and its folded search text; the last ones, corrections included,
go through the real append service, which chains them onto the bulk rows. The
chain of every crisis is then verified with the same check as `verify_journal`.

Second part, the cost of an authenticated request under load: a real gunicorn
(sync workers, config.wsgi, the deployed middleware; bench/server_settings.py adds
two bare views) on the same database and cache (REDIS_URL when set), driven by
--concurrency connections, on the largest crisis. For each session engine it reports,
side by side, a bare view (no session touched), the same view behind login_required,
and the journal's "nothing new" 204: worker CPU per request (utime + stime of the workers from /proc,
divided by the requests served), requests/s, median and p95 latency. The three figures
take turns (--rounds), so a load that comes and goes on the machine falls on all three.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import children_cpu_seconds, stop_process  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
# The last entries of each crisis go through the real append service; so do a few corrections.
REAL_APPENDS = 20
CORRECTIONS = 3
ENTRY_INTERVAL = timedelta(seconds=30)
KINDS = ["fait", "information", "decision", "action", "communication"]
# One text in five mentions "réanimation" (a common match); one entry in a thousand the "rançon" (a rare one).
TEXTS = [
    "Appel du service des urgences : le DPI ne répond plus, passage en procédure dégradée.",
    "Point avec la DSI : serveurs de fichiers isolés, sauvegardes déconnectées du réseau.",
    "Réanimation : dossiers des patients imprimés, douze lits occupés, relève à 19 h.",
    "Laboratoire : résultats transmis par coursier, délai moyen de 45 minutes.",
    "Standard saturé : message d'attente enregistré, renfort de deux agents demandé.",
]
RARE_TEXT = "Demande de rançon reçue par courriel sur la boîte de la direction, transmise au PRIS."
SEARCHES = {"no match": "cardiologie", "rare match": "rancon", "common match": "reanimation"}


def bench_user():
    from django.contrib.auth import get_user_model

    from crisis.models import Establishment, Membership

    establishment = Establishment.objects.create(name="CH banc d'essai", short_name="BENCH")
    user = get_user_model().objects.create_user("bench", password="x", first_name="Sophie", last_name="Garnier")
    Membership.objects.create(user=user, establishment=establishment, role="secretaire")
    return establishment, user


def bulk_entry(crisis, user, seq: int, prev_hash: str, occurred_at):
    """One row as journal_append would write it: same fields, same digest, same folded search text."""
    from crisis.models import JournalEntry
    from crisis.search import entry_search_text
    from crisis.services.journal import current_key_id, journal_entry_digest

    n = seq - 1
    text = RARE_TEXT if n % 1000 == 500 else f"{TEXTS[n % len(TEXTS)]} (n° {seq})"
    late = n % 97 == 0  # typed two hours after the event: it sorts among earlier entries
    entry = JournalEntry(
        crisis=crisis,
        seq=seq,
        occurred_at=occurred_at - timedelta(hours=2) if late else occurred_at,
        recorded_at=occurred_at + timedelta(seconds=20),
        recorded_by=user,
        sender="Standard",
        recipient="Cellule de crise",
        channel="telephone",
        kind=KINDS[n % len(KINDS)],
        priority="urgent" if n % 17 == 0 else "normal",
        text=text,
        phase=crisis.phase,
        prev_hash=prev_hash,
        key_id=current_key_id(),
        search_text=entry_search_text(text=text, sender="Standard", recipient="Cellule de crise"),
    )
    entry.hash = journal_entry_digest(entry)
    return entry


def seed_bulk(crisis, user, count: int, batch: int = 2000) -> None:
    """`count` chained entries from n° 1, inserted in batches; the crisis row's head and counters to match."""
    from crisis import live
    from crisis.models import Crisis, JournalEntry, Topic

    start = timezone.now() - ENTRY_INTERVAL * (count + REAL_APPENDS)
    prev_hash, rows = "", []
    for seq in range(1, count + 1):
        entry = bulk_entry(crisis, user, seq, prev_hash, start + ENTRY_INTERVAL * seq)
        rows.append(entry)
        prev_hash = entry.hash
        if len(rows) == batch or seq == count:
            JournalEntry.objects.bulk_create(rows)
            rows = []
    kinds = [KINDS[n % len(KINDS)] for n in range(count)]
    Crisis.objects.filter(pk=crisis.pk).update(
        journal_last_seq=count,
        journal_last_hash=prev_hash,
        journal_entry_count=count,
        journal_urgent_count=len(range(0, count, 17)),
        journal_decision_count=kinds.count("decision"),
        journal_action_count=kinds.count("action"),
        journal_communication_count=kinds.count("communication"),
    )
    live.bump(crisis, Topic.JOURNAL)


def seed(establishment, user, entries: int):
    """A crisis of `entries` entries: the bulk, then the last ones and a few corrections through the services."""
    from crisis import services
    from crisis.models import Crisis

    crisis = Crisis.objects.create(
        establishment=establishment,
        title=f"Banc d'essai, {entries} entrées",
        detected_at=timezone.now() - ENTRY_INTERVAL * (entries + 1),
        created_by=user,
    )
    seed_bulk(crisis, user, entries - REAL_APPENDS - CORRECTIONS)
    crisis.refresh_from_db()
    for n in range(REAL_APPENDS):
        services.journal_append(
            crisis=crisis,
            by=user,
            kind=KINDS[n % len(KINDS)],
            priority="urgent" if n % 7 == 0 else "normal",
            sender="Standard",
            recipient="Cellule de crise",
            text=f"Entrée saisie par le service n° {n} : {TEXTS[n % len(TEXTS)]}",
        )
    for seq in (crisis.journal_last_seq - 2, crisis.journal_last_seq - 10, 2):  # on the first page, and far below
        original = crisis.journal_entries.get(seq=seq)
        services.journal_correct(original=original, by=user, text=f"{original.text} (corrigé)", priority="urgent")
    crisis.refresh_from_db()
    return crisis


def measure(client: Client, url: str, requests: int, **headers) -> dict:
    client.get(url, **headers)  # warm caches (session, templates, entry fragments)
    timings, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    timings.sort()
    return {
        "status": response.status_code,
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        # This process's CPU only: what a neighbour's load does not inflate (and, on PostgreSQL, without the server's).
        "cpu_ms": statistics.median(cpu),
        "queries": len(queries.captured_queries),
    }


def figures_for(crisis, user, requests: int) -> dict:
    """Each request of the journal and the dashboard, with its expected status and, for a search, its matches."""
    from crisis import live, selectors
    from crisis.views.journal import JOURNAL_TOPICS

    client = Client()
    client.force_login(user)
    base = f"/crises/{crisis.pk}/main-courante/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    rows = {
        "journal page": (base, 200, {}),
        "poll, nothing new (v=live)": (
            f"{base}?v={live.version(crisis, JOURNAL_TOPICS)}&after={crisis.journal_last_seq}",
            204,
            htmx,
        ),
        "poll, one new entry": (
            f"{base}?v={int(live.version(crisis, JOURNAL_TOPICS)) - 1}&after={crisis.journal_last_seq - 1}",
            200,
            htmx,
        ),
        "filtered (kind=decision)": (f"{base}?kind=decision", 200, {}),
    }
    for what, query in SEARCHES.items():
        rows[f"search, {what}"] = (f"{base}?q={query}", 200, {})
    rows["dashboard"] = (f"/crises/{crisis.pk}/", 200, {})
    figures = {}
    for what, (url, expected, headers) in rows.items():
        row = measure(client, url, requests, **headers)
        if row["status"] != expected:
            raise SystemExit(f"{what}: {url} answered {row['status']}, expected {expected}")
        figures[what] = row
    for what, query in SEARCHES.items():
        figures[f"search, {what}"]["matches"] = selectors.journal_match_count(crisis, selectors.JournalFilters(q=query))
    return figures


def report_in_process(establishment, user, sizes: list[int], requests: int):
    """Seeds every crisis first (so each one is measured among all the others), then measures each."""
    from crisis.services.journal import journal_verify_chain

    crises = []
    for entries in sizes:
        started = time.perf_counter()
        crisis = seed(establishment, user, entries)
        seeded = time.perf_counter() - started
        broken = journal_verify_chain(crisis)
        if broken is not None:
            raise SystemExit(f"seeded chain broken at n° {broken.seq}")
        print(
            f"seeded {entries} entries in {seeded:.1f} s ({entries - REAL_APPENDS - CORRECTIONS} in bulk,"
            f" {REAL_APPENDS + CORRECTIONS} through the append service); chain verified"
        )
        crises.append(crisis)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does soon after a burst of inserts
    print(f"\n{connection.vendor}, {sum(sizes)} entries in {len(sizes)} crises; {requests} requests per figure")
    print(
        f"{'entries':>8} {'what':<28} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7}"
        f" {'queries':>8} {'matches':>8}"
    )
    for entries, crisis in zip(sizes, crises, strict=True):
        for what, row in figures_for(crisis, user, requests).items():
            matches = row.get("matches")
            print(
                f"{entries:>8} {what:<28} {row['status']:>6} {row['median_ms']:>10.2f} {row['p95_ms']:>8.2f}"
                f" {row['cpu_ms']:>7.2f} {row['queries']:>8} {'' if matches is None else matches:>8}"
            )
    return crises[-1]


def uninstrumented_templates() -> None:
    """setup_test_environment() wraps every template render in a signal for the test client: not in production."""
    from django.template import Template
    from django.test.utils import _TestState

    Template._render = _TestState.saved_data.template_render


# --- the cost of an authenticated request, under gunicorn -----------------

REPO = Path(__file__).resolve().parent.parent
SESSION_ENGINES = {
    "web.sessions": "web.sessions",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "db": "django.contrib.sessions.backends.db",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(engine: str, user) -> str:
    """What a login leaves in the browser, for the given session engine (no password hashing involved)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(engine).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Server:
    """gunicorn on a free port, on the benchmark's database, with the given session engine."""

    def __init__(self, engine: str, workers: int):
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.server_settings",
            "BENCH_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "BENCH_SESSION_ENGINE": engine,
            "SECRET_KEY": settings.SECRET_KEY,  # the cookies are signed here, checked there
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--backlog", "2048"]
        self.process = subprocess.Popen(command, cwd=REPO, env=env)
        deadline = time.monotonic() + 30
        while asyncio.run(get(self.port, "/bench/bare/", ""))[0] != 204:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("gunicorn did not answer /bench/bare/ within 30 s")
            time.sleep(0.2)

    def workers_cpu_seconds(self) -> float:
        """utime + stime of the worker processes (the arbiter does no request work)."""
        return children_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        stop_process(self.process)


async def get(port: int, path: str, cookie: str, extra: str = "") -> tuple[int, float]:
    """One GET on a fresh connection (gunicorn's sync workers close it): (status, milliseconds)."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return 0, 0.0
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n{extra}Connection: close\r\n\r\n"
    writer.write(request.encode())
    response = await reader.read()
    writer.close()
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
    return status, (time.perf_counter() - start) * 1000


async def load(
    port: int, path: str, cookie: str, extra: str, requests: int, concurrency: int
) -> list[tuple[int, float]]:
    results: list[tuple[int, float]] = []

    async def connection_loop():
        while len(results) < requests:
            results.append(await get(port, path, cookie, extra))

    await asyncio.gather(*(connection_loop() for _ in range(concurrency)))
    return results


def measure_server(server: Server, rows: dict, requests: int, concurrency: int, rounds: int) -> dict:
    """Each row's figures, the rows taking turns in `rounds` slices so a neighbour's load falls on all of them."""
    for path, cookie in rows.values():  # warm every worker on every path
        asyncio.run(load(server.port, path, cookie, HTMX, max(200, requests // 10), concurrency))
    done = {what: {"results": [], "cpu": 0.0, "wall": 0.0} for what in rows}
    for _round in range(rounds):
        for what, (path, cookie) in rows.items():
            cpu_before, wall_before = server.workers_cpu_seconds(), time.perf_counter()
            done[what]["results"] += asyncio.run(load(server.port, path, cookie, HTMX, requests // rounds, concurrency))
            done[what]["wall"] += time.perf_counter() - wall_before
            done[what]["cpu"] += server.workers_cpu_seconds() - cpu_before
    figures = {}
    for what, row in done.items():
        timings = sorted(ms for _status, ms in row["results"])
        figures[what] = {
            "status": "/".join(str(status) for status in sorted({status for status, _ms in row["results"]})),
            "cpu_ms": row["cpu"] / len(timings) * 1000,
            "per_second": len(timings) / row["wall"],
            "median_ms": statistics.median(timings),
            "p95_ms": timings[int(len(timings) * 0.95) - 1],
        }
    return figures


HTMX = "HX-Request: true\r\n"


def report_server(crisis, user, engines: list[str], args) -> None:
    from crisis import live
    from crisis.views.journal import JOURNAL_TOPICS

    print(
        f"\ngunicorn, {args.workers} sync workers, {args.concurrency} connections, {args.server_requests} requests per figure"
        f" in {args.rounds} rounds ({connection.vendor}, cache {'redis' if settings.REDIS_URL else 'files'},"
        f" crisis of {crisis.journal_last_seq} entries)"
    )
    print(
        f"{'sessions':<15} {'what':<26} {'status':>6} {'CPU ms/req':>10} {'× bare':>7} {'req/s':>7} {'median ms':>10} {'p95 ms':>8}"
    )
    poll = (
        f"/crises/{crisis.pk}/main-courante/?v={live.version(crisis, JOURNAL_TOPICS)}&after={crisis.journal_last_seq}"
    )
    for engine in engines:
        cookie = session_cookie(SESSION_ENGINES[engine], user)
        server = Server(SESSION_ENGINES[engine], args.workers)
        try:
            rows = {
                "bare view": ("/bench/bare/", ""),
                "bare view, login required": ("/bench/bare-authenticated/", cookie),
                "journal poll, nothing new": (poll, cookie),
            }
            figures = measure_server(server, rows, args.server_requests, args.concurrency, args.rounds)
        finally:
            server.stop()
        bare_cpu = figures["bare view"]["cpu_ms"]
        for what, row in figures.items():
            # /proc counts CPU in clock ticks (10 ms): a short run of bare views can read as none at all.
            ratio = f"{row['cpu_ms'] / bare_cpu:>7.2f}" if bare_cpu else f"{'—':>7}"
            print(
                f"{engine:<15} {what:<26} {row['status']:>6} {row['cpu_ms']:>10.2f} {ratio}"
                f" {row['per_second']:>7.0f} {row['median_ms']:>10.2f} {row['p95_ms']:>8.2f}"
            )


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = [
    "--entries",
    "300",
    "--requests",
    "3",
    "--server-requests",
    "20",
    "--rounds",
    "1",
    "--concurrency",
    "2",
    "--workers",
    "1",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000, help="the largest journal (caps 1,000/10,000/100,000)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--server-requests", type=int, default=3000, help="per figure under gunicorn; 0 skips it")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5, help="the three figures take turns this many times")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3 as deployed)")
    configured = next(name for name, engine in SESSION_ENGINES.items() if engine == settings.SESSION_ENGINE)
    parser.add_argument(
        "--sessions",
        default=",".join(dict.fromkeys([configured, "db", "signed_cookies"])),
        help=f"session engines to compare, among {', '.join(SESSION_ENGINES)} (default: the configured one first)",
    )
    args = parser.parse_args()

    setup_test_environment()
    uninstrumented_templates()
    # Its own database (a file for SQLite, as in production; not the tests' one).
    # On PostgreSQL, named after the configured database: two people benchmarking on one server don't collide.
    test_name = (
        str(settings.VAR_DIR / "bench-journal.sqlite3")
        if connection.vendor == "sqlite"
        else f"{connection.settings_dict['NAME']}_bench_journal"
    )
    connection.settings_dict["TEST"]["NAME"] = test_name
    # autoclobber: a database left by a run cut short is replaced, not asked about.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        sizes = [size for size in SIZES if size < args.entries] + [args.entries]
        establishment, user = bench_user()
        crisis = report_in_process(establishment, user, sizes, args.requests)
        if args.server_requests:
            report_server(crisis, user, args.sessions.split(","), args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
