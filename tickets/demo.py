"""Demo signalements and SOC/EDR alerts (manage.py seed_demo calls seed_demo_after_crises once the
crises are replayed: the tickets belong to tonight's).

About a hundred tickets filed during tonight's crisis, from the 09:00 message to the services until
now (the hotline is saturated, then closed: the field files online, by phone, on paper), triaged by
the DSI, some merged as duplicates, the worst escalated to the RIDA; and a month of alerts from a
managed SOC and an EDR, most of them resolved or false positives, a few critical ones still waiting.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from crisis.demo.seed import dated
from crisis.models import Crisis, Service
from crisis.services import service_named

from . import services
from .models import Alert, AlertSource, Ticket

C = Ticket.Category
# service, category, application, what the field says, patient-safety impact
PROBLEMS = [
    ("Urgences", C.APPLICATION, "DPI", "Le dossier patient ne s'ouvre plus : écran blanc après la connexion.", True),
    (
        "Urgences",
        C.IMPRIMANTE,
        "",
        "Plus d'impression des étiquettes patients ni des bracelets d'identification.",
        True,
    ),
    ("Urgences", C.POSTE, "", "Message « All your files are encrypted » sur le poste de l'accueil.", False),
    ("Laboratoire", C.APPLICATION, "SIL", "Le logiciel du laboratoire ne répond plus : résultats bloqués.", True),
    ("Laboratoire", C.BIOMEDICAL, "", "L'automate d'hématologie n'envoie plus ses résultats.", True),
    ("Imagerie", C.APPLICATION, "PACS", "Téléradiologie inutilisable : les images ne partent plus.", True),
    ("Imagerie", C.APPLICATION, "PACS", "Impossible d'afficher les examens antérieurs.", False),
    ("Pharmacie", C.APPLICATION, "Logiciel de pharmacie", "Plus d'accès aux prescriptions informatisées.", True),
    ("Pharmacie", C.LOGISTIQUE, "", "Besoin de bons de commande papier et d'un fax.", False),
    ("Réanimation", C.BIOMEDICAL, "", "La centrale de surveillance n'affiche plus deux lits.", True),
    ("Réanimation", C.APPLICATION, "DPI", "Prescriptions du jour inaccessibles, plans de soins à recopier.", True),
    ("Maternité", C.TELEPHONIE, "", "Les familles ne joignent plus les chambres par le standard.", False),
    (
        "Bloc opératoire et stérilisation",
        C.APPLICATION,
        "Logiciel de bloc",
        "Programme opératoire de demain introuvable.",
        True,
    ),
    (
        "Bloc opératoire et stérilisation",
        C.IMPRIMANTE,
        "",
        "Imprimante de traçabilité de la stérilisation hors service.",
        False,
    ),
    (
        "Admissions et accueil",
        C.APPLICATION,
        "Gestion administrative des patients",
        "Impossible de créer un séjour : file d'attente au guichet.",
        False,
    ),
    ("Admissions et accueil", C.ACCES, "", "Mot de passe refusé après la réinitialisation générale.", False),
    ("Standard téléphonique", C.TELEPHONIE, "", "Deux sites en téléphonie sur IP coupés du monde.", False),
    ("Standard téléphonique", C.TELEPHONIE, "", "DECT des équipes de nuit sans tonalité.", True),
    (
        "Finances, paie et facturation",
        C.APPLICATION,
        "Paie",
        "Répertoire partagé chiffré : fichiers de paie illisibles.",
        False,
    ),
    ("Logistique et achats", C.RESEAU, "", "Plus d'accès internet pour les commandes fournisseurs.", False),
    ("Restauration", C.POSTE, "", "Le poste de prise de commandes des repas ne démarre plus.", False),
    (
        "Radiothérapie et chimiothérapie",
        C.APPLICATION,
        "Logiciel de chimiothérapie",
        "Protocoles de chimiothérapie inaccessibles.",
        True,
    ),
    ("Urgences", C.ACCES, "", "Compte bloqué : impossible de se connecter au poste de tri.", True),
    ("Laboratoire", C.RESEAU, "", "Lien avec le CHU partenaire coupé : les envois d'analyses échouent.", False),
    ("DSI", C.AUTRE, "", "Demande de liste des postes à débrancher, étage par étage.", False),
]
NAMES = [
    "Inès Martin, IDE",
    "Paul Durand, cadre",
    "Dr Léa Bernard",
    "Hugo Petit, manipulateur",
    "Emma Robert, AS",
    "Lucas Richard, technicien",
    "Chloé Moreau, secrétaire",
    "Dr Nathan Simon",
    "Manon Laurent, IDE",
    "Jules Michel, préparateur",
    "Sarah Garcia, sage-femme",
    "Adam Lefebvre, ASH",
    "Camille David, IBODE",
]
CHANNELS = (
    [Ticket.Channel.TELEPHONE] * 4
    + [Ticket.Channel.FORMULAIRE] * 4
    + [Ticket.Channel.PAPIER] * 2
    + [Ticket.Channel.PASSAGE]
)
HOSTS = [
    f"PC-{unit}-{n:02d}" for unit in ("URG", "LAB", "IMG", "PHA", "ADM", "REA", "MAT", "FIN") for n in (1, 4, 7, 12)
]
SERVERS = ["SRV-DPI-01", "SRV-AD-02", "SRV-FIC-01", "SRV-PACS-01", "SRV-SAUV-01"]
ALERT_TITLES = [
    ("basse", "Connexion RDP inhabituelle"),
    ("info", "Mise à jour de signature antivirus en échec"),
    ("moyenne", "PowerShell encodé lancé par un utilisateur"),
    ("moyenne", "Outil d'administration à distance détecté"),
    ("haute", "Tentatives d'authentification en rafale sur un compte à privilèges"),
    ("haute", "Désactivation de l'antivirus"),
    ("critique", "Chiffrement massif de fichiers"),
    ("critique", "Suppression des clichés instantanés (vssadmin)"),
]


def seed_demo_after_crises(*, establishment, users) -> None:
    rng = random.Random(17)
    crisis = Crisis.objects.filter(establishment=establishment, closed_at__isnull=True, is_exercise=False).first()
    if crisis is not None and not Ticket.objects.filter(establishment=establishment).exists():
        _tickets(establishment, crisis, users, rng)
    if not AlertSource.objects.filter(establishment=establishment).exists():
        _alerts(establishment, users, rng)


def _service(establishment, name: str) -> Service:
    return service_named(establishment=establishment, name=name)


def _tickets(establishment, crisis, users, rng) -> None:
    """From T0 + 9 h (the message to the services) until now, the pace of a saturated hotline."""
    now = timezone.now()
    start = crisis.detected_at + timedelta(hours=5)
    span = (now - start).total_seconds()
    times = sorted(start + timedelta(seconds=rng.uniform(0, span * 0.97)) for _ in range(100))
    tickets = []
    for at in times:
        service, category, application, text, safety = rng.choice(PROBLEMS)
        priority = 1 if safety and rng.random() < 0.35 else (2 if safety else rng.choice((3, 3, 4)))
        with dated(at):
            tickets.append(
                services.ticket_create(
                    establishment=establishment,
                    by=users["secretaire"],
                    crisis=crisis,
                    reporter_name=rng.choice(NAMES),
                    reporter_service=service,
                    reporter_phone=str(rng.randint(4000, 4999)),
                    channel=rng.choice(CHANNELS),
                    service=_service(establishment, service),
                    category=category,
                    application_name=application,
                    description=text,
                    patient_safety=safety,
                    priority=priority,
                    created_at=at,
                )
            )
    _triage(tickets, users, rng, now)


def _triage(tickets, users, rng, now) -> None:
    dsi, director = users["dsi"], users["directeur"]
    first_of = {}
    for ticket in tickets:
        key = (ticket.category, ticket.description)
        at = min(ticket.created_at + timedelta(minutes=rng.randint(5, 40)), now)
        with dated(at):
            if key in first_of and rng.random() < 0.5:  # the same problem again: a duplicate
                services.ticket_merge(ticket=ticket, into=first_of[key], by=dsi)
                continue
            first_of.setdefault(key, ticket)
            if ticket.created_at > now - timedelta(minutes=45):
                continue  # the freshest stay new
            track = Ticket.Track.FONCTIONNELLE if ticket.category == Ticket.Category.APPLICATION else ticket.track
            services.ticket_update(ticket=ticket, by=dsi, status=Ticket.Status.QUALIFIE, track=track)
            if rng.random() < 0.6:
                services.ticket_update(ticket=ticket, by=dsi, status=Ticket.Status.EN_COURS, assigned_to=dsi)
    escalated = [t for t in first_of.values() if t.priority == 1 and t.merged_into_id is None][:6]
    for ticket in escalated:
        with dated(min(ticket.created_at + timedelta(minutes=50), now)):
            services.ticket_escalate(ticket=ticket, by=director)
    answers = {
        Ticket.Category.IMPRIMANTE: "Étiquettes et bracelets manuscrits ; imprimantes remises en service une à une.",
        Ticket.Category.TELEPHONIE: "Téléphonie de secours : postes analogiques et liste des numéros distribuée.",
        Ticket.Category.ACCES: "Comptes réinitialisés par la DSI au poste de crise, en présentiel.",
        Ticket.Category.POSTE: "Poste débranché du réseau et étiqueté ; il sera réinstallé par le PRIS.",
        Ticket.Category.LOGISTIQUE: "Formulaires papier et classeurs livrés au service par la logistique.",
        Ticket.Category.RESEAU: "Coupure volontaire (endiguement) : pas de rétablissement avant l'avis du PRIS.",
    }
    for ticket in first_of.values():
        ticket.refresh_from_db()
        answer = answers.get(ticket.category)
        if answer and ticket.status in (Ticket.Status.QUALIFIE, Ticket.Status.EN_COURS) and rng.random() < 0.8:
            with dated(min(ticket.created_at + timedelta(hours=2), now)):
                services.ticket_update(ticket=ticket, by=dsi, answer=answer, status=Ticket.Status.RESOLU)


def _alerts(establishment, users, rng) -> None:
    """A month of alerts (about 500 resolved a month at a 680-bed hospital), a few critical ones untaken."""
    soc, _token = services.alert_source_create(establishment=establishment, name="SOC managé")
    edr, _token = services.alert_source_create(establishment=establishment, name="EDR")
    now = timezone.now()
    rssi = users["rssi"]
    for n in range(520):
        detected = now - timedelta(minutes=rng.randint(30, 30 * 24 * 60))
        severity, title = rng.choices(ALERT_TITLES, weights=(30, 25, 15, 10, 8, 6, 3, 3))[0]
        host = rng.choice(SERVERS if severity in ("critique", "haute") and rng.random() < 0.4 else HOSTS)
        with transaction.atomic():
            alert, _new = services.alert_ingest(
                source=rng.choice((soc, edr)),
                external_id=f"DEMO-{n:04d}",
                severity=severity,
                title=title,
                detected_at=detected,
                host=host,
                user=rng.choice(("", "svc_backup", "jdupont", "mmartin", "admin.local")),
                payload={"rule": title, "score": rng.randint(40, 100)},
            )
            Alert.objects.filter(pk=alert.pk).update(received_at=detected + timedelta(seconds=rng.randint(5, 90)))
            outcome = rng.random()
            closing = detected + timedelta(minutes=rng.randint(10, 600))
            if closing > now - timedelta(hours=2):
                continue  # the latest ones are still waiting
            with dated(closing):
                if outcome < 0.35:
                    services.alert_update(alert=alert, by=rssi, status=Alert.Status.FAUX_POSITIF)
                else:
                    services.alert_update(alert=alert, by=rssi, status=Alert.Status.EN_ANALYSE)
                    if severity == "critique":
                        services.alert_isolate_host(alert=alert, by=rssi)
                    services.alert_update(alert=alert, by=rssi, status=Alert.Status.RESOLUE)
    with transaction.atomic():
        services.alert_ingest(
            source=edr,
            external_id="DEMO-LIVE-1",
            severity=Alert.Severity.CRITIQUE,
            title="Relance de chiffrement sur un poste local",
            detected_at=now - timedelta(minutes=12),
            host="PC-ADM-04",
            user="mmartin",
            payload={"rule": "ransomware.behaviour", "files": 312},
        )
