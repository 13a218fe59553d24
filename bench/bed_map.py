"""Benchmark: the bed map of a 700-bed hospital with a long history, the census at a past time, the poll.

Builds the demo hospital (beds.demo: ~690 beds in 18 units) and simulates --movements movements
(50,000 by default, ~85 % occupancy throughout), then measures, through Django's test client:
the map page for a member who sees patients (and is logged) and for one who does not, the "nothing
new" poll, the beds API, and the census at a past time (now, and 20 hours ago). Prints the median and
p95 server time per request and the queries per request, next to those of a hospital with a short
history: the map must not cost more queries as history grows.

    .venv/bin/python bench/bed_map.py [--movements 50000] [--requests 60]

A throwaway database (SQLite file by default, PostgreSQL when DATABASE_URL is set).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import throwaway_database  # noqa: E402

SMOKE_ARGS = ["--movements", "600", "--requests", "3"]


def hospital(name: str, movements: int):
    from django.contrib.auth import get_user_model

    from beds import demo
    from crisis.models import Establishment, Membership

    establishment = Establishment.objects.create(name=f"CH banc lits {name}", short_name=f"BL-{name}")
    users = {}
    for role in ("directeur", "secretaire"):
        user = get_user_model().objects.create_user(f"{name}-{role}", password="x")
        Membership.objects.create(user=user, establishment=establishment, role=role)
        users[role] = user
    units = demo._units(establishment)
    beds = demo._beds(establishment, units)
    # About 1.5 movements per event: the days that give the wanted count at one event every 1–3 minutes.
    days = max(movements / 1.5 * 2 / 1440, 0.05)
    started = time.perf_counter()
    made = demo._history(establishment, beds, units, users["directeur"], random.Random(7), days=days, step=(1, 3))
    print(
        f"{name}: {len(beds)} beds, {made} movements over {days:.1f} days, built in {time.perf_counter() - started:.1f} s"
    )
    return establishment, users, made


def measure(client: Client, url: str, requests: int, **extra) -> tuple[float, float, int, int]:
    times, status, queries = [], None, []
    client.get(url, **extra)  # warm caches (session, templates)

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, **extra)
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, **extra)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, len(queries), status


def report(label: str, figures: tuple) -> None:
    median, p95, queries, status = figures
    print(f"  {label:<44} median {median:7.1f} ms  p95 {p95:7.1f} ms  {queries:3d} queries  ({status})")


def run(establishment, users, requests: int) -> dict:
    from crisis import live

    base = f"/etablissements/{establishment.pk}/lits/"
    api = f"/api/establishments/{establishment.pk}/"
    director, scribe = Client(), Client()
    director.force_login(users["directeur"])
    scribe.force_login(users["secretaire"])
    version = live.version(establishment, ["beds"])
    past = (timezone.now() - timezone.timedelta(hours=20)).isoformat()
    figures = {
        "map, with patients (logged)": measure(director, base, requests),
        "map, statuses only": measure(scribe, base, requests),
        "map poll, nothing new (204)": measure(director, base, requests, data={"v": version}, HTTP_HX_REQUEST="true"),
        "API beds, with patients": measure(director, api + "beds/", requests),
        "API census now": measure(director, api + "census/", requests),
        "API census 20 hours ago": measure(scribe, api + "census/", requests, data={"at": past}),
        "census page (now vs the day before)": measure(scribe, base + "recensement/", requests),
    }
    for label, values in figures.items():
        report(label, values)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    with throwaway_database("beds"):
        print(f"database: {connection.vendor}")
        short = hospital("court", min(args.movements, 1500))
        long = hospital("long", args.movements)
        print(f"short history ({short[2]} movements):")
        few = run(short[0], short[1], args.requests)
        print(f"long history ({long[2]} movements):")
        many = run(long[0], long[1], args.requests)
        constant = all(few[k][2] == many[k][2] for k in few)
        print(f"queries independent of the history's length: {'yes' if constant else 'NO'}")


if __name__ == "__main__":
    main()
