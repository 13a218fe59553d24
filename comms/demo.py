"""Demo data of comms: a crisis directory of a few hundred staff, external contacts by category, and for the
night's crisis a call list, two Flash info issues, messages from the templates and the contacts log.
Discovered by crisis.demo.seed; idempotent.

The crisis directory is seeded with the establishment; the crisis's own data once the night's crisis
exists (the core seeds the apps before it replays the night: a one-shot signal waits for it)."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from crisis.models import Crisis, Service
from crisis.services import service_named

from . import services, sms
from .models import CallList, ContactLogEntry, DirectoryEntry, FlashInfo, Message

LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux David "
    "Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Müller Lefebvre Faure André "
    "Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin "
    "Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour "
    "Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier "
    "Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte López Jean Dupuy "
    "Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury "
    "Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard "
    "Baron Bertin Bailly Hervé Schneider Fernandez Collet Léger Bouvier Julien Prévost Millet Perrot "
    "Daniel Cousin Germain Breton Besson Langlois Rémy Pelletier Lévêque Perrier Leblanc Barré "
    "Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin "
    "Poulain Tessier Chevallier Collin Chauvin Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud "
    "Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte "
    "Benali Haddad Nguyen Diallo Traoré Kaci Mansouri"
).split(" ")
LAST_NAMES += ["Le Gall", "Le Roux", "Le Goff", "Da Silva", "Ben Amor", "De La Fontaine", "N'Diaye", "Saint-Martin"]
FIRST_NAMES = (
    "Marie Nathalie Isabelle Sylvie Catherine Sandrine Christine Valérie Céline Stéphanie Aurélie Émilie Julie "
    "Camille Léa Manon Chloé Inès Sarah Laura Élodie Audrey Caroline Virginie Hélène Agnès Françoise Mélanie "
    "Jean Pierre Philippe Nicolas Christophe Stéphane Laurent Frédéric Julien Sébastien Thomas Antoine Maxime "
    "Alexandre Mathieu Romain Kévin Hugo Lucas Olivier François Éric Yannick Rachid Mehdi Karim Sofiane Jérôme"
).split()
FUNCTIONS = {
    "soins": [
        ("Infirmier", "Infirmière"),
        ("Aide-soignant", "Aide-soignante"),
        ("Cadre de santé", "Cadre de santé"),
        ("Médecin", "Médecin"),
        ("Interne", "Interne"),
        ("Praticien hospitalier", "Praticienne hospitalière"),
    ],
    "medicotechnique": [
        ("Technicien de laboratoire", "Technicienne de laboratoire"),
        ("Biologiste", "Biologiste"),
        ("Manipulateur radio", "Manipulatrice radio"),
        ("Radiologue", "Radiologue"),
        ("Préparateur en pharmacie", "Préparatrice en pharmacie"),
        ("Pharmacien", "Pharmacienne"),
        ("Infirmier de bloc", "Infirmière de bloc"),
        ("Cadre de santé", "Cadre de santé"),
    ],
    "support": [
        ("Agent de logistique", "Agente de logistique"),
        ("Technicien", "Technicienne"),
        ("Standardiste", "Standardiste"),
        ("Responsable d'équipe", "Responsable d'équipe"),
        ("Ingénieur système", "Ingénieure système"),
        ("Technicien réseau", "Technicienne réseau"),
    ],
    "administratif": [
        ("Agent administratif", "Agente administrative"),
        ("Adjoint des cadres", "Adjointe des cadres"),
        ("Chargé d'accueil", "Chargée d'accueil"),
        ("Responsable de service", "Responsable de service"),
    ],
}
FEMALE = set(
    "Marie Nathalie Isabelle Sylvie Catherine Sandrine Christine Valérie Céline Stéphanie Aurélie Émilie Julie "
    "Camille Léa Manon Chloé Inès Sarah Laura Élodie Audrey Caroline Virginie Hélène Agnès Françoise Mélanie".split()
)

# Cell roles held by the demo's console users (username → role, deputy's username)
CELL = {
    "directeur": ("Directeur de crise", "coordinateur"),
    "coordinateur": ("Coordination / situation", "directeur"),
    "secretaire": ("Secrétariat de main courante", "qualite"),
    "communication": ("Communication (porte-parole)", "directeur"),
    "soins": ("Direction des soins", "qualite"),
    "qualite": ("Qualité - gestion des risques", "secretaire"),
    "logistique": ("Logistique", "coordinateur"),
    "dsi": ("DSI", "rssi"),
    "rssi": ("RSSI", "dsi"),
    "dpo": ("DPO", "qualite"),
}

# category, organisation, name, function, call for, direct line, mobile
EXTERNAL = [
    (
        "cert_sante",
        "CERT Santé (ANS)",
        "Permanence",
        "Cellule d'appui",
        "Signaler l'incident, demander un appui technique",
        "09 72 43 91 25",
        "",
    ),
    (
        "anssi",
        "ANSSI — CERT-FR",
        "Permanence opérationnelle",
        "",
        "Incident majeur, avis avant reconnexion à internet",
        "01 71 75 84 68",
        "",
    ),
    (
        "ars",
        "ARS Provence-Alpes-Côte d'Azur",
        "Point focal régional",
        "Veille et alerte",
        "Déclarer l'incident, déprogrammations, délestage",
        "04 13 55 80 00",
        "06 80 00 13 55",
    ),
    (
        "ars",
        "ARS — délégation départementale",
        "Duclos",
        "Référent sécurité des SI",
        "Suivi quotidien de la crise",
        "04 13 55 81 20",
        "06 80 00 13 20",
    ),
    (
        "cnil",
        "CNIL",
        "Service des plaintes et notifications",
        "",
        "Notification de violation de données (72 h)",
        "01 53 73 22 22",
        "",
    ),
    (
        "pris",
        "Orange Cyberdefense (PRIS)",
        "Astreinte CSIRT",
        "Chef de projet réponse à incident",
        "Investigation, endiguement, reconstruction",
        "01 57 36 00 00",
        "06 11 22 33 44",
    ),
    (
        "assureur",
        "Relyens",
        "Déclaration de sinistre cyber",
        "Gestionnaire de sinistres",
        "Déclarer le sinistre (contrat n° CY-2025-0418)",
        "02 40 00 50 50",
        "",
    ),
    (
        "hebergeur",
        "Hébergeur de données de santé du DPI",
        "Support niveau 2",
        "",
        "Couper / rétablir la liaison, état des sauvegardes",
        "04 78 00 12 12",
        "06 45 00 12 12",
    ),
    (
        "hebergeur",
        "Opérateur télécom (liens fibre)",
        "Centre de supervision",
        "",
        "Couper les liens vers les partenaires",
        "0 800 00 14 14",
        "",
    ),
    (
        "ght",
        "CH d'Arles (GHT)",
        "Administrateur de garde",
        "",
        "Transferts de patients, examens de biologie",
        "04 90 49 29 29",
        "",
    ),
    (
        "ght",
        "CHU de Nîmes (établissement support)",
        "RSSI du GHT",
        "",
        "Coordination sécurité du GHT",
        "04 66 68 68 68",
        "06 12 00 68 68",
    ),
    (
        "fournisseur",
        "Éditeur du DPI",
        "Hotline",
        "",
        "Mode dégradé du dossier patient, restauration",
        "04 72 00 30 30",
        "",
    ),
    (
        "fournisseur",
        "Mainteneur biomédical",
        "Astreinte",
        "",
        "Automates de laboratoire et imagerie",
        "04 90 00 44 44",
        "06 07 00 44 44",
    ),
    (
        "police",
        "Gendarmerie — section de recherches (C3N)",
        "Permanence",
        "",
        "Dépôt de plainte (72 h pour l'assurance)",
        "04 90 00 17 17",
        "",
    ),
    ("police", "Commissariat d'Avignon", "Accueil", "", "Sécurisation du site", "04 90 16 81 00", ""),
    (
        "prefecture",
        "Préfecture de Vaucluse — SIDPC",
        "Permanence",
        "",
        "Plan ORSAN, communication de crise",
        "04 88 17 80 00",
        "",
    ),
    ("samu", "SAMU 84", "Régulation", "", "Orientation des patients, délestage des urgences", "04 90 00 15 15", ""),
    (
        "presse",
        "La Provence",
        "Rédaction d'Avignon",
        "Journaliste",
        "Tout appel de journaliste : au porte-parole",
        "04 90 00 20 20",
        "",
    ),
    (
        "presse",
        "France 3 Provence-Alpes",
        "Rédaction",
        "",
        "Tout appel de journaliste : au porte-parole",
        "04 91 00 30 30",
        "",
    ),
]


def _people(establishment) -> list[dict]:
    rng = random.Random(18)
    people = []
    used = set()
    today = date.today()
    for service in Service.objects.filter(establishment=establishment, is_active=True).order_by("position", "name"):
        count = 30 if service.kind == "soins" else 18
        functions = FUNCTIONS.get(service.kind, FUNCTIONS["administratif"])
        for i in range(count):
            while True:
                last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
                if (last, first) not in used:
                    used.add((last, first))
                    break
            male, female = functions[0] if i == 0 and service.kind == "soins" else rng.choice(functions)
            if i == 0:
                male, female = "Chef de service", "Cheffe de service"
            people.append(
                {
                    "last_name": last,
                    "first_name": first,
                    "function": female if first in FEMALE else male,
                    "service": service,
                    "extension": f"{service.position + 1:02d}{i:02d}",
                    "dect": f"6{service.position + 1:02d}{i:02d}" if rng.random() < 0.6 else "",
                    "direct_line": f"04 90 00 {20 + service.position:02d} {i + 10:02d}" if i < 4 else "",
                    "mobile": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                    if rng.random() < 0.8
                    else "",
                    "on_call": i < 2,
                    "on_call_rota": "semaines paires" if i == 0 else ("semaines impaires" if i == 1 else ""),
                    # Most were checked this year; a few are stale (over six months) and flagged.
                    "checked_at": today - timedelta(days=rng.choice([12, 40, 95, 150, 210, 400])),
                }
            )
    return people


@transaction.atomic
def seed_directory(establishment, users) -> None:
    if DirectoryEntry.objects.filter(establishment=establishment).exists():
        return
    by = users.get("secretaire")
    bulk = [DirectoryEntry(establishment=establishment, **p) for p in _people(establishment)]
    for entry in bulk:
        entry.derive()
    DirectoryEntry.objects.bulk_create(bulk)
    cell = service_named(establishment=establishment, name="Cellule de crise", kind="administratif")
    holders = {}
    for username, user in users.items():
        membership = user.memberships.get(establishment=establishment)
        role = CELL.get(username, ("", ""))[0]
        holders[username] = services.entry_create(
            establishment=establishment,
            by=by,
            last_name=user.last_name,
            first_name=user.first_name,
            function=membership.position,
            service=cell if role else None,
            extension=f"13{10 + user.pk % 90:02d}",
            dect=f"613{10 + user.pk % 90:02d}",
            mobile=f"06 71 00 13 {10 + user.pk % 90:02d}",
            crisis_role=role,
            is_external=username in ("observateur", "pris"),
            organisation={"observateur": "ARS", "pris": "PRIS"}.get(username, ""),
            category={"observateur": "ars", "pris": "pris"}.get(username, ""),
            checked_at=date.today() - timedelta(days=20),
        )
        DirectoryEntry.objects.filter(pk=holders[username].pk).update(user=user)
    for username, (_role, deputy) in CELL.items():
        if username in holders and deputy in holders:
            DirectoryEntry.objects.filter(pk=holders[username].pk).update(deputy=holders[deputy])
    for category, organisation, name, function, call_for, line, mobile in EXTERNAL:
        services.entry_create(
            establishment=establishment,
            by=by,
            last_name=name,
            function=function,
            organisation=organisation,
            category=category,
            is_external=True,
            call_for=call_for,
            direct_line=line,
            mobile=mobile,
            checked_at=date.today() - timedelta(days=60),
        )
    standard = service_named(establishment=establishment, name="Standard téléphonique")
    services.entry_create(
        establishment=establishment,
        by=by,
        last_name="STANDARD",
        function="Numéro de repli analogique",
        service=standard,
        direct_line="04 90 00 10 00",
        on_call=True,
        checked_at=date.today() - timedelta(days=5),
    )


def seed_crisis(crisis: Crisis, users) -> None:
    """The night's call list, two Flash info issues, messages and the contacts log."""
    if CallList.objects.filter(crisis=crisis).exists():
        return
    establishment = crisis.establishment
    secretary, director, comms = users["secretaire"], users["directeur"], users["communication"]
    urgences = Service.objects.get(establishment=establishment, name="Urgences")
    people = list(
        DirectoryEntry.objects.filter(establishment=establishment, service=urgences).order_by("sort_name")[:12]
    )
    recall = services.call_list_create(
        crisis=crisis,
        by=secretary,
        title="Rappel du personnel des urgences",
        message="CH Avignon : rappel du personnel des urgences suite à incident informatique. Pouvez-vous venir ? "
        "Répondez OUI + délai (ex. OUI 20 min) ou NON.",
        people=people,
    )
    outcomes = ["vient", "joint", "pas_de_reponse", "message_laisse", "vient"]
    for call, outcome in zip(recall.calls.order_by("position"), outcomes, strict=False):
        call.call_list = recall
        services.call_record(call=call, by=secretary, outcome=outcome, arrival="30 min" if outcome == "vient" else "")
    cell_people = list(DirectoryEntry.objects.filter(establishment=establishment).exclude(crisis_role="")[:10])
    services.call_list_create(
        crisis=crisis, by=secretary, title="Activation de la cellule de crise", people=cell_people
    )

    first = services.flash_create(
        crisis=crisis,
        by=comms,
        headline="Attaque informatique : l'hôpital fonctionne en mode dégradé",
        incidents=[
            {
                "title": "Dossier patient informatisé inaccessible",
                "answer": "Prescriptions et transmissions sur papier (classeurs rouges dans chaque service).",
            },
            {
                "title": "Résultats de laboratoire non transmis",
                "answer": "Résultats imprimés au laboratoire, coursier toutes les 30 minutes.",
            },
            {
                "title": "Téléphonie IP coupée dans le bâtiment B",
                "answer": "Utiliser les DECT et le standard de repli au 04 90 00 10 00.",
            },
        ],
        still_down="Messagerie, dossier patient, imagerie (PACS), facturation.",
        zoom="Urgences : accueil sur fiches papier, un numéro provisoire par patient, régulation avec le SAMU 84.",
        zoom_service=urgences,
    )
    services.flash_publish(flash=first, by=director)
    services.flash_create(
        crisis=crisis,
        by=comms,
        headline="Point du lendemain",
        restored="Téléphonie IP du bâtiment B.",
        still_down="Messagerie, dossier patient, imagerie (PACS).",
    )

    templates = {t.kind: t for t in services.templates_of(establishment)}
    note = services.message_create(
        crisis=crisis,
        by=comms,
        template=templates["note_personnel"],
        values={
            "etablissement": "CH d'Avignon",
            "date_debut": timezone.localdate().strftime("%d/%m/%Y"),
            "numero_signalement": "poste 1299 (astreinte DSI)",
            "prochain_point": "demain 8 h, par Flash info",
        },
    )
    services.message_approve(message=note, by=director)
    units = list(Service.objects.filter(establishment=establishment, is_active=True)[:6])
    services.message_publish(message=note, by=director, channel="papier", units=units)
    first_ack = note.acknowledgements.first()
    first_ack.message = note
    services.acknowledge(acknowledgement=first_ack, by=comms, by_name="Cadre de nuit")
    services.message_create(
        crisis=crisis, by=comms, template=templates["declaration_attente"], values={"etablissement": "CH d'Avignon"}
    )

    for who, organisation, category, topic, answer in [
        (
            "Permanence",
            "CERT Santé",
            "cert_sante",
            "Signalement de l'incident",
            "Signalement fait sur le portail ; appui proposé.",
        ),
        ("Mme Duclos", "ARS", "ars", "Point de situation", "Urgences ouvertes, délestage partiel vers Arles."),
        (
            "Journaliste",
            "La Provence",
            "presse",
            "Rumeur de fuite de données",
            "Orienté vers la porte-parole ; déclaration d'attente lue.",
        ),
    ]:
        services.contact_log_create(
            crisis=crisis,
            by=comms,
            who=who,
            organisation=organisation,
            category=category,
            topic=topic,
            answer=answer,
            handled_by=comms,
            direction=ContactLogEntry.Direction.IN,
        )
    assert FlashInfo.objects.filter(crisis=crisis).count() == 2 and Message.objects.filter(crisis=crisis).exists()


def seed_demo_data(*, establishment, users) -> None:
    seed_directory(establishment, users)
    sms.ensure_spool()  # the SMS gateway on Gammu's dummy driver (docs/comms-sms.md)


def seed_demo_after_crises(*, establishment, users) -> None:
    """Tonight's call lists, Flash info, messages and contacts, once the night is replayed (and its tickets seeded)."""
    from crisis.demo.seed import DEMO_CRISIS_TITLE

    night = Crisis.objects.filter(establishment=establishment, title=DEMO_CRISIS_TITLE).first()
    if night is not None:
        seed_crisis(night, users)
