"""Benchmark: the RIDA table with 100 and 5,000 lines, unfiltered and filtered, and its polls.

Prints the median and p95 time per request over N requests and the number of SQL
queries per request (which must not grow with the number of lines). Then, for a
full cell (52 members, a page of 50 rows), what a live page costs: the page, a
poll after one line changed, a poll after a line was added and the "nothing
new" poll, each with its bytes and the CPU time of the process per request.

    .venv/bin/python bench/rida.py [--lines 5000] [--requests 200] [--members 52] [--live-only]

Runs in-process through Django's test client against a throwaway database
(SQLite file by default, PostgreSQL when DATABASE_URL is set): it measures the
view, its queries and its template, not a network or a web server. Lines are
created through the service (numbering, history), as the cell would.
"""

import argparse
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import throwaway_database  # noqa: E402

THEMES = ["Téléphonie", "Laboratoire", "Pharmacie", "Lits", "Communication", "Réglementaire", "Logistique"]


def seed(lines: int, members: int = 18):
    from django.contrib.auth import get_user_model

    from crisis import services
    from crisis.models import Establishment, Membership

    establishment = Establishment.objects.create(
        name=f"CH banc RIDA {lines} × {members}", short_name=f"BR-{lines}-{members}"
    )
    users = []
    roles = ["qualite", "directeur", "dsi", "soins", "logistique", "secretaire"]
    for n in range(members):
        role = roles[n % len(roles)]
        user = get_user_model().objects.create_user(
            f"rida{lines}-{members}-{n}", password="x", first_name="Membre", last_name=f"N°{n}"
        )
        Membership.objects.create(user=user, establishment=establishment, role=role)
        users.append(user)
    crisis = services.crisis_create(establishment=establishment, by=users[0], title="Banc d'essai RIDA")
    now = timezone.now()
    kinds = ["action", "action", "action", "information", "decision"]
    for n in range(lines):
        services.rida_create(
            crisis=crisis,
            by=users[0],
            kind=kinds[n % 5],
            theme=THEMES[n % len(THEMES)],
            text=f"Ligne {n} : le service des urgences signale que les étiquettes du laboratoire manquent ; prévoir un stock papier.",
            owner=users[n % len(users)],
            due_at=now + timedelta(hours=(n % 48) - 24),
            # Only actions are to do: an information is noted, a decision taken (created "fait").
            status=["a_faire", "en_cours", "fait"][n % 3] if kinds[n % 5] == "action" else "fait",
        )
    return crisis, users[0]


def measure(client: Client, url: str, requests: int, **headers) -> dict:
    client.get(url, **headers)  # warm caches (session, templates)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    timings.sort()
    return {
        "status": response.status_code,
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "queries": len(queries.captured_queries),
    }


def _percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[max(int(len(values) * share) - 1, 0)]


def _poll_url(html: str) -> str:
    """The live block's next poll, as the page (or the last poll's answer) wrote it."""
    match = re.search(r'hx-get="([^"]*[?&]v=[^"]*)"', html)
    return match.group(1).replace("&amp;", "&")


def measure_live(client: Client, url: str, requests: int, change=None, before=None) -> dict:
    """Bytes, CPU and wall time of a GET; with `change`, each request is a poll made after calling it.

    The poll URL is the one the page would use: taken from the page, then from each answer,
    so every poll asks for what happened since the state the previous answer left. `before` runs
    before each request, untimed (to empty a cache, say).
    """
    headers = {"HTTP_HX_REQUEST": "true"} if change else {}
    poll = _poll_url(client.get(url).content.decode()) if change else url
    cpu, wall, sizes, statuses = [], [], [], set()
    for n in range(requests):
        if change:
            change(n)
        if before:
            before(n)
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(poll, **headers)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        sizes.append(len(response.content))
        statuses.add(response.status_code)
        if change and response.status_code == 200:
            poll = _poll_url(response.content.decode())
    return {
        "status": "/".join(str(s) for s in sorted(statuses)),
        "bytes": statistics.median(sizes),
        "cpu_ms": statistics.median(cpu),
        "cpu_p95_ms": _percentile(cpu, 0.95),
        "wall_ms": statistics.median(wall),
        "options": response.content.count(b"<option"),
    }


