"""Demo data of continuity: degraded-mode procedures per service and the care units' beds.

Discovered by crisis.demo.seed (the core imports no other app); idempotent. Services and
units are the establishment's list (crisis.models.Service): the procedures' services are the
reference ones, the units are added to it with their beds.
"""

from datetime import date

from crisis.models import Service
from crisis.services import service_named

from .models import Bed, DegradedProcedure

# Services every establishment must cover (see the domain reference); owner, then the steps.
PROCEDURES = {
    "Urgences": (
        "Dr Martin, chef de service",
        [
            "Accueil et enregistrement sur la fiche d'admission papier (liasse numérotée) ; le numéro de liasse sert d'identifiant provisoire.",
            "- Tri par l'IOA sur la grille papier ; heure d'arrivée notée à la main.",
            "- Prescriptions sur ordonnance papier ; résultats de biologie portés par coursier toutes les 30 minutes.",
            "Réévaluer l'ouverture du service toutes les 12 heures avec la cellule de crise ; informer le SAMU de toute restriction.",
        ],
    ),
    "Admissions et accueil": (
        "Mme Petit, responsable des admissions",
        [
            "Admissions sur la fiche navette d'entrée (trois volets : service, admissions, cellule des lits).",
            "- Identité vérifiée sur pièce ; IPP provisoire attribué depuis le registre papier.",
            "- Les fiches sont remises chaque soir à la cellule de gestion des lits pour la mise à jour de la carte des lits.",
            "Conserver toutes les fiches : elles seront ressaisies à la reprise (prévoir la charge).",
        ],
    ),
    "Laboratoire": (
        "Dr Lemoine, biologiste",
        [
            "Demandes d'examens sur bon papier pré-imprimé ; étiquetage manuel des tubes avec le numéro de liasse.",
            "- Résultats critiques téléphonés au service et tracés sur le cahier de liaison.",
            "- Comptes rendus remis par coursier ; double conservé au laboratoire.",
        ],
    ),
    "Imagerie": (
        "Dr Roussel, radiologue",
        [
            "Sans RIS ni PACS : demandes papier, clichés gravés sur CD pour les avis urgents.",
            "- Téléradiologie indisponible : navette taxi vers le CHU partenaire pour les avis spécialisés.",
            "- Comptes rendus dictés puis manuscrits ; registre des examens tenu à la main.",
        ],
    ),
    "Pharmacie": (
        "Dr Carpentier, pharmacien",
        [
            "Dispensation sur ordonnance papier ; stock tenu sur fiches de stock.",
            "- Liste des traitements en cours par unité imprimée chaque jour tant que possible.",
            "- Stupéfiants : registre papier, double signature.",
        ],
    ),
    "Bloc opératoire et stérilisation": (
        "M. Henry, cadre de bloc",
        [
            "Programme opératoire imprimé la veille, mis à jour au tableau blanc ; check-list sécurité papier.",
            "- Traçabilité de la stérilisation sur étiquettes et registre papier.",
        ],
    ),
    "Radiothérapie et chimiothérapie": (
        "Dr Faure, oncologue",
        [
            "Suspendre les séances dont le plan de traitement n'est pas disponible hors réseau ; prévenir les patients par téléphone.",
            "- Chimiothérapies : protocoles imprimés, préparation sur fiche de fabrication papier.",
        ],
    ),
    "Maternité": (
        "Mme Blanc, sage-femme coordinatrice",
        [
            "Partogrammes papier ; déclarations de naissance sur imprimé, ressaisie différée.",
            "- Monitoring autonome, tracés conservés dans le dossier papier.",
        ],
    ),
    "Réanimation": (
        "Dr Guerin, réanimateur",
        [
            "Feuilles de surveillance papier toutes les heures ; prescriptions sur support papier signé.",
            "- Pousse-seringues et respirateurs fonctionnent hors réseau : vérifier les alarmes locales.",
        ],
    ),
    "Restauration": (
        "M. Lucas, responsable restauration",
        [
            "Commandes des repas par les services sur bon papier avant 10 h ; régimes notés sur le bon.",
        ],
    ),
    "Logistique et achats": (
        "M. Haddad, responsable logistique",
        [
            "Bons de commande papier numérotés ; réceptions tracées sur le cahier de quai.",
        ],
    ),
    "Finances, paie et facturation": (
        "Mme Noël, directrice financière",
        [
            "Paie : reconduire la paie du mois précédent si le logiciel est indisponible ; régulariser ensuite.",
            "- Facturation : conserver toutes les fiches d'actes ; prévoir la ressaisie (à 200 actes par jour, 40 000 actes font 200 jours).",
        ],
    ),
    "Standard téléphonique": (
        "Mme Robin, responsable du standard",
        [
            "Annuaire de crise papier au standard ; numéros de repli en cas de coupure de la téléphonie sur IP.",
            "- Message d'attente « incident informatique » ; les appels des familles sont orientés vers la cellule usagers.",
        ],
    ),
    "DSI": (
        "M. Girard, directeur du SI",
        [
            "Ne pas éteindre les machines touchées : les isoler du réseau. Couper internet, isoler le cœur de réseau, déconnecter les sauvegardes.",
            "- Alerter l'astreinte, le RSSI et la direction ; ouvrir la main courante.",
            "- Signaler sur le portail des incidents ou appeler le CERT Santé ; démarrer les délais CNIL et plainte.",
        ],
    ),
}

UNITS = [
    ("Médecine polyvalente", "MED", "Bât. A, 1er", 28),
    ("Cardiologie", "CAR", "Bât. A, 2e", 24),
    ("Chirurgie viscérale", "CHV", "Bât. B, 1er", 26),
    ("Orthopédie", "ORT", "Bât. B, 2e", 24),
    ("Pédiatrie", "PED", "Bât. C, RDC", 18),
    ("Maternité", "MAT", "Bât. C, 1er", 22),
    ("Réanimation", "REA", "Bât. A, RDC", 12),
    ("Gériatrie", "GER", "Bât. D", 30),
]


def seed_demo_data(*, establishment, users) -> None:
    for service, (owner, steps) in PROCEDURES.items():
        DegradedProcedure.objects.get_or_create(
            establishment=establishment,
            service=service_named(establishment=establishment, name=service),
            title=f"Fonctionnement en mode dégradé — {service.lower()}",
            defaults={
                "owner": owner,
                "version": "2",
                "reviewed_at": date(2026, 9, 15),
                "tested_at": date(2026, 6, 12),
                "body": "\n\n".join(steps),
            },
        )
    for position, (name, code, location, beds) in enumerate(UNITS):
        unit = service_named(establishment=establishment, name=name, kind=Service.Kind.CARE)
        Service.objects.filter(pk=unit.pk).update(has_beds=True, code=code, location=location)
        if not unit.beds.exists():
            Bed.objects.bulk_create(
                Bed(unit=unit, label=f"{100 * (position + 1) + n // 2}-{'AB'[n % 2]}", position=n) for n in range(beds)
            )
