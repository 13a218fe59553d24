"""Benchmark: the crisis directory of a large establishment (3,000 people).

Seeds the directory (French names with accents, 60 services, external contacts), then measures:

  (a) search latency of comms.selectors.directory_search, the function behind the page and the
      API's ?q=: exact words (the folded column's prefilter answers), words without their accents,
      and typos (no substring matches: rapidfuzz compares every name); median and p95 in ms;
  (b) the printed directory, alphabetical and by service, through the real pipeline (a Celery
      worker with 2 prefork processes on Redis, the alphabetical one in parallel chunks): wall
      time from request to done, and pages.

    .venv/bin/python bench/directory.py [--people 3000] [--queries 300]

Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/14); uses a throwaway SQLite database and
media folder, and queues private to this run (those of bench/paper_kit.py, whose helpers it reuses).
"""

import argparse
import json
import os
import random
import statistics
import time
import unicodedata

import paper_kit  # noqa: F401 — sets the throwaway environment up and starts Django
from django.core.management import call_command  # noqa: E402
from paper_kit import start_worker, wait_done, warm_up_workers  # noqa: E402

LAST = (
    "Lefèvre Lefebvre Müller Gérard Hélène Çelik Dubois Moreau Laurent Simon Michel Leroy Roux David Bertrand Morel "
    "Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Faure André Mercier Blanc Guérin Boyer Garnier "
    "Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier "
    "Masson Marchand Duval Denis Dumont Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas "
    "Brunet Gaillard Barbier Arnaud Martinez Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Benoît Rey Leclerc Payet Rolland Lecomte Carré "
    "Ménard Maillard Bénard Maréchal Barthélemy Lévêque Étienne Prévost Léger Hervé Rémy Benali Haddad Nguyen Diallo"
).split()
FIRST = "Marie Nathalie Isabelle Sylvie Céline Émilie Julie Camille Léa Chloé Inès Élodie Hélène Agnès Françoise Jean Pierre Nicolas Stéphane Frédéric Julien Sébastien Thomas Antoine Jérôme Éric Loïc".split()
FUNCTIONS = ["Infirmière", "Aide-soignant", "Cadre de santé", "Médecin", "Interne", "Technicien", "Secrétaire médicale"]

# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--people", "200", "--queries", "20"]


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped


def seed(people: int):
    from comms.models import DirectoryEntry
    from crisis.models import Establishment, Service

    rng = random.Random(2026)
    establishment = Establishment.objects.create(name="CHU de démonstration", short_name="CHU-D")
    services = [
        Service.objects.create(establishment=establishment, name=f"Service {n:02d}", position=100 + n)
        for n in range(60)
    ]
    rows = []
    for i in range(people):
        entry = DirectoryEntry(
            establishment=establishment,
            last_name=rng.choice(LAST),
            first_name=rng.choice(FIRST),
            function=rng.choice(FUNCTIONS),
            service=rng.choice(services),
            extension=f"{1000 + i % 9000}",
            dect=f"6{i:04d}" if rng.random() < 0.5 else "",
            direct_line=f"04 90 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            if i % 5 == 0
            else "",
            mobile=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            on_call=rng.random() < 0.1,
        )
        entry.derive()
        rows.append(entry)
    DirectoryEntry.objects.bulk_create(rows, batch_size=500)
    return establishment


def search_latencies(establishment, queries: int) -> dict:
    from comms.models import DirectoryEntry
    from comms.selectors import directory_search

    rng = random.Random(7)
    present = sorted(
        set(DirectoryEntry.objects.filter(establishment=establishment).values_list("last_name", flat=True))
    )
    long_names = [n for n in present if len(n) > 5]
    kinds = {
        "exact": lambda: rng.choice(present),
        "sans accents": lambda: _plain(rng.choice(present)).lower(),
        "faute de frappe": lambda: _typo(_plain(rng.choice(long_names)).lower(), rng),
    }
    results = {}
    for kind, make in kinds.items():
        times, empty = [], 0
        for _ in range(queries):
            query = make()
            started = time.perf_counter()
            found = directory_search(establishment, query)
            times.append((time.perf_counter() - started) * 1000)
            empty += not found
        times.sort()
        results[kind] = {
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
            "no_result": empty,
        }
    return results


def print_through_the_pipeline(establishment, document: str) -> dict:
    from printing import services
    from printing.models import PrintJob, RenderedPart

    RenderedPart.objects.all().delete()
    started = time.perf_counter()
    job = services.print_job_request(establishment=establishment, by=None, document=document, params={})
    job = wait_done(job, timeout=1800)
    seconds = time.perf_counter() - started
    if job.status != PrintJob.Status.DONE:
        raise RuntimeError(job.error)
    return {"seconds": round(seconds, 1), "pages": job.page_count, "chunks": max(1, job.children.count())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    establishment = seed(args.people)
    searches = search_latencies(establishment, args.queries)
    for kind, figures in searches.items():
        print(
            f"Recherche ({kind}) dans {args.people} personnes : médiane {figures['median_ms']} ms, "
            f"p95 {figures['p95_ms']} ms, {figures['no_result']} / {args.queries} sans résultat."
        )
    worker = start_worker(2)
    try:
        warm_up_workers(establishment)
        prints = {}
        for document in ("directory", "directory_by_service"):
            prints[document] = print_through_the_pipeline(establishment, document)
            figures = prints[document]
            print(
                f"PDF {document} : {figures['pages']} pages en {figures['seconds']} s "
                f"({figures['chunks']} morceau(x), 2 processus de rendu)."
            )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(json.dumps({"people": args.people, "search": searches, "pdf": prints, "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
