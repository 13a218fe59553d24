"""Benchmark: preparedness's reads.

(a) The readiness of one establishment (every item: the paper kit's freshness, procedures, applications,
    directory, exercises, campaigns) with a realistic amount of data, median and worst of N runs;
    the GHT view of an RSSI member of all its establishments (each one's readiness).
(b) The inject player of an exercise with N injects, all due: the page, and its poll when nothing moved
    (the 204: the access with the counters, then the due count), CPU per call through Django's test client.

    .venv/bin/python bench/preparedness.py [--establishments 13] [--injects 200] [--runs 20]

Uses a throwaway database (SQLite file by default, PostgreSQL when DATABASE_URL is set).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from bench.common import throwaway_database  # noqa: E402

SMOKE_ARGS = ["--establishments", "2", "--injects", "20", "--runs", "3"]


def timed(function, runs: int, clock=time.perf_counter) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = clock()
        function()
        samples.append((clock() - started) * 1000)
    return statistics.median(samples), max(samples)


def seed_establishment(index: int, ght, by):
    from comms.models import DirectoryEntry
    from continuity import services as continuity
    from crisis import services as crisis_services
    from crisis.models import Establishment, Membership, Role, Service
    from preparedness import services

    establishment = Establishment.objects.create(name=f"CH {index}", short_name=f"CH-{index}", ght=ght)
    crisis_services.services_seed_defaults(establishment=establishment)
    Membership.objects.create(user=by, establishment=establishment, role=Role.DIRECTEUR)
    for i, service in enumerate(Service.objects.filter(establishment=establishment)[:10]):
        continuity.procedure_create_published(
            establishment=establishment,
            by=by,
            service=service,
            title=f"Sans DPI {i}",
            body="x",
            review_due=date(2027, 1, 1),
        )
    for i in range(60):
        continuity.application_create(
            establishment=establishment, by=by, name=f"App {i}", priority=1 + i % 4, backup_verified_at=date.today()
        )
    DirectoryEntry.objects.bulk_create(
        DirectoryEntry(establishment=establishment, last_name=f"Nom{i:04d}") for i in range(1500)
    )
    for months in range(12):
        services.campaign_create(
            establishment=establishment,
            by=by,
            date=date.today() - timedelta(days=30 * months + 1),
            kind="hameconnage",
            targeted=900,
            clicked=90,
            reported=200,
        )
    return establishment


def seed_exercise(establishment, by, injects: int):
    from crisis import services as crisis_services
    from preparedness import scenarios, services

    crisis = crisis_services.crisis_create(
        establishment=establishment, by=by, title="Exercice", kind="exercice", is_exercise=True
    )
    lines = scenarios.lines_of(
        [
            {"t": i, "from": f"Émetteur {i}", "to": "Cellule", "text": f"Stimulus {i}", "expected": "Réagir"}
            for i in range(injects)
        ]
    )
    services.injects_import(crisis=crisis, by=by, lines=lines)
    services.exercise_start(crisis=crisis, by=by, minutes_before_now=injects + 1)
    return crisis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--establishments", type=int, default=13)
    parser.add_argument("--injects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from crisis.models import Ght
    from preparedness import ghts, readiness, selectors
    from tests.conftest import make_user

    with throwaway_database("preparedness"):
        rssi = make_user("rssi_bench")
        ght = Ght.objects.create(name="GHT bench")
        started = time.perf_counter()
        establishments = [seed_establishment(i, ght, rssi) for i in range(args.establishments)]
        print(
            f"seeded {args.establishments} establishments in {time.perf_counter() - started:.1f} s ({connection.vendor})"
        )
        one = establishments[0]
        median, worst = timed(lambda: readiness.readiness(one), args.runs)
        print(f"(a) readiness of one establishment: median {median:.1f} ms, worst {worst:.1f} ms")
        median, worst = timed(lambda: ghts.ght_readiness_for_user(rssi, ght.pk), max(1, args.runs // 4))
        print(
            f"(a) GHT view, {args.establishments} establishments shared: median {median:.0f} ms, worst {worst:.0f} ms"
        )

        crisis = seed_exercise(one, rssi, args.injects)
        client = Client()
        client.force_login(rssi)
        url = reverse("preparedness:player", args=[crisis.pk])
        version = selectors.player_version(crisis)
        assert client.get(url, {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
        median, worst = timed(lambda: client.get(url), max(1, args.runs // 2), time.process_time)
        print(f"(b) player page, {args.injects} injects due: median {median:.0f} ms of CPU, worst {worst:.0f} ms")
        median, worst = timed(
            lambda: client.get(url, {"v": version}, HTTP_HX_REQUEST="true"), args.runs * 5, time.process_time
        )
        print(f"(b) player poll, nothing new (204): median {median:.2f} ms of CPU, worst {worst:.2f} ms")


if __name__ == "__main__":
    main()
