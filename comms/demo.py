"""Demo data of comms: the crisis directory. Discovered by crisis.demo.seed; idempotent.

Services are named as in the establishment's list (crisis.models.Service); a partner has none."""

from crisis.services import service_named

from .models import DirectoryEntry

# last name, first name, function, service, phone, mobile, bip, on call
PEOPLE = [
    ("STANDARD", "", "Standard (numéro de repli analogique)", "Standard téléphonique", "04 90 00 10 00", "", "", True),
    ("ASTREINTE DSI", "", "Ingénieur d'astreinte", "DSI", "04 90 00 12 99", "06 70 00 12 99", "", True),
    ("ADMINISTRATEUR DE GARDE", "", "Direction de garde", "Direction", "04 90 00 10 01", "06 70 00 10 01", "", True),
    ("Martin", "Paul", "Chef de service", "Urgences", "04 90 00 11 10", "06 70 11 11 10", "110", True),
    ("Lemoine", "Claire", "Biologiste", "Laboratoire", "04 90 00 11 20", "06 70 11 11 20", "120", True),
    ("Roussel", "Éric", "Radiologue", "Imagerie", "04 90 00 11 30", "", "130", False),
    ("Carpentier", "Inès", "Pharmacienne", "Pharmacie", "04 90 00 11 40", "", "140", True),
    ("Henry", "Louis", "Cadre de bloc", "Bloc opératoire et stérilisation", "04 90 00 11 50", "", "150", False),
    ("Blanc", "Marie", "Sage-femme coordinatrice", "Maternité", "04 90 00 11 60", "", "160", True),
    ("Guerin", "Antoine", "Réanimateur", "Réanimation", "04 90 00 11 70", "06 70 11 11 70", "170", True),
    ("Robin", "Sylvie", "Responsable du standard", "Standard téléphonique", "04 90 00 10 02", "", "", False),
    ("CERT SANTÉ", "", "Signalement et appui (ANS)", "", "09 72 43 91 25", "", "", False),
    ("ARS", "", "Point focal régional", "", "04 13 55 80 00", "", "", True),
]


def seed_demo_data(*, establishment, users) -> None:
    def service(name: str):
        return service_named(establishment=establishment, name=name, kind="administratif") if name else None

    cell = service("Cellule de crise")
    for last, first, function, service_name, phone, mobile, bip, on_call in PEOPLE:
        DirectoryEntry.objects.get_or_create(
            establishment=establishment,
            last_name=last,
            first_name=first,
            defaults={
                "function": function,
                "service": service(service_name),
                "phone": phone,
                "mobile": mobile,
                "bip": bip,
                "on_call": on_call,
            },
        )
    for user in users.values():
        membership = user.memberships.get(establishment=establishment)
        DirectoryEntry.objects.get_or_create(
            establishment=establishment,
            last_name=user.last_name,
            first_name=user.first_name,
            defaults={
                "function": membership.position,
                "service": cell,
                "phone": f"04 90 00 13 {10 + user.pk % 90:02d}",
                "mobile": f"06 71 00 13 {10 + user.pk % 90:02d}",
            },
        )
