"""Benchmark: the journal page and the "nothing new" poll with 100 and 10,000 entries.

Prints the median and p95 time per request over N requests, and the number of SQL
queries per request (which must not grow with the number of entries).

    .venv/bin/python bench/journal.py [--entries 10000] [--requests 300]

Runs in-process through Django's test client against a throwaway database
(SQLite file by default, PostgreSQL when DATABASE_URL is set): it measures the
view, its queries and its template, not a network or a web server.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def seed(entries: int):
    from django.contrib.auth import get_user_model

    from crisis import services
    from crisis.models import Establishment, Membership

    establishment = Establishment.objects.create(name=f"CH banc {entries}", short_name=f"BENCH-{entries}")
    user = get_user_model().objects.create_user(
        f"bench{entries}", password="x", first_name="Sophie", last_name="Garnier"
    )
    Membership.objects.create(user=user, establishment=establishment, role="secretaire")
    crisis = services.crisis_create(establishment=establishment, by=user, title="Banc d'essai")
    kinds = ["fait", "information", "decision", "action", "communication"]
    for n in range(entries - 1):
        services.journal_append(
            crisis=crisis,
            by=user,
            kind=kinds[n % 5],
            priority="urgent" if n % 17 == 0 else "normal",
            sender="Standard",
            recipient="Cellule de crise",
            text=f"Entrée {n} : appel du service des urgences, le DPI ne répond plus, passage en procédure dégradée.",
        )
    return crisis, user


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    setup_test_environment()
    # Its own database (a file for SQLite, as in production; not the tests' one).
    test_name = str(settings.VAR_DIR / "bench-journal.sqlite3") if connection.vendor == "sqlite" else "bench_journal"
    connection.settings_dict["TEST"]["NAME"] = test_name
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        print(f"database: {connection.vendor}; {args.requests} requests per figure")
        print(f"{'entries':>8} {'what':<22} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for entries in (100, args.entries):
            started = time.perf_counter()
            crisis, user = seed(entries)
            seeded = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # what autovacuum does soon after a burst of inserts
            client = Client()
            client.force_login(user)
            base = f"/crises/{crisis.pk}/main-courante/"
            rows = {
                "journal page": measure(client, base, args.requests),
                "poll, nothing new": measure(
                    client, f"{base}?after={crisis.journal_last_seq}", args.requests, HTTP_HX_REQUEST="true"
                ),
                "filtered page (q=DPI)": measure(client, f"{base}?q=DPI&kind=decision", args.requests),
            }
            for what, row in rows.items():
                print(
                    f"{entries:>8} {what:<22} {row['status']:>6} {row['median_ms']:>10.2f} {row['p95_ms']:>8.2f} {row['queries']:>8}"
                )
            print(
                f"{'':>8} (seeded {entries} entries through the append service in {seeded:.1f} s: {entries / seeded:.0f}/s)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