def live_cell(requests: int, members: int, lines: int = 100) -> None:
    """The live RIDA page of a full cell: the page and its polls, with their bytes and CPU."""
    from crisis import services
    from crisis.models import RidaLine

    crisis, user = seed(lines, members)
    shown = list(RidaLine.objects.filter(crisis=crisis).order_by("-seq")[:50])
    client = Client()
    client.force_login(user)
    base = f"/crises/{crisis.pk}/rida/"

    def change_one(n: int) -> None:
        line = shown[(n * 7) % len(shown)]
        services.rida_update(line=line, by=user, text=f"{line.text.split(' [')[0]} [{n}]")

    def add_one(n: int) -> None:
        services.rida_create(crisis=crisis, by=user, text=f"Nouvelle ligne {n}", owner=user)

    def forget_rows(n: int) -> None:
        caches["fragments"].clear()

    rows = {
        "page (50 rows)": measure_live(client, base, requests),
        "page, no row kept yet": measure_live(client, base, requests, before=forget_rows),
        "poll after one line changed": measure_live(client, base, requests, change_one),
        "poll after a line was added": measure_live(client, base, requests, add_one),
        "poll, nothing new": measure_live(client, base, requests, lambda n: None),
    }
    print(f"\n{members} members, {lines} lines, page of 50 rows; {requests} requests per figure (CPU: this process)")
    print(f"{'what':<30} {'status':>7} {'bytes':>9} {'CPU ms':>7} {'CPU p95':>8} {'wall ms':>8} {'<option>':>9}")
    for what, row in rows.items():
        print(
            f"{what:<30} {row['status']:>7} {row['bytes']:>9,.0f} {row['cpu_ms']:>7.2f} {row['cpu_p95_ms']:>8.2f}"
            f" {row['wall_ms']:>8.2f} {row['options']:>9}"
        )


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--lines", "120", "--requests", "3"]


def main() -> None:
    from crisis import live
    from crisis.views.rida import RIDA_TOPICS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--members", type=int, default=52, help="members of the live cell's establishment")
    parser.add_argument("--live-only", action="store_true", help="only the live page of a full cell")
    args = parser.parse_args()

    with throwaway_database("rida"):
        live_cell(args.requests, args.members)
        if args.live_only:
            return
        print(f"database: {connection.vendor}; {args.requests} requests per figure")
        print(f"{'lines':>6} {'what':<34} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for lines in (100, args.lines):
            started = time.perf_counter()
            crisis, user = seed(lines)

            seeded = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            client = Client()
            client.force_login(user)
            base = f"/crises/{crisis.pk}/rida/"
            crisis.refresh_from_db()
            rows = {
                "table, page 1 of 50 lines": measure(client, base, args.requests),
                "filtered (status, theme, q)": measure(
                    client, f"{base}?status=a_faire&theme=Laboratoire&q=etiquettes", args.requests
                ),
                "filtered (overdue, owner)": measure(client, f"{base}?overdue=1&owner={user.pk}", args.requests),
                "poll, nothing new": measure(
                    client, f"{base}?v={live.version(crisis, RIDA_TOPICS)}", args.requests, HTTP_HX_REQUEST="true"
                ),
                "API list (limit 100)": measure(client, f"/api/crises/{crisis.pk}/rida/?overdue=1", args.requests),
            }
            for what, row in rows.items():
                print(
                    f"{lines:>6} {what:<34} {row['status']:>6} {row['median_ms']:>10.2f} {row['p95_ms']:>8.2f} {row['queries']:>8}"
                )
            print(f"{'':>6} (seeded {lines} lines through rida_create in {seeded:.1f} s: {lines / seeded:.0f}/s)")


if __name__ == "__main__":
    main()
