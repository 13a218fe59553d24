"""Benchmark: the RIDA table with 100 and 5,000 lines, unfiltered and filtered, and its "nothing new" poll.

Prints the median and p95 time per request over N requests and the number of SQL
queries per request (which must not grow with the number of lines).

    .venv/bin/python bench/rida.py [--lines 5000] [--requests 200]

Runs in-process through Django's test client against a throwaway database
(SQLite file by default, PostgreSQL when DATABASE_URL is set): it measures the
view, its queries and its template, not a network or a web server. Lines are
created through the service (numbering, history), as the cell would.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import throwaway_database  # noqa: E402

THEMES = ["Téléphonie", "Laboratoire", "Pharmacie", "Lits", "Communication", "Réglementaire", "Logistique"]


def seed(lines: int):
    from django.contrib.auth import get_user_model

    from crisis import services
    from crisis.models import Establishment, Membership

    establishment = Establishment.objects.create(name=f"CH banc RIDA {lines}", short_name=f"BR-{lines}")
    users = []
    for n, role in enumerate(["qualite", "directeur", "dsi", "soins", "logistique", "secretaire"] * 3):
        user = get_user_model().objects.create_user(
            f"rida{lines}-{n}", password="x", first_name="Membre", last_name=f"N°{n}"
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


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--lines", "120", "--requests", "3"]


def main() -> None:
    from crisis import live
    from crisis.views.rida import RIDA_TOPICS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    with throwaway_database("rida"):
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
