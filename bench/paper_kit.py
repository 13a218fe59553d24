"""Benchmark: the paper kit of a large establishment.

Builds 60 services' degraded-mode procedures (about two pages each), a
directory of 3,000 people, 700 beds in 28 units and the blank forms, then
measures in one run:

  (a) a naive baseline: the same content written the straightforward way
      (plain HTML tables for every list, collapsed borders, default WeasyPrint
      options), rendered as one document in one process;
  (b) the kit, cold (empty part cache), through the real pipeline: a real
      Celery worker with 2 prefork processes on Redis, the kit job fanning out
      one task per part and assembling when the last one finishes;
  (c) the kit rebuilt after changing one procedure.

Reports times, pages and peak memory (VmHWM) of every worker process.

    .venv/bin/python bench/paper_kit.py [--services 60] [--people 3000] [--beds 700]

Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/14); uses a throwaway
SQLite database and media folder, and queues private to this run.
"""

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUN = f"bench-{os.getpid()}"
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret"),
        "VAR_DIR": tempfile.mkdtemp(prefix="kit-bench-"),
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14",
        "CELERY_PRINT_QUEUE": f"print-{RUN}",
        "CELERY_DEFAULT_QUEUE": f"default-{RUN}",
        "LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

random.seed(2024)
SERVICES = [
    "Urgences",
    "Admissions",
    "Laboratoire",
    "Imagerie",
    "Pharmacie",
    "Bloc opératoire",
    "Stérilisation",
    "Radiothérapie",
    "Chimiothérapie",
    "Maternité",
    "Réanimation",
    "Restauration",
    "Logistique",
    "Achats",
    "Finances",
    "Paie",
    "Facturation",
    "Standard",
    "DSI",
    "Cardiologie",
    "Pneumologie",
    "Neurologie",
    "Pédiatrie",
    "Gériatrie",
    "Psychiatrie",
    "Néphrologie",
    "Dialyse",
    "Oncologie",
    "Hématologie",
    "Gastro-entérologie",
    "Endocrinologie",
    "Dermatologie",
    "Ophtalmologie",
    "ORL",
    "Orthopédie",
    "Chirurgie viscérale",
    "Urologie",
    "Gynécologie",
    "Néonatologie",
    "SMUR",
    "SAMU",
    "Anesthésie",
    "Soins palliatifs",
    "Rééducation",
    "Médecine interne",
    "Maladies infectieuses",
    "Rhumatologie",
    "Hygiène",
    "Biomédical",
    "Transports",
    "Brancardage",
    "Accueil",
    "Archives médicales",
    "Qualité",
    "Ressources humaines",
    "Direction",
    "Sécurité",
    "Blanchisserie",
    "Consultations externes",
    "EHPAD",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
]
FIRST = [
    "Marie",
    "Jean",
    "Pierre",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Philippe",
    "Camille",
    "Lucas",
    "Léa",
    "Hugo",
    "Chloé",
    "Julien",
    "Émilie",
    "Nicolas",
    "Claire",
    "Thomas",
    "Sarah",
    "Antoine",
    "Manon",
]
FUNCTIONS = [
    "Infirmier(e)",
    "Aide-soignant(e)",
    "Médecin",
    "Cadre de santé",
    "Interne",
    "Secrétaire médicale",
    "Technicien de laboratoire",
    "Manipulateur radio",
    "Pharmacien",
    "Agent logistique",
    "Ingénieur DSI",
    "Brancardier",
    "Sage-femme",
    "Kinésithérapeute",
    "Assistant social",
]
SENTENCES = [
    "Le passage en mode dégradé est décidé par l'administrateur de garde sur proposition du cadre de permanence.",
    "Les prescriptions sont rédigées sur les ordonnances papier pré-imprimées, datées, signées et numérotées.",
    "Un coursier passe toutes les trente minutes pour acheminer les prélèvements et rapporter les résultats.",
    "Chaque admission reçoit un numéro provisoire issu du carnet de numéros de secours tenu par les admissions.",
    "Les résultats critiques sont transmis par téléphone au médecin, qui les recopie dans le dossier papier.",
    "Le cadre vérifie à chaque relève que les fiches navettes ont bien été remontées à la cellule de crise.",
    "Les étiquettes patient sont manuscrites : nom de naissance, prénom, date de naissance, numéro provisoire.",
    "Aucun poste suspect n'est éteint : il est débranché du réseau et signalé à la cellule sur la fiche prévue.",
    "La pharmacie délivre sur ordonnance papier ; les stupéfiants restent tracés sur le registre habituel.",
    "Au retour du système d'information, les saisies papier sont reprises par ordre chronologique.",
]


def procedure_body() -> str:
    blocks = []
    for title in (
        "Déclenchement",
        "Organisation",
        "Circuit du patient",
        "Prescriptions et résultats",
        "Traçabilité",
        "Retour à la normale",
    ):
        blocks.append(f"## {title}\n" + " ".join(random.choices(SENTENCES, k=4)))
        blocks.append("\n".join(f"- {s}" for s in random.choices(SENTENCES, k=3)))
    return "\n\n".join(blocks)


