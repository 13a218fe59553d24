"""Benchmark: the evidence file of a large crisis, built (export_crisis's path) and verified offline (verify_export's).

A crisis of --entries journal entries (chained as the append service does, bench/journal.py's bulk
seeding), --tickets tickets and --alerts SOC/EDR alerts over its time, in a throwaway database
(SQLite file by default, PostgreSQL when DATABASE_URL is set). Prints, for the export and for the
verification: wall time, CPU time of this process, the peak resident memory of the process after
each step (ru_maxrss: a peak over the whole run so far, so read the export's as "at most") and the
zip's size; then the round trip: the database emptied, the file imported back (import_crisis's path)
and its chain verified. The PDFs (the main courante alone renders at about 11 ms and 0.1 MB per entry, chunked
in parallel by the print workers, docs/performance.md) are left out unless --with-pdf: the figures
are the data, manifest, signature and verification of the evidence file.

    .venv/bin/python bench/evidence.py [--entries 20000] [--tickets 2000] [--alerts 20000] [--with-pdf]
"""

import argparse
import io
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import throwaway_database  # noqa: E402

SMOKE_ARGS = ["--entries", "300", "--tickets", "30", "--alerts", "300"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(entries: int, tickets: int, alerts: int):
    from bench.journal import bench_user, seed_bulk
    from crisis.models import Crisis
    from tickets.models import Alert, AlertSource, Ticket

    establishment, user = bench_user()
    crisis = Crisis.objects.create(
        establishment=establishment,
        title="Banc d'essai du dossier de preuves",
        detected_at=timezone.now() - timedelta(days=12),
        awareness_at=timezone.now() - timedelta(days=12),
        created_by=user,
    )
    seed_bulk(crisis, user, entries)
    crisis.refresh_from_db()
    Ticket.objects.bulk_create(
        [
            Ticket(
                establishment=establishment,
                crisis=crisis,
                seq=n,
                reporter_name=f"Agent {n}",
                reporter_service="Urgences",
                description=f"Le poste {n} ne démarre plus ; message de rançon à l'écran.",
                created_at=crisis.detected_at + timedelta(minutes=n),
                created_by=user,
            )
            for n in range(1, tickets + 1)
        ],
        batch_size=2000,
    )
    source = AlertSource.objects.create(establishment=establishment, name="EDR", token_hash="0" * 64, token_prefix="0")
    start = crisis.detected_at - timedelta(days=2)
    Alert.objects.bulk_create(
        [
            Alert(
                establishment=establishment,
                source=source,
                external_id=f"edr-{n}",
                host=f"PC-{n % 900:04d}",
                severity=("critique", "haute", "moyenne", "basse", "info")[n % 5],
                title="Comportement de chiffrement détecté",
                detected_at=start + timedelta(seconds=40 * n),
                received_at=start + timedelta(seconds=40 * n + 5),
                payload={"process": "svchost.exe", "sha256": f"{n:064x}"},
            )
            for n in range(alerts)
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return crisis


def timed(step):
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--tickets", type=int, default=2_000)
    parser.add_argument("--alerts", type=int, default=20_000)
    parser.add_argument("--with-pdf", action="store_true", help="render the PDFs in this process too (slow)")
    args = parser.parse_args()

    from obligations import evidence

    with throwaway_database("evidence"):
        started = time.perf_counter()
        crisis = seed(args.entries, args.tickets, args.alerts)
        print(
            f"evidence bench ({connection.vendor}): {args.entries} entries, {args.tickets} tickets, "
            f"{args.alerts} alerts seeded in {time.perf_counter() - started:.1f} s; peak {peak_mb():.0f} MB"
        )
        content, wall, cpu = timed(
            lambda: evidence.evidence_zip(crisis, include_patient_data=True, with_pdfs=args.with_pdf)
        )
        print(
            f"  export: {wall:.2f} s wall, {cpu:.2f} s CPU, zip {len(content) / 1e6:.1f} MB, "
            f"peak {peak_mb():.0f} MB{' (with PDFs)' if args.with_pdf else ' (without PDFs)'}"
        )
        report, wall, cpu = timed(lambda: evidence.verify_zip(io.BytesIO(content)))
        assert report.ok, report
        print(f"  verify: {wall:.2f} s wall, {cpu:.2f} s CPU, {report.files} files, chain {report.chain}")
        # The round trip: every table emptied, the file imported back, its chain checked by verify_journal.
        from django.core.management import call_command

        from crisis.models import Crisis
        from crisis.services.journal import journal_verify_chain

        call_command("flush", interactive=False, verbosity=0)
        imported, wall, cpu = timed(lambda: evidence.import_zip(io.BytesIO(content)))
        assert journal_verify_chain(Crisis.objects.get(pk=imported.pk)) is None
        print(f"  import into the emptied database: {wall:.2f} s wall, {cpu:.2f} s CPU, chain verified")
        print(f"  peak resident memory of the process: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
