"""Benchmark: the triage board, the lists and the alerts with 2,000 tickets and 20,000 alerts, and
alert ingestion per second through POST /api/alerts/.

Prints the median and p95 time per request over N requests and the SQL queries per request (which
must not grow with the data: each page is measured on a small and on the full data set), then the
ingestion rate of new alerts and of repeated ones (idempotent: answered 200, stored once).

    .venv/bin/python bench/tickets.py [--tickets 2000] [--alerts 20000] [--requests 50] [--pushes 500]

In-process through Django's test client against a throwaway database (SQLite file by default,
PostgreSQL when DATABASE_URL is set): the view, its queries and its template, no web server. The
bulk of the data is inserted in bulk (numbers and counters as the services leave them); the pushes
go through the API, token and all.
"""

import argparse
import os
import random
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

SMOKE_ARGS = ["--tickets", "60", "--alerts", "200", "--requests", "3", "--pushes", "20"]


def seed(tickets: int, alerts: int, tag: str):
    from django.contrib.auth import get_user_model

    from crisis import services as crisis_services
    from crisis.models import Establishment, Membership, Service
    from tickets.models import Alert, Ticket, TicketCounter
    from tickets.services import alert_source_create

    rng = random.Random(tickets)
    establishment = Establishment.objects.create(name=f"CH banc tickets {tag}", short_name=f"BT-{tag}")
    user = get_user_model().objects.create_user(f"bench-tickets-{tag}", password="x", first_name="Denis")
    Membership.objects.create(user=user, establishment=establishment, role="dsi")
    for n in range(12):
        member = get_user_model().objects.create_user(f"bench-tickets-{tag}-{n}", password="x")
        Membership.objects.create(user=member, establishment=establishment, role="soins")
    crisis = crisis_services.crisis_create(establishment=establishment, by=user, title="Banc d'essai tickets")
    units = [Service.objects.create(establishment=establishment, name=f"Unité {n}") for n in range(20)]
    now = timezone.now()
    statuses = ["nouveau", "qualifie", "en_cours", "resolu", "clos", "rejete"]
    Ticket.objects.bulk_create(
        Ticket(
            establishment=establishment,
            crisis=crisis,
            seq=n + 1,
            reporter_name="Agent",
            reporter_service=units[n % 20].name,
            service=units[n % 20],
            category=Ticket.Category.values[n % 9],
            application_name=["DPI", "SIL", "PACS", ""][n % 4],
            description=f"Signalement {n} : le poste ne répond plus, écran noir au démarrage.",
            patient_safety=n % 7 == 0,
            priority=1 + n % 4,
            status=statuses[n % 6],
            created_at=now - timedelta(minutes=rng.randint(1, 60 * 72)),
        )
        for n in range(tickets)
    )
    TicketCounter.objects.create(establishment=establishment, last_seq=tickets)
    source, token = alert_source_create(establishment=establishment, name="SOC")
    Alert.objects.bulk_create(
        (
            Alert(
                establishment=establishment,
                source=source,
                external_id=f"A-{n}",
                host=f"PC-{n % 300:03d}",
                severity=Alert.SEVERITY_ORDER[n % 5],
                title="Comportement suspect",
                detected_at=now - timedelta(minutes=rng.randint(1, 60 * 24 * 30)),
                status=["nouvelle", "resolue", "faux_positif"][n % 3],
            )
            for n in range(alerts)
        ),
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does after a bulk load: plans on real counts
            cursor.execute("ANALYZE")
    return establishment, crisis, user, token


def measure(client: Client, url: str, requests: int, **headers) -> dict:
    client.get(url, **headers)
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
        "p95_ms": timings[max(int(len(timings) * 0.95) - 1, 0)],
        "queries": len(queries.captured_queries),
    }


def pages(establishment, crisis) -> dict[str, tuple[str, dict]]:
    from crisis import live
    from tickets.models import ALERTS_TOPIC, TOPIC

    e, c = establishment.pk, crisis.pk
    board_version = live.version(establishment, (TOPIC,))
    alerts_version = live.version(establishment, (ALERTS_TOPIC,))
    hx = {"HTTP_HX_REQUEST": "true"}
    return {
        "board (page)": (f"/etablissements/{e}/tickets/", {}),
        "board, P1 filter": (f"/etablissements/{e}/tickets/?priority=1", {}),
        "board poll, nothing new (204)": (f"/etablissements/{e}/tickets/?v={board_version}", hx),
        "crisis board": (f"/crises/{c}/tickets/", {}),
        "API tickets list (100)": (f"/api/crises/{c}/tickets/", {}),
        "API tickets, filtered": (f"/api/crises/{c}/tickets/?status=nouveau&priority=1", {}),
        "API top incidents 72 h": (f"/api/crises/{c}/tickets/top/", {}),
        "alerts page (100 rows)": (f"/etablissements/{e}/alertes/", {}),
        "alerts poll, nothing new (204)": (f"/etablissements/{e}/alertes/?v={alerts_version}", hx),
        "API alerts list (100)": (f"/api/establishments/{e}/alerts/?severity=critique", {}),
        "API monthly report": (f"/api/establishments/{e}/alerts/report/?month={timezone.localtime():%Y-%m}", {}),
        "crisis dashboard (with card)": (f"/crises/{c}/", {}),
    }


def ingestion(token: str, pushes: int) -> tuple[float, float]:
    """New alerts per second, then repeated ones per second, through the API with the source's token."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    body = {
        "host": "PC-URG-12",
        "severity": "haute",
        "title": "Tentatives d'authentification en rafale",
        "detected_at": timezone.now().isoformat(),
        "payload": {"rule": "bruteforce", "count": 250},
    }
    rates = []
    for _round in range(2):
        start = time.perf_counter()
        for n in range(pushes):
            response = client.post(
                "/api/alerts/", {**body, "external_id": f"PUSH-{n}"}, content_type="application/json"
            )
            assert response.status_code in (200, 201), response.content
        rates.append(pushes / (time.perf_counter() - start))
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--alerts", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--pushes", type=int, default=500)
    args = parser.parse_args()
    print(f"database: {connection.vendor}; {args.requests} requests per figure")
    with throwaway_database("tickets"):
        small = seed(50, 200, "small")
        full = seed(args.tickets, args.alerts, "full")
        results = {}
        for label, (establishment, crisis, user, _token) in (("small", small), ("full", full)):
            client = Client()
            client.force_login(user)
            for name, (url, headers) in pages(establishment, crisis).items():
                results.setdefault(name, {})[label] = measure(client, url, args.requests, **headers)
        print(f"{'page':34} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries (50 / full)':>20}")
        for name, by_size in results.items():
            full_run, small_run = by_size["full"], by_size["small"]
            print(
                f"{name:34} {full_run['status']:>6} {full_run['median_ms']:>10.1f} {full_run['p95_ms']:>8.1f}"
                f" {small_run['queries']:>9} / {full_run['queries']:<9}"
            )
        new_rate, repeat_rate = ingestion(full[3], args.pushes)
        print(f"ingestion through POST /api/alerts/: {new_rate:.0f} new alerts/s, {repeat_rate:.0f} repeated/s")


if __name__ == "__main__":
    main()