def seed(services: int, people: int, beds: int):
    from django.utils import timezone

    from comms.models import DirectoryEntry
    from continuity.models import Procedure, ProcedureVersion
    from crisis.models import Establishment, Service
    from crisis.services import service_named

    establishment = Establishment.objects.create(
        name="Centre hospitalier universitaire de banc d'essai", short_name="CHU-B"
    )
    named = {}

    def service(name: str) -> Service:
        if name not in named:
            named[name] = service_named(establishment=establishment, name=name)
        return named[name]

    now = timezone.now()
    procedures = Procedure.objects.bulk_create(
        Procedure(
            establishment=establishment,
            service=service(SERVICES[i % len(SERVICES)] + ("" if i < len(SERVICES) else f" {i}")),
            title=f"Fonctionnement sans DPI — {SERVICES[i % len(SERVICES)]}",
            owner=f"Dr {random.choice(LAST)}",
            status=Procedure.Status.PUBLISHED,
            version=random.randint(1, 5),
            validated_at=now,
            body=procedure_body(),
        )
        for i in range(services)
    )
    ProcedureVersion.objects.bulk_create(  # the published version of each, as it is in force
        ProcedureVersion(
            procedure=p,
            number=p.version,
            kind=p.kind,
            service_name=p.service.name,
            title=p.title,
            body=p.body,
            owner=p.owner,
            validated_at=now,
        )
        for p in procedures
    )
    DirectoryEntry.objects.bulk_create(
        DirectoryEntry(
            establishment=establishment,
            last_name=random.choice(LAST),
            first_name=random.choice(FIRST),
            function=random.choice(FUNCTIONS),
            service=service(random.choice(SERVICES)),
            direct_line=f"04 {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)}",
            mobile=""
            if random.random() < 0.3
            else f"06 {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)}",
            dect=str(random.randint(1000, 9999)),
            on_call=random.random() < 0.1,
        )
        for _ in range(people)
    )
    units = [
        Service.objects.create(
            establishment=establishment,
            name=f"{SERVICES[u]} — unité {u + 1}",
            has_beds=True,
            position=100 + u,
            location=f"Bâtiment {'ABCD'[u % 4]}, niveau {u % 5}",
        )
        for u in range(28)
    ]
    # The beds themselves (and their census) belong to the beds app, which seeds its own.
    assert units
    return establishment


from bench.kit_naive import cpu_seconds, run_naive, vmhwm_mb  # noqa: E402  (the naive baseline, (a))

# --- (b), (c) the kit through a real worker --------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(c) for c in children]
    return found


def start_worker(concurrency: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "-Q",
        f"{settings.CELERY_PRINT_QUEUE},{settings.CELERY_TASK_DEFAULT_QUEUE}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
    ]
    log = open(Path(settings.VAR_DIR) / "worker.log", "w")
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT
    )


