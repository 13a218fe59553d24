"""Demo data of continuity: the application map of a French hospital, a published procedure for each of
the 14 reference services (administrative ones included), the first-hours ransomware reflex sheet, a
re-entry backlog, and tonight's demo crisis with applications down and workarounds.

Discovered by crisis.demo.seed (the core imports no other app); idempotent. The map, procedures and
backlog come before the crises are replayed (seed_demo_data), tonight's statuses after (seed_demo_after_crises).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from crisis.models import Crisis
from crisis.services import service_named

from . import catalogue, services
from .models import Application, ApplicationStatus, Procedure, ReentryKind, Workaround

DEMO_CRISIS_TITLE = "Rançongiciel de nuit"  # crisis.demo.seed's tonight crisis

APP, INFRA = Application.Kind.APPLICATION, Application.Kind.INFRASTRUCTURE
SITE, GHT, EXT = Application.Hosting.ON_SITE, Application.Hosting.GHT, Application.Hosting.EXTERNAL
VITAL, HIGH, MEDIUM, LOW = (
    Application.Criticality.VITAL,
    Application.Criticality.HIGH,
    Application.Criticality.MEDIUM,
    Application.Criticality.LOW,
)

# name, kind, vendor, purpose, hosting, criticality, priority, RTO h, RPO h, services, depends on
APPLICATIONS = [
    ("Cœur de réseau", INFRA, "Cisco", "Commutateurs du cœur de réseau et liens entre bâtiments", SITE, VITAL, 1, 4, 0, [], []),
    ("Pare-feu et accès internet", INFRA, "Stormshield", "Filtrage, VPN des astreintes, liens GHT", SITE, VITAL, 1, 4, 0, [], ["Cœur de réseau"]),
    ("Virtualisation et stockage (SAN)", INFRA, "VMware / NetApp", "Hyperviseurs et baies de stockage", SITE, VITAL, 1, 8, 4, [], ["Cœur de réseau"]),
    ("Active Directory", INFRA, "Microsoft", "Annuaire, comptes et authentification", SITE, VITAL, 1, 8, 24, [], ["Cœur de réseau", "Virtualisation et stockage (SAN)"]),
    ("Serveur SQL 1", INFRA, "Microsoft", "Bases du DPI, de la pharmacie et du RIS", SITE, VITAL, 1, 8, 4, [], ["Virtualisation et stockage (SAN)", "Active Directory"]),
    ("Serveur SQL 2", INFRA, "Microsoft", "Bases de la GAM, du laboratoire et de la facturation", SITE, VITAL, 1, 8, 4, [], ["Virtualisation et stockage (SAN)", "Active Directory"]),
    ("Sauvegardes", INFRA, "Veeam", "Sauvegardes quotidiennes, copie hors ligne hebdomadaire", SITE, HIGH, 1, 24, 24, ["DSI"], ["Virtualisation et stockage (SAN)"]),
    ("Moteur d'interfaces (EAI)", INFRA, "Enovacom", "Flux HL7 entre GAM, DPI, laboratoire et imagerie", SITE, HIGH, 2, 12, 4, [], ["Serveur SQL 2"]),
    ("Téléphonie sur IP", INFRA, "Alcatel-Lucent", "Postes fixes, DECT et standard", SITE, VITAL, 1, 4, 24, ["Standard téléphonique"], ["Cœur de réseau"]),
    ("Messagerie", APP, "Microsoft Exchange", "Courriel du personnel", SITE, HIGH, 3, 24, 24, ["DSI"], ["Active Directory", "Pare-feu et accès internet"]),
    ("GAM — admissions", APP, "Maincare", "Identités, venues, mouvements des patients", SITE, VITAL, 1, 8, 4, ["Admissions et accueil", "Urgences"], ["Serveur SQL 2", "Active Directory"]),
    ("DPI — dossier patient", APP, "Dedalus", "Dossier patient, prescriptions, plan de soins", SITE, VITAL, 1, 8, 4, ["Urgences", "Réanimation", "Maternité", "Bloc opératoire et stérilisation"], ["Serveur SQL 1", "Active Directory", "Moteur d'interfaces (EAI)", "GAM — admissions"]),
    ("Logiciel des urgences", APP, "Dedalus", "Accueil, tri IOA, dossier de passage", SITE, VITAL, 1, 4, 4, ["Urgences"], ["DPI — dossier patient", "GAM — admissions"]),
    ("SIL — laboratoire", APP, "Inovie", "Demandes, automates, résultats de biologie", SITE, VITAL, 1, 8, 4, ["Laboratoire"], ["Serveur SQL 2", "Moteur d'interfaces (EAI)", "GAM — admissions"]),
    ("PACS", APP, "Philips", "Archivage et diffusion des images", GHT, HIGH, 2, 24, 24, ["Imagerie"], ["Virtualisation et stockage (SAN)", "Active Directory"]),
    ("RIS — imagerie", APP, "Xplore", "Rendez-vous, comptes rendus d'imagerie", SITE, HIGH, 2, 24, 8, ["Imagerie"], ["Serveur SQL 1", "Moteur d'interfaces (EAI)", "PACS"]),
    ("Circuit du médicament", APP, "Computer Engineering", "Dispensation, stocks, préparations", SITE, HIGH, 2, 12, 4, ["Pharmacie"], ["Serveur SQL 1", "DPI — dossier patient"]),
    ("Planification du bloc", APP, "Dedalus", "Programme opératoire et traçabilité", SITE, HIGH, 2, 12, 8, ["Bloc opératoire et stérilisation"], ["DPI — dossier patient"]),
    ("Traçabilité de la stérilisation", APP, "Sterigest", "Cycles, compositions, traçabilité des DM", SITE, MEDIUM, 3, 48, 24, ["Bloc opératoire et stérilisation"], ["Serveur SQL 1"]),
    ("Radiothérapie (TPS et R&V)", APP, "Elekta", "Plans de traitement et contrôle des séances", EXT, HIGH, 2, 24, 24, ["Radiothérapie et chimiothérapie"], ["Pare-feu et accès internet", "Active Directory"]),
    ("Dossier périnatal", APP, "Dedalus", "Suivi de grossesse et partogramme", SITE, HIGH, 2, 12, 8, ["Maternité"], ["DPI — dossier patient"]),
    ("Facturation et PMSI", APP, "Maincare", "Facturation des séjours et des actes", SITE, MEDIUM, 3, 72, 24, ["Finances, paie et facturation"], ["GAM — admissions", "Serveur SQL 2"]),
    ("Paie et ressources humaines", APP, "Cegedim", "Paie, dossiers des agents, plannings", GHT, MEDIUM, 3, 120, 24, ["Finances, paie et facturation"], ["Serveur SQL 2", "Active Directory"]),
    ("Gestion économique et financière", APP, "Magh2", "Commandes, factures fournisseurs, comptabilité", GHT, MEDIUM, 4, 120, 24, ["Logistique et achats", "Finances, paie et facturation"], ["Serveur SQL 2", "Active Directory"]),
    ("Commandes de repas", APP, "Datameal", "Commandes et régimes des repas", SITE, LOW, 4, 72, 24, ["Restauration"], ["GAM — admissions"]),
    ("Intranet et gestion documentaire", APP, "Ennov", "Procédures qualité, annuaire interne", SITE, LOW, 4, 168, 24, [], ["Active Directory"]),
]  # fmt: skip

# service: owner, applications whose outage triggers it, steps (Markdown), forms, re-entry
PROCEDURES = {
    "Urgences": ("Dr Martin, chef de service", ["Logiciel des urgences", "DPI — dossier patient"], [
        "Accueil et enregistrement sur la **fiche d'admission papier** (liasse numérotée) ; le numéro de liasse sert d'identifiant provisoire.",
        "Tri par l'IOA sur la grille papier ; heure d'arrivée notée à la main.",
        "Prescriptions sur ordonnance papier ; résultats de biologie portés par coursier toutes les 30 minutes.",
        "Réévaluer l'ouverture du service toutes les 12 heures avec la cellule de crise ; informer le SAMU de toute restriction.",
    ], "Fiche d'admission en liasse numérotée ; grille de tri IOA ; ordonnances", "Dossiers de passage, actes CCAM et NGAP"),
    "Admissions et accueil": ("Mme Petit, responsable des admissions", ["GAM — admissions"], [
        "Admissions sur la **fiche navette** d'entrée (trois volets : service, admissions, cellule des lits).",
        "Identité vérifiée sur pièce ; IPP provisoire attribué depuis le registre papier.",
        "Les fiches sont remises chaque soir à la cellule de gestion des lits.",
    ], "Fiche navette ; registre des IPP provisoires", "Venues et mouvements (rapprochement des IPP provisoires)"),
    "Laboratoire": ("Dr Lemoine, biologiste", ["SIL — laboratoire"], [
        "Demandes d'examens sur bon papier pré-imprimé ; étiquetage manuel des tubes avec le numéro de liasse.",
        "Résultats critiques téléphonés au service et tracés sur le cahier de liaison.",
        "Comptes rendus remis par coursier ; double conservé au laboratoire.",
    ], "Bons de demande ; cahier de liaison", "Demandes et résultats"),
    "Imagerie": ("Dr Roussel, radiologue", ["PACS", "RIS — imagerie"], [
        "Sans RIS ni PACS : demandes papier, clichés gravés sur CD pour les avis urgents.",
        "Téléradiologie indisponible : navette taxi vers le CHU partenaire pour les avis spécialisés.",
        "Comptes rendus dictés puis manuscrits ; registre des examens tenu à la main.",
    ], "Bons de demande ; registre des examens", "Comptes rendus et cotations"),
    "Pharmacie": ("Dr Carpentier, pharmacien", ["Circuit du médicament"], [
        "Dispensation sur ordonnance papier ; stock tenu sur fiches de stock.",
        "Liste des traitements en cours par unité imprimée chaque jour tant que possible.",
        "Stupéfiants : registre papier, double signature.",
    ], "Fiches de stock ; registre des stupéfiants", "Dispensations et mouvements de stock"),
    "Bloc opératoire et stérilisation": ("M. Henry, cadre de bloc", ["Planification du bloc", "Traçabilité de la stérilisation"], [
        "Programme opératoire imprimé la veille, mis à jour au tableau blanc ; check-list sécurité papier.",
        "Traçabilité de la stérilisation sur étiquettes et registre papier.",
    ], "Check-list HAS ; registre de stérilisation", "Traçabilité des dispositifs médicaux"),
    "Radiothérapie et chimiothérapie": ("Dr Faure, oncologue", ["Radiothérapie (TPS et R&V)"], [
        "Suspendre les séances dont le plan de traitement n'est pas disponible hors réseau ; prévenir les patients par téléphone.",
        "Chimiothérapies : protocoles imprimés, préparation sur fiche de fabrication papier.",
    ], "Fiches de fabrication", "Séances et préparations"),
    "Maternité": ("Mme Blanc, sage-femme coordinatrice", ["Dossier périnatal"], [
        "Partogrammes papier ; déclarations de naissance sur imprimé, ressaisie différée.",
        "Monitoring autonome, tracés conservés dans le dossier papier.",
    ], "Partogramme ; déclaration de naissance", "Naissances et séjours"),
    "Réanimation": ("Dr Guerin, réanimateur", ["DPI — dossier patient"], [
        "Feuilles de surveillance papier toutes les heures ; prescriptions sur support papier signé.",
        "Pousse-seringues et respirateurs fonctionnent hors réseau : vérifier les alarmes locales.",
    ], "Feuille de surveillance de 24 h", "Prescriptions et surveillances"),
    "Restauration": ("M. Lucas, responsable restauration", ["Commandes de repas"], [
        "Commandes des repas par les services sur bon papier avant 10 h ; régimes notés sur le bon.",
    ], "Bon de commande des repas", "Aucune"),
    "Logistique et achats": ("M. Haddad, responsable logistique", ["Gestion économique et financière"], [
        "Bons de commande papier numérotés ; réceptions tracées sur le cahier de quai.",
    ], "Bons de commande numérotés ; cahier de quai", "Commandes et réceptions"),
    "Finances, paie et facturation": ("Mme Noël, directrice financière", ["Facturation et PMSI", "Paie et ressources humaines"], [
        "Paie : reconduire la paie du mois précédent si le logiciel est indisponible ; régulariser ensuite.",
        "Facturation : conserver toutes les fiches d'actes, classées par jour et par service.",
        "Prévoir la ressaisie : à 200 actes par jour, 40 000 actes font 200 jours ouvrés.",
    ], "Fiches d'actes ; état de paie du mois précédent", "Actes de facturation, éléments variables de paie"),
    "Standard téléphonique": ("Mme Robin, responsable du standard", ["Téléphonie sur IP"], [
        "Annuaire de crise papier au standard ; numéros de repli en cas de coupure de la téléphonie sur IP.",
        "Message d'attente « incident informatique » ; les appels des familles vont à la cellule usagers.",
    ], "Annuaire de crise imprimé", "Aucune"),
    "DSI": ("M. Girard, directeur du SI", ["Active Directory", "Cœur de réseau"], [
        "Appliquer la fiche réflexe « rançongiciel : les premières heures ».",
        "Tenir le tableau de situation des applications et le plan de redémarrage à jour pour la cellule.",
        "Ne redémarrer une application qu'après l'accord du RSSI et du PRIS (sauvegarde saine vérifiée).",
    ], "Tableau de situation imprimé", "Tickets traités sur papier"),
}  # fmt: skip


def _body(steps: list[str], forms: str, reentry: str, owner: str) -> str:
    numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
    return (
        f"## Déclenchement\nPanne d'une des applications listées ci-dessus, constatée par le service ou annoncée "
        f"par la cellule de crise.\n\n## Rôles\n- Responsable : {owner}\n- Suppléant : le cadre de garde\n\n"
        f"## Étapes\n{numbered}\n\n## Formulaires papier utilisés\n{forms}.\n\n"
        f"## Retour à la normale\nSur décision de la cellule de crise, après vérification de l'application par la DSI.\n\n"
        f"## Ressaisie après la crise\n{reentry}.\n\n## Contacts\n- Cellule de crise : poste 5000\n- DSI (astreinte) : poste 4444\n"
    )


def _applications(establishment, by) -> dict[str, Application]:
    existing = {a.name: a for a in Application.objects.filter(establishment=establishment)}
    for name, kind, vendor, purpose, hosting, criticality, priority, rto, rpo, used_by, _deps in APPLICATIONS:
        if name in existing:
            continue
        existing[name] = services.application_create(
            establishment=establishment,
            by=by,
            name=name,
            kind=kind,
            vendor=vendor,
            purpose=purpose,
            hosting=hosting,
            criticality=criticality,
            priority=priority,
            rto_hours=rto,
            rpo_hours=rpo,
            backup_verified_at=date(2026, 10, 2) if priority <= 2 else None,
            backup_verified_by="M. Girard" if priority <= 2 else "",
            services=[service_named(establishment=establishment, name=s) for s in used_by],
        )
    for name, *_rest, deps in APPLICATIONS:
        application = existing[name]
        if deps and not application.depends_on.exists():
            services.application_update(application=application, by=by, depends_on=[existing[d] for d in deps])
    return existing


def _procedures(establishment, by, applications) -> None:
    for service_name, (owner, triggers, steps, forms, reentry) in PROCEDURES.items():
        service = service_named(establishment=establishment, name=service_name)
        title = f"Fonctionnement en mode dégradé — {service_name.lower()}"
        if Procedure.objects.filter(establishment=establishment, service=service, title=title).exists():
            continue
        procedure = services.procedure_create(
            establishment=establishment,
            by=by,
            service=service,
            title=title,
            body=_body(steps, forms, reentry, owner),
            owner=owner,
            tested_at=date(2026, 6, 12),
            trigger_applications=[applications[t] for t in triggers],
        )
        services.procedure_publish(procedure=procedure, by=by, review_due=date(2027, 9, 15))
    dsi = service_named(establishment=establishment, name="DSI")
    if not Procedure.objects.filter(establishment=establishment, title=catalogue.RANSOMWARE_TITLE).exists():
        sheet = services.procedure_create(
            establishment=establishment,
            by=by,
            service=dsi,
            kind=Procedure.Kind.REFLEX,
            title=catalogue.RANSOMWARE_TITLE,
            body=catalogue.RANSOMWARE_SHEET,
            owner="M. Girard, directeur du SI ; Mme Morel, RSSI",
            tested_at=date(2026, 3, 20),
            trigger_applications=[applications["Active Directory"]],
        )
        services.procedure_publish(procedure=sheet, by=by, review_due=date(2026, 11, 30))  # overdue: flagged


def _reentry(establishment, by) -> None:
    if ReentryKind.objects.filter(establishment=establishment).exists():
        return
    today = timezone.localdate()
    for kind, total, per_day in (
        ("Actes de facturation", 40_000, 200),
        ("Comptes rendus d'imagerie", 3_200, 150),
        ("Prescriptions et administrations", 12_500, 600),
    ):
        row = services.reentry_kind_create(establishment=establishment, by=by, kind=kind, total=total)
        for back in range(1, 6):
            services.reentry_record(reentry=row, by=by, day=today - timedelta(days=back), count=per_day)


DOWN_TONIGHT = {
    "Active Directory": (ApplicationStatus.Status.DOWN, "Contrôleurs de domaine chiffrés ; reconstruction en cours."),
    "Serveur SQL 1": (ApplicationStatus.Status.DOWN, "Isolé ; intégrité des bases à vérifier par le PRIS."),
    "Serveur SQL 2": (ApplicationStatus.Status.DEGRADED, "Bases intactes, accès coupés par précaution."),
    "DPI — dossier patient": (ApplicationStatus.Status.DOWN, "Indisponible : dossiers papier."),
    "GAM — admissions": (ApplicationStatus.Status.DOWN, "Admissions sur fiches navettes."),
    "SIL — laboratoire": (ApplicationStatus.Status.DOWN, "Automates en autonome, résultats papier."),
    "PACS": (ApplicationStatus.Status.DEGRADED, "Consultation locale seulement, pas de diffusion."),
    "Messagerie": (ApplicationStatus.Status.DOWN, "Clé 4G et webmail de secours pour la cellule."),
    "Pare-feu et accès internet": (ApplicationStatus.Status.DOWN, "Internet coupé volontairement à 03:20."),
    "Cœur de réseau": (ApplicationStatus.Status.UP, "Isolé des partenaires, fonctionnel en interne."),
    "Téléphonie sur IP": (ApplicationStatus.Status.UP, ""),
}

WORKAROUNDS = [
    ("Imagerie", "PACS", "Navette taxi portant les CD d'imagerie vers le CHU partenaire, deux fois par jour.", Decimal("180")),
    ("DSI", "Messagerie", "Clé 4G et webmail de secours pour la cellule de crise.", Decimal("45")),
    ("Laboratoire", "SIL — laboratoire", "Coursiers entre le laboratoire et les services toutes les 30 minutes.", None),
]  # fmt: skip


def _crisis_situation(crisis, by) -> None:
    applications = {a.name: a for a in Application.objects.filter(establishment_id=crisis.establishment_id)}
    if ApplicationStatus.objects.filter(crisis=crisis).exists() or not applications:
        return
    for name, (status, comment) in DOWN_TONIGHT.items():
        if name in applications:
            services.application_status_set(
                crisis=crisis, application=applications[name], by=by, status=status, comment=comment
            )
    if not Workaround.objects.filter(crisis=crisis).exists():
        for service, application, description, cost in WORKAROUNDS:
            services.workaround_create(
                crisis=crisis,
                by=by,
                service=service_named(establishment=crisis.establishment, name=service),
                application=applications.get(application),
                description=description,
                cost=cost,
            )


def seed_demo_data(*, establishment, users) -> None:
    by = users["dsi"] if "dsi" in users else next(iter(users.values()))
    publisher = users.get("directeur", by)
    applications = _applications(establishment, by)
    _procedures(establishment, publisher, applications)
    _reentry(establishment, by)


def seed_demo_after_crises(*, establishment, users) -> None:
    """Tonight's crisis, once crisis.demo.seed has replayed it: applications down, workarounds."""
    crisis = Crisis.objects.filter(establishment=establishment, title=DEMO_CRISIS_TITLE, closed_at=None).first()
    if crisis is not None:
        _crisis_situation(crisis, users["dsi"] if "dsi" in users else next(iter(users.values())))
