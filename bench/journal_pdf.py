"""Benchmark: the main courante PDF of a long crisis, rendered in chunks by a real worker.

Writes a crisis with 20,000 entries (through journal_append: the hash chain, an
urgent entry in twelve, a correction in fifty), then requests its PDF through the
real pipeline: a `celery -A config worker --concurrency=2` on Redis, the job
fanning out one render task per chunk of JournalDocument.CHUNK_ENTRIES entries,
the last one triggering the merge and the "page x / y" stamping.

Reports the wall time from request to done, the slowest chunk (against the soft
time limit of a render task), the merge, pages, size, and the peak memory
(VmHWM) of every worker process.

    .venv/bin/python bench/journal_pdf.py [--entries 20000] [--concurrency 2]

Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/14); uses a throwaway
SQLite database and media folder, and queues private to this run (those of
bench/paper_kit.py, whose worker helpers it reuses).
"""

import argparse
import json
import os
import random
import time

import paper_kit  # noqa: F401 — sets the throwaway environment up and starts Django
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from paper_kit import ROOT, _children, start_worker, vmhwm_mb, wait_done

TEXTS = [
    "Appel du laboratoire : les automates ne reçoivent plus les demandes, passage aux bons papier.",
    "Décision : coupure de l'accès internet et isolement du cœur de réseau, validée par l'administrateur de garde.",
    "Le standard signale une saturation : 40 appels en attente, ouverture d'une deuxième ligne.",
    "Point de situation : 12 services en mode dégradé, la pharmacie délivre sur ordonnances papier.",
    "Information du PRIS : souche identifiée, pas d'exfiltration constatée à ce stade.",
]


def seed(entries: int):
    from crisis import services
    from crisis.models import Establishment, JournalEntry

    establishment = Establishment.objects.create(name="CHU de démonstration", short_name="CHU-B")
    user = get_user_model().objects.create_user("secretaire-bench", first_name="Sam", last_name="Secrétaire")
    from crisis.models import Membership, Role

    Membership.objects.create(user=user, establishment=establishment, role=Role.DIRECTEUR)
    crisis = services.crisis_create(establishment=establishment, by=user, title="Rançongiciel — nuit longue")
    rng = random.Random(2026)
    started = time.perf_counter()
    for n in range(entries - crisis.journal_last_seq):
        text = f"{rng.choice(TEXTS)} ({n})" + " Précision." * rng.randrange(0, 12)
        if n % 50 == 49:
            original = JournalEntry.objects.filter(crisis=crisis).order_by("-seq")[3]
            services.journal_correct(original=original, by=user, text="Correction : " + text)
        else:
            services.journal_append(crisis=crisis, by=user, text=text, priority="urgent" if n % 12 == 0 else "normal")
    crisis.refresh_from_db()
    print(f"{crisis.journal_last_seq} entrées écrites en {time.perf_counter() - started:.0f} s.")
    return crisis, user


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--entries", "1100", "--concurrency", "1"]  # three chunks of 500


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    crisis, user = seed(args.entries)
    from printing import registry, services
    from printing.models import PrintJob, RenderedPart

    chunk_entries = registry.get("journal").CHUNK_ENTRIES
    hard, soft = services.render_time_limits()
    worker = start_worker(args.concurrency)
    try:
        paper_kit.warm_up_workers(crisis.establishment)
        started = time.perf_counter()
        job = services.print_job_request(
            establishment=crisis.establishment, by=None, document="journal", params={"crisis_id": crisis.pk}
        )
        job = wait_done(job, timeout=1800)
        seconds = time.perf_counter() - started
        if job.status != PrintJob.Status.DONE:
            raise RuntimeError(job.error)
        chunks = [c.part for c in job.children.select_related("part")]
        if not chunks:
            raise RuntimeError(f"{args.entries} entries rendered in one part: give more than {chunk_entries}")
        slowest = max(p.duration.total_seconds() for p in chunks)
        processes = {worker.pid: "main"} | {pid: "pool" for pid in _children(worker.pid)}
        peaks = {f"{role}-{pid}": round(vmhwm_mb(pid)) for pid, role in processes.items()}
        assembly_seconds = (job.finished_at - max(c.finished_at for c in job.children.all())).total_seconds()
        results = {
            "entries": crisis.journal_last_seq,
            "chunk_entries": chunk_entries,
            "chunks": len(chunks),
            "seconds": round(seconds, 1),
            "slowest_chunk_seconds": round(slowest, 1),
            "render_soft_limit_seconds": soft,
            "assembly_seconds": round(assembly_seconds, 2),
            "pages": job.page_count,
            "megabytes": round(job.file.size / 1e6, 1),
            "worker_peak_mb": peaks,
            "cpus": os.cpu_count(),
        }
        print(
            f"Main courante de {results['entries']} entrées : {seconds:.1f} s, {job.page_count} pages, "
            f"{results['megabytes']} Mo, {len(chunks)} morceaux de {chunk_entries} entrées ; "
            f"le plus long {slowest:.1f} s (limite douce d'une tâche de rendu : {soft} s) ; "
            f"fusion et numérotation {assembly_seconds:.2f} s."
        )
        print(f"Pic mémoire (VmHWM) des processus du worker : {peaks} Mo")
        RenderedPart.objects.all().delete()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for queue in (settings.CELERY_PRINT_QUEUE, settings.CELERY_TASK_DEFAULT_QUEUE):
            client.delete(queue, *client.keys(f"_kombu.binding*.{queue}"))
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "journal_pdf.json").write_text(json.dumps(results, indent=2))
    with job.file.open("rb") as pdf:
        (out / "journal_pdf.pdf").write_bytes(pdf.read())


if __name__ == "__main__":
    main()
