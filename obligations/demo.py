"""Demo obligations, costs and a RETEX draft (manage.py seed_demo, once the demo crises exist): the night's crisis has its clocks running,
most obligations done with their references, the CNIL notification still pending; last month's crisis is closed
with its RETEX being written."""

from datetime import timedelta
from decimal import Decimal

from crisis.models import Crisis

from . import services
from .models import Cost, Kind, Obligation

NIGHT = "Rançongiciel de nuit"
PAST = "Rançongiciel du mois dernier"

# (kind, minutes after detection, reference, notes)
NIGHT_DONE = (
    (Kind.SIGNALEMENT_PORTAIL, 150, "SIG-2026-004512", "Signalé par téléphone à CERT Santé puis saisi sur le portail."),
    (Kind.ARS, 160, "", "Astreinte ARS prévenue par téléphone (Dr Lemoine)."),
    (Kind.RSSI_GHT, 95, "", "RSSI du GHT prévenu ; liens inter-établissements coupés de son côté."),
    (Kind.PRIS, 300, "Bon de commande 2026-PRIS-17", "PRIS engagé via le marché UGAP ; arrivée sur site à 11 h."),
    (Kind.PLAINTE, 420, "PV 2026/00871", "Plainte déposée à la gendarmerie ; récépissé scanné à joindre."),
)

COSTS = (
    ("assistance", "18500.00", 0, "Prestataire PRIS", "2026-PRIS-17", "assureur", "Intervention PRIS, 5 jours"),
    ("heures_sup", "7240.00", 1, "", "", "", "Heures supplémentaires DSI et standard"),
    ("materiel", "3120.00", 0, "Fournisseur informatique", "FA-2026-118", "assureur", "Postes de secours et clés 4G"),
    ("recrutements", "4800.00", 2, "Agence d'intérim", "INT-7781", "ars", "Intérim secrétariat médical"),
)

RETEX = {
    "lived": (
        "Chiffrement des serveurs du laboratoire à 03 h ; coupure d'internet et isolement du cœur de réseau. "
        "Urgences en mode dégradé papier, hotline saturée au matin, 1 000 agents à prévenir sans messagerie."
    ),
    "first_measures": (
        "Cellule de crise ouverte à 06 h 30, main courante tenue dès l'ouverture. Procédures dégradées des "
        "urgences et du laboratoire appliquées ; Flash info imprimés et affichés dans les services."
    ),
    "back_to_normal": "",
    "status": "",
    "lessons": "L'annuaire de crise papier n'était pas à jour : l'imprimer chaque mois.",
}


def _done(crisis, users, kind, minutes, reference, notes):
    obligation = Obligation.objects.get(crisis=crisis, kind=kind)
    if obligation.status != Obligation.Status.A_FAIRE:
        return
    obligation.crisis = crisis
    services.obligation_update(
        obligation=obligation,
        by=users["directeur"],
        status=Obligation.Status.FAIT,
        done_at=crisis.detected_at + timedelta(minutes=minutes),
        reference=reference,
        notes=notes,
    )


def seed_demo_after_crises(*, establishment, users) -> None:
    """After the demo crises exist (crisis.demo.seed)."""
    night = Crisis.objects.filter(establishment=establishment, title=NIGHT).first()
    if night is not None and night.is_open:
        services.obligations_ensure(night)
        for kind, minutes, reference, notes in NIGHT_DONE:
            _done(night, users, kind, minutes, reference, notes)
        if not Cost.objects.filter(crisis=night).exists():
            for category, amount, days, supplier, reference, covered_by, label in COSTS:
                services.cost_create(
                    crisis=night,
                    by=users["directeur"],
                    category=category,
                    amount=Decimal(amount),
                    date=(night.detected_at + timedelta(days=days)).date(),
                    supplier=supplier,
                    reference=reference,
                    covered_by=covered_by,
                    label=label,
                )
    past = Crisis.objects.filter(establishment=establishment, title=PAST).first()
    if past is not None:
        retex = services.retex_of(past)
        if not any(getattr(retex, name) for name in retex.SECTIONS):
            services.retex_update(crisis=past, by=users["directeur"], **RETEX)
