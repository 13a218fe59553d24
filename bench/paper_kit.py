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
import json
import multiprocessing
import os
import random
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
    from comms.models import DirectoryEntry
    from continuity.models import Bed, CareUnit, DegradedProcedure
    from crisis.models import Establishment

    establishment = Establishment.objects.create(
        name="Centre hospitalier universitaire de banc d'essai", short_name="CHU-B"
    )
    DegradedProcedure.objects.bulk_create(
        DegradedProcedure(
            establishment=establishment,
            service=SERVICES[i % len(SERVICES)] + ("" if i < len(SERVICES) else f" {i}"),
            title=f"Fonctionnement sans DPI — {SERVICES[i % len(SERVICES)]}",
            owner=f"Dr {random.choice(LAST)}",
            version=str(random.randint(1, 5)),
            body=procedure_body(),
        )
        for i in range(services)
    )
    DirectoryEntry.objects.bulk_create(
        DirectoryEntry(
            establishment=establishment,
            last_name=random.choice(LAST),
            first_name=random.choice(FIRST),
            function=random.choice(FUNCTIONS),
            service=random.choice(SERVICES),
            phone=f"04 {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)}",
            mobile=""
            if random.random() < 0.3
            else f"06 {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)} {random.randint(10, 99)}",
            bip=str(random.randint(1000, 9999)),
            on_call=random.random() < 0.1,
        )
        for _ in range(people)
    )
    units = [
        CareUnit.objects.create(
            establishment=establishment,
            name=f"{SERVICES[u]} — unité {u + 1}",
            position=u,
            location=f"Bâtiment {'ABCD'[u % 4]}, niveau {u % 5}",
        )
        for u in range(28)
    ]
    Bed.objects.bulk_create(
        Bed(unit=units[b % len(units)], label=f"{100 + b // 2}-{'AB'[b % 2]}", position=b) for b in range(beds)
    )
    return establishment


# --- (a) the naive baseline ---------------------------------------------------------------------

NAIVE_CSS = """
@page { size: A4; margin: 15mm; @bottom-right { content: "page " counter(page) " / " counter(pages); } }
body { font-family: "DejaVu Sans"; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #888; padding: 2px 4px; text-align: left; }
section { break-before: page; }
"""


def naive_html(establishment) -> str:
    """The same content, the straightforward way: one document, plain tables for every list."""
    from django.utils.html import escape

    from comms.models import DirectoryEntry
    from continuity.documents import _paragraphs
    from continuity.models import CareUnit, DegradedProcedure

    out = [f"<html><head><style>{NAIVE_CSS}</style></head><body><h1>Kit papier — {escape(establishment.name)}</h1>"]
    for p in DegradedProcedure.objects.filter(establishment=establishment):
        out.append(f"<section><h1>{escape(p.title)}</h1><p>Responsable : {escape(p.owner)} — version {p.version}</p>")
        for block in _paragraphs(p.body):
            if block["kind"] == "heading":
                out.append(f"<h3>{escape(block['text'])}</h3>")
            elif block["kind"] == "list":
                out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block["items"]) + "</ul>")
            else:
                out.append(f"<p>{escape(block['text'])}</p>")
        out.append("</section>")
    out.append(
        "<section><h1>Annuaire de crise</h1><table><thead><tr><th>Nom</th><th>Prénom</th><th>Fonction</th>"
        "<th>Service</th><th>Téléphone</th><th>Mobile</th><th>Bip</th><th>Astreinte</th></tr></thead><tbody>"
    )
    for e in DirectoryEntry.objects.filter(establishment=establishment).order_by("last_name", "first_name", "pk"):
        out.append(
            f"<tr><td>{escape(e.last_name.upper())}</td><td>{escape(e.first_name)}</td><td>{escape(e.function)}</td>"
            f"<td>{escape(e.service)}</td><td>{e.phone}</td><td>{e.mobile}</td><td>{e.bip}</td><td>{'oui' if e.on_call else ''}</td></tr>"
        )
    out.append("</tbody></table></section>")
    for unit in CareUnit.objects.filter(establishment=establishment).prefetch_related("beds"):
        out.append(
            f"<section><h1>Relevé des lits — {escape(unit.name)}</h1><table><thead><tr><th>Lit</th><th>Patient</th>"
            "<th>Né(e) le</th><th>N° de dossier</th><th>Entrée le</th><th>Mouvement</th><th>Observations</th></tr></thead><tbody>"
        )
        out.extend(f"<tr><td>{bed.label}</td>" + "<td>&nbsp;</td>" * 6 + "</tr>" for bed in unit.beds.all())
        out.append("</tbody></table></section>")
    for title, columns, rows in (
        ("Main courante — feuille vierge", ["Heure", "Émetteur", "Destinataire", "Canal", "Type", "Texte", "Visa"], 40),
        (
            "RIDA — relevé vierge",
            ["N°", "Point", "Thème", "I/D/A", "Libellé", "Porteur", "Échéance", "Statut", "Réponse"],
            20,
        ),
        ("Formulaire de message", ["Destinataire", "Émetteur", "Objet", "Date", "Heure", "Priorité"], 2),
        ("Fiche de signalement", ["Service", "Déclarant", "Constat", "Postes", "Impact", "Mesures"], 4),
    ):
        out.append(f"<section><h1>{title}</h1><table><tr>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>")
        out.extend("<tr>" + "<td>&nbsp;<br>&nbsp;</td>" * len(columns) + "</tr>" for _ in range(rows))
        out.append("</table></section>")
    out.append("</body></html>")
    return "".join(out)