def wait_done(job, timeout: float = 600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_pending:
            return job
        time.sleep(0.02)
    raise RuntimeError(f"job {job.pk} still {job.status}")


def _worker_cpu(worker) -> float:
    return sum(cpu_seconds(pid) for pid in [worker.pid, *_children(worker.pid)])


def timed_kit(establishment, worker) -> dict:
    from printing import services

    cpu, started = _worker_cpu(worker), time.perf_counter()
    job = wait_done(services.kit_build(establishment=establishment))
    seconds = time.perf_counter() - started
    if job.status != job.Status.DONE:
        raise RuntimeError(job.error)
    return {
        "seconds": seconds,
        "cpu_seconds": _worker_cpu(worker) - cpu,
        "pages": job.page_count,
        "parts_rendered": job.children.count(),
        "bytes": job.file.size,
        "job": job,
    }


def kit_sections(establishment, job) -> dict:
    """Pages per document of the kit just built, from its parts; the cover is what remains."""
    from printing.models import RenderedPart

    counts, seconds = {}, {}
    for document, pages, duration in RenderedPart.objects.filter(establishment=establishment).values_list(
        "document", "page_count", "duration"
    ):
        counts[document] = counts.get(document, 0) + pages
        seconds[document] = round(seconds.get(document, 0) + duration.total_seconds(), 2)
    return {"cover": job.page_count - sum(counts.values()), **counts}, seconds


# --- equal content -----------------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    """Every page's text in drawing order, running headers and footers left out, squeezed."""
    from pypdf import PdfReader

    try:
        pages = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        pages = pages.split("\f")
    except (OSError, subprocess.CalledProcessError):
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    running = re.compile(r"^(page \d+ / \d+|.*généré le .*|Centre hospitalier universitaire de banc d'essai · .*)$")
    return "".join(_squeeze(line) for page in pages for line in page.splitlines() if not running.match(line))


def content_facts(establishment) -> list[str]:
    """What the kit must print: every value of every directory entry, procedure and bed."""
    from django.utils.html import strip_tags

    from comms.models import DirectoryEntry
    from continuity.markdown import render_markdown
    from continuity.selectors import published_procedures

    facts = []
    for e in DirectoryEntry.objects.filter(establishment=establishment).select_related("service"):
        service = e.service.name if e.service else ""
        facts += [e.last_name.upper(), e.first_name, e.function, service, e.direct_line, e.mobile, e.dect]
    for v in published_procedures(establishment):
        facts += [v.title, v.owner]
        facts += strip_tags(render_markdown(v.body)).splitlines()
    return [f for f in map(_squeeze, facts) if f]


def run_content_check(facts: list[str], pdfs: dict[str, bytes]) -> dict:
    report = {"facts": len(facts)}
    for name, pdf in pdfs.items():
        text = pdf_text(pdf)
        missing = [f for f in facts if f not in text]
        report[name] = {"missing": len(missing), "examples": missing[:5]}
    return report


def warm_up_workers(establishment) -> None:
    """Both pool processes have loaded WeasyPrint (worker_process_init); one small job each proves they answer."""
    from printing import services
    from printing.models import RenderedPart

    for job in [
        services.print_job_request(establishment=establishment, by=None, document=name)
        for name in ("message_form", "signalement_form", "blank_rida", "blank_journal")
    ]:
        wait_done(job, timeout=120)
    for part in RenderedPart.objects.all():
        part.file.delete(save=False)
    RenderedPart.objects.all().delete()


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "—"


# The tiny run of bench/smoke.py (CI): every part of the script, on a size that takes seconds.
SMOKE_ARGS = ["--services", "3", "--people", "40", "--beds", "20", "--concurrency", "1"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=60)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--beds", type=int, default=700)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    establishment = seed(args.services, args.people, args.beds)
    print(f"Données : {args.services} procédures, {args.people} personnes, {args.beds} lits ; {os.cpu_count()} cœurs.")
    print(f"Charge de la machine au départ (loadavg 1/5/15 min) : {os.getloadavg()}")
    results, pdfs = {}, {}
    facts = content_facts(establishment)  # before (c) changes a procedure
    if not args.skip_naive:
        naive_pdf = Path(settings.VAR_DIR) / "naive.pdf"
        results["naive"] = run_naive(establishment, str(naive_pdf))
        pdfs["naive"] = naive_pdf.read_bytes()
        n = results["naive"]
        print(
            f"(a) naïf, un document, un processus : {n['seconds']:.1f} s ({n['cpu_seconds']:.1f} s CPU), "
            f"{n['pages']} pages {n['sections']}, pic mémoire {n['peak_mb']:.0f} Mo"
        )
    worker = start_worker(args.concurrency)
    try:
        warm_up_workers(establishment)
        cold = timed_kit(establishment, worker)
        cold["sections"], cold["part_seconds"] = kit_sections(establishment, cold["job"])
        pdfs["kit"] = cold.pop("job").file.read()
        results["cold"] = cold
        print(
            f"(b) kit à froid : {cold['seconds']:.1f} s ({cold['cpu_seconds']:.1f} s CPU sur les processus du worker), "
            f"{cold['pages']} pages {cold['sections']}, {cold['parts_rendered']} parties rendues"
        )
        print(f"    durée des parties par document (somme, s) : {cold['part_seconds']}")
        from continuity import services as continuity_services
        from continuity.models import Procedure

        procedure = Procedure.objects.filter(establishment=establishment).order_by("?").first()
        continuity_services.procedure_update(
            procedure=procedure,
            by=None,
            body=procedure.body + "\n\n## Mise à jour\nLe coursier passe désormais toutes les vingt minutes.",
        )
        continuity_services.procedure_publish(procedure=procedure, by=None)
        rebuild = timed_kit(establishment, worker)
        rebuild.pop("job")
        results["rebuild"] = rebuild
        print(
            f"(c) kit après une procédure modifiée : {rebuild['seconds']:.2f} s ({rebuild['cpu_seconds']:.2f} s CPU), "
            f"{rebuild['parts_rendered']} partie rendue"
        )
        processes = {worker.pid: "main"} | {pid: "pool" for pid in _children(worker.pid)}
        results["worker_peak_mb"] = {f"{role}-{pid}": round(vmhwm_mb(pid)) for pid, role in processes.items()}
        print(f"Pic mémoire (VmHWM) des processus du worker : {results['worker_peak_mb']} Mo")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for queue in (settings.CELERY_PRINT_QUEUE, settings.CELERY_TASK_DEFAULT_QUEUE):
            client.delete(queue, *client.keys(f"_kombu.binding*.{queue}"))
    print(f"Charge de la machine à la fin (loadavg) : {os.getloadavg()}")
    results["content"] = run_content_check(facts, pdfs)
    print(f"Contenu : {results['content']} (valeurs des données absentes du texte de chaque PDF)")
    if "naive" in results:
        n, c = results["naive"], results["cold"]
        print(
            f"Rapport à froid / naïf, même contenu : {_ratio(c['seconds'], n['seconds'])} en temps écoulé, "
            f"{_ratio(c['cpu_seconds'], n['cpu_seconds'])} en secondes CPU"
        )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "paper_kit.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    for name, pdf in pdfs.items():
        (out / f"paper_kit-{name}.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
