"""Demo RIDA, points de situation and decisions of the ransomware night (idempotent: once per crisis)."""

from datetime import timedelta

from crisis import services
from crisis.models import Crisis, RidaLine

# (minutes after T0, kind, theme, text, owner username or service, due after (minutes), status, answer)
LINES = [
    (
        650,
        "action",
        "Téléphonie",
        "Installer des téléphones analogiques au standard et dans les deux sites coupés.",
        "logistique",
        240,
        "fait",
        "Six postes analogiques installés ; numéros affichés à l'accueil.",
    ),
    (
        655,
        "action",
        "Communication",
        "Flash info informatique papier dans tous les services (3 incidents majeurs, conduite à tenir).",
        "communication",
        1440,
        "fait",
        "Premier Flash info affiché et glissé sous les portes.",
    ),
    (
        660,
        "information",
        "Réglementaire",
        "Incident signalé au CERT Santé et à l'ARS sur le portail des signalements.",
        "rssi",
        None,
        "fait",
        "",
    ),
    (
        700,
        "action",
        "Laboratoire",
        "Étiquettes et bons de demande papier pour le laboratoire : imprimer le stock de secours.",
        "soins",
        180,
        "en_cours",
        "",
    ),
    (
        720,
        "action",
        "Réglementaire",
        "Notification à la CNIL dans les 72 h (violation de données possible).",
        "dpo",
        4080,
        "a_faire",
        "",
    ),
    (
        725,
        "action",
        "Juridique",
        "Dépôt de plainte auprès de la gendarmerie (délai de 72 h pour l'assurance cyber).",
        "directeur",
        4080,
        "a_faire",
        "",
    ),
    (
        780,
        "action",
        "Téléphonie",
        "Rétablir la téléphonie IP des deux sites isolés.",
        "Opérateur télécom",
        600,
        "en_cours",
        "",
    ),
    (
        1200,
        "action",
        "Familles",
        "Permanence téléphonique pour les familles : le standard ne passe plus les appels en chambre.",
        "Service des relations avec les usagers",
        120,
        "a_faire",
        "",
    ),
    (
        1320,
        "action",
        "Lits",
        "Cartographie des lits sur papier ; fiches navettes d'entrée et de sortie chaque matin.",
        "qualite",
        1440,
        "fait",
        "Carte des lits reconstruite, mise à jour à 8 h.",
    ),
    (
        1500,
        "information",
        "Imagerie",
        "La téléradiologie est inutilisable : les examens de nuit sont orientés vers le CH voisin.",
        "",
        None,
        "fait",
        "",
    ),
]


def seed_rida(crisis: Crisis, users: dict, t0, *, until) -> None:
    """The RIDA, meetings and decisions of the scenario up to `until`, each written at its own time."""
    from .seed import dated

    if RidaLine.objects.filter(crisis=crisis).exists():
        return
    at = lambda minutes: t0 + timedelta(minutes=minutes)  # noqa: E731
    past = lambda minutes: at(minutes) <= until  # noqa: E731
    scribe, director = users["qualite"], users["directeur"]
    with dated(at(600)):
        technical = services.meeting_create(
            crisis=crisis,
            by=scribe,
            kind="point_technique",
            title="Point technique quotidien",
            scheduled_at=at(1890),  # the next morning, 08:30
            chair=users["dsi"],
            attendees=[users["dsi"], users["rssi"], users["pris"], users["coordinateur"]],
            guests=["ANSSI", "ARS", "RSSI du GHT"],
            agenda_items=["État de l'investigation du PRIS", "Priorités de redémarrage"],
            repeats_daily=True,
        )
        cell = services.meeting_create(
            crisis=crisis,
            by=scribe,
            kind="cellule",
            scheduled_at=at(640),
            chair=director,
            attendees=[
                director,
                users["coordinateur"],
                users["secretaire"],
                users["qualite"],
                users["soins"],
                users["dsi"],
            ],
            guests=["ARS"],
        )
    if past(640):
        with dated(at(640)):
            services.meeting_start(meeting=cell, by=scribe, at=at(640))
    for minutes, kind, theme, text, owner, due, status, answer in LINES:
        if not past(minutes):
            break
        if minutes >= 677 and cell.started_at and cell.ended_at is None:  # 37 minutes: 7 over
            with dated(at(677)):
                services.meeting_end(meeting=cell, by=scribe, at=at(677))
        member = users.get(owner)
        with dated(at(minutes)):
            line = services.rida_create(
                crisis=crisis,
                by=scribe,
                kind=kind,
                theme=theme,
                text=text,
                owner=member,
                owner_other="" if member or not owner else owner,
                due_at=at(minutes + due) if due else None,
            )
        RidaLine.objects.filter(pk=line.pk).update(created_at=at(minutes))
        answered = minutes + min(due or 30, 90)
        if status != "a_faire" and past(answered):
            with dated(at(answered)):
                services.rida_update(line=line, by=scribe, status=status, answer=answer)
    _decisions(crisis, users, at, past)
    if past(1918):
        with dated(at(1890)):
            services.meeting_start(meeting=technical, by=users["dsi"], at=at(1890))
        with dated(at(1918)):
            services.meeting_end(meeting=technical, by=users["dsi"], at=at(1918))


def _decisions(crisis: Crisis, users: dict, at, past) -> None:
    from .seed import dated

    director = users["directeur"]

    def record(minutes, gate, **fields):
        if past(minutes):
            with dated(at(minutes)):
                services.decision_record(crisis=crisis, by=director, gate=gate, occurred_at=at(minutes), **fields)

    record(275, "coupure_reseau", details="Internet, cœur de réseau, sauvegardes et liens fibre coupés.")
    record(480, "activation_cellule")
    record(
        480,
        "urgences_fermees",
        reassess_at=at(1200),
        details="Fermeture pour 24 heures ; réévaluation toutes les 12 heures.",
    )
    record(
        490,
        "detournement_patients",
        pathway="Ambulances et SMUR",
        destination="CH voisin du GHT",
        ars_informed=True,
        samu_informed=True,
        details="L'ARS est sollicitée pour détourner les ambulances.",
    )
    record(510, "plan_blanc_declenche")
    record(1200, "urgences_fermees", reassess_at=at(1920))
    record(1920, "urgences_rouvertes", details="Circuit papier rodé ; réouverture avec renfort de brancardiers.")