def _naive_child(html: str, queue) -> None:
    from weasyprint import HTML

    HTML(string="<p>préchauffage</p>").write_pdf()  # start-up is not what we measure
    started = time.perf_counter()
    document = HTML(string=html).render()
    pdf = document.write_pdf()
    queue.put(
        {
            "seconds": time.perf_counter() - started,
            "pages": len(document.pages),
            "bytes": len(pdf),
            "peak_mb": _vmhwm_mb(os.getpid()),
        }
    )


def run_naive(establishment) -> dict:
    html = naive_html(establishment)
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=_naive_child, args=(html, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


# --- (b), (c) the kit through a real worker --------------------------------------------------------


def _vmhwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


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


def timed_kit(establishment) -> dict:
    from printing import services

    started = time.perf_counter()
    job = wait_done(services.kit_build(establishment=establishment))
    seconds = time.perf_counter() - started
    if job.status != job.Status.DONE:
        raise RuntimeError(job.error)
    return {"seconds": seconds, "pages": job.page_count, "parts_rendered": job.children.count(), "bytes": job.file.size}


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
    results = {}
    if not args.skip_naive:
        results["naive"] = run_naive(establishment)
        print(
            f"(a) naïf, un document, un processus : {results['naive']['seconds']:.1f} s, {results['naive']['pages']} pages, "
            f"pic mémoire {results['naive']['peak_mb']:.0f} Mo"
        )
    worker = start_worker(args.concurrency)
    try:
        warm_up_workers(establishment)
        results["cold"] = timed_kit(establishment)
        print(
            f"(b) kit à froid : {results['cold']['seconds']:.1f} s, {results['cold']['pages']} pages, "
            f"{results['cold']['parts_rendered']} parties rendues"
        )
        from continuity.models import DegradedProcedure

        procedure = DegradedProcedure.objects.filter(establishment=establishment).order_by("?").first()
        procedure.body += "\n\n## Mise à jour\nLe coursier passe désormais toutes les vingt minutes."
        procedure.version = str(int(procedure.version) + 1)
        procedure.save()
        results["rebuild"] = timed_kit(establishment)
        print(
            f"(c) kit après une procédure modifiée : {results['rebuild']['seconds']:.2f} s, "
            f"{results['rebuild']['parts_rendered']} partie rendue"
        )
        processes = {worker.pid: "main"} | {pid: "pool" for pid in _children(worker.pid)}
        results["worker_peak_mb"] = {f"{role}-{pid}": round(_vmhwm_mb(pid)) for pid, role in processes.items()}
        print(f"Pic mémoire (VmHWM) des processus du worker : {results['worker_peak_mb']} Mo")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for queue in (settings.CELERY_PRINT_QUEUE, settings.CELERY_TASK_DEFAULT_QUEUE):
            client.delete(queue, *client.keys(f"_kombu.binding*.{queue}"))
    if "naive" in results:
        print(f"Rapport à froid / naïf : {results['cold']['seconds'] / results['naive']['seconds']:.2f}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "paper_kit.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
