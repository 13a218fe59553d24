"""Benchmark: continuity's restart plan and procedure library.

(a) A map of 300 applications with 1,000 dependencies (a random acyclic graph, then the same with
    a cycle added): the plan computed from the database (its two queries included), the median and
    the worst of N runs; the situation of a crisis with a third of the map down. Target: < 50 ms.
(b) The library of 200 published procedures printed through the print pipeline's part renderer
    (printing.services.worker.part_render: fingerprint, WeasyPrint, cached part), one chunk per
    service: cold, then again after one procedure changed (one chunk renders, the others come from
    the cache). In-process, on one core: no Celery worker (bench/paper_kit.py measures those).

    .venv/bin/python bench/restart_plan.py [--applications 300] [--dependencies 1000] [--procedures 200]

Uses a throwaway database (SQLite file by default, PostgreSQL when DATABASE_URL is set).
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

from bench.common import throwaway_database  # noqa: E402

SERVICES = [
    "Urgences",
    "Admissions et accueil",
    "Laboratoire",
    "Imagerie",
    "Pharmacie",
    "Bloc opératoire et stérilisation",
    "Radiothérapie et chimiothérapie",
    "Maternité",
    "Réanimation",
    "Restauration",
    "Logistique et achats",
    "Finances, paie et facturation",
    "Standard téléphonique",
    "DSI",
]

BODY = """## Déclenchement
Panne du dossier patient, constatée par le service ou annoncée par la cellule de crise.

## Étapes
1. Sortir les classeurs de fiches papier ; numéroter chaque liasse.
2. Tracer chaque prescription sur ordonnance papier, signée et datée.
3. Les résultats partent par coursier toutes les 30 minutes.
4. Réévaluer la situation toutes les 12 heures avec la cellule de crise.

## Formulaires papier utilisés
- Fiche d'admission en liasse numérotée
- Ordonnances, bons de demande d'examens

## Retour à la normale
Sur décision de la cellule de crise, après vérification par la DSI.

## Ressaisie après la crise
Actes, prescriptions et comptes rendus, par les secrétariats.
"""


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def seed_map(establishment, applications: int, dependencies: int):
    from continuity.models import Application

    rng = random.Random(2026)
    apps = Application.objects.bulk_create(
        Application(establishment=establishment, name=f"Application {n:03d}", priority=rng.randint(1, 4))
        for n in range(applications)
    )
    edges = set()
    while len(edges) < dependencies:  # acyclic: an application depends only on lower-numbered ones
        a, b = sorted(rng.sample(range(applications), 2))
        edges.add((apps[b].pk, apps[a].pk))
    through = Application.depends_on.through
    through.objects.bulk_create(through(from_application_id=s, to_application_id=t) for s, t in edges)
    return apps


def bench_plan(args):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from continuity import selectors, services
    from continuity.models import Application, ApplicationStatus
    from crisis import services as crisis_services
    from crisis.models import Establishment

    establishment = Establishment.objects.create(name="CHU du banc d'essai", short_name="CHU-PLAN")
    apps = seed_map(establishment, args.applications, args.dependencies)
    with CaptureQueriesContext(connection) as queries:
        plan = selectors.restart_plan(establishment)
    median, worst = timed(lambda: selectors.restart_plan(establishment), args.runs)
    print(
        f"(a) plan de {args.applications} applications, {args.dependencies} dépendances : "
        f"{len(plan.waves)} vagues, médiane {median:.1f} ms, pire {worst:.1f} ms sur {args.runs} calculs, "
        f"{len(queries)} requêtes SQL (cible < 50 ms)"
    )
    # A cycle through the whole chain of the first ten: reported, never looped over.
    through = Application.depends_on.through
    for source, target in ((apps[0], apps[9]), (apps[9], apps[0])):
        through.objects.get_or_create(from_application_id=source.pk, to_application_id=target.pk)
    plan = selectors.restart_plan(establishment)
    median, worst = timed(lambda: selectors.restart_plan(establishment), args.runs)
    print(
        f"    avec un cycle : {len(plan.cycles)} cycle(s) ({len(plan.cycles[0]) if plan.cycles else 0} membres), "
        f"{len(plan.blocked)} en attente, médiane {median:.1f} ms, pire {worst:.1f} ms"
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("directeur-banc")
    crisis = crisis_services.crisis_create(establishment=establishment, by=user, title="Banc d'essai")
    ApplicationStatus.objects.bulk_create(
        ApplicationStatus(crisis=crisis, application=a, status="hors_service") for a in apps[::3]
    )
    procedure_apps = apps[::10]
    for n, application in enumerate(procedure_apps):
        services.procedure_create_published(
            establishment=establishment,
            by=None,
            service=crisis_services.service_named(establishment=establishment, name=SERVICES[n % len(SERVICES)]),
            title=f"Sans {application.name}",
            body="Papier.",
            trigger_applications=[application],
        )
    with CaptureQueriesContext(connection) as queries:
        found = selectors.situation(crisis)
    median, worst = timed(lambda: selectors.situation(crisis), args.runs)
    print(
        f"    situation d'une crise ({len(found.down)} hors service, {len(found.restartable)} redémarrables, "
        f"{len(found.procedures_in_force)} procédures en vigueur) : médiane {median:.1f} ms, pire {worst:.1f} ms, "
        f"{len(queries)} requêtes SQL"
    )


def bench_library(args):
    from continuity import services
    from continuity.models import Procedure
    from crisis.models import Establishment
    from crisis.services import service_named
    from printing import registry
    from printing.services.worker import part_render

    establishment = Establishment.objects.create(name="CHU de la bibliothèque", short_name="CHU-LIB")
    for n in range(args.procedures):
        service = SERVICES[n % len(SERVICES)]
        services.procedure_create_published(
            establishment=establishment,
            by=None,
            service=service_named(establishment=establishment, name=service),
            title=f"Fonctionnement en mode dégradé — {service.lower()} ({n // len(SERVICES) + 1})",
            body=BODY,
            owner="Dr Martin",
        )
    document = registry.get("procedure_library")

    def render_all():
        item = document.item(establishment, {})
        parts = [part_render(establishment=establishment, document=document.name, params=c.params) for c in item.chunks]
        return item, parts

    started = time.perf_counter()
    item, parts = render_all()
    cold = time.perf_counter() - started
    pages = sum(p.page_count for p in parts)
    print(
        f"(b) bibliothèque de {args.procedures} procédures : à froid {cold:.1f} s, {len(item.chunks)} parties, "
        f"{pages} pages ({pages / cold:.1f} pages/s sur un cœur)"
    )
    procedure = Procedure.objects.filter(establishment=establishment).order_by("pk").first()
    services.procedure_update(
        procedure=procedure, by=None, body=BODY + "\n\n## Mise à jour\nCoursier toutes les 20 minutes."
    )
    services.procedure_publish(procedure=procedure, by=None)
    started = time.perf_counter()
    item, after = render_all()
    again = time.perf_counter() - started
    rendered = sum(1 for a, b in zip(parts, after, strict=True) if a.pk != b.pk)
    print(f"    après une procédure modifiée : {again:.2f} s, {rendered} partie rendue, les autres du cache")


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--applications", "30", "--dependencies", "60", "--procedures", "14", "--runs", "3"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=300)
    parser.add_argument("--dependencies", type=int, default=1000)
    parser.add_argument("--procedures", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with throwaway_database("restart_plan"):
        bench_plan(args)
        bench_library(args)


if __name__ == "__main__":
    main()
