"""Demo consignes (manage.py seed_demo, when the app is installed): the pages show rows and their forms."""

from crisis.services import service_named

from . import services
from .models import Consigne

DEMO = (
    ("Urgences", "Dossiers papier : une fiche de passage par patient, numérotée."),
    ("Laboratoire", "Résultats critiques téléphonés au service, puis faxés."),
)


def seed_demo_data(*, establishment, users) -> None:
    for name, title in DEMO:
        if not Consigne.objects.filter(establishment=establishment, title=title).exists():
            services.consigne_create(
                establishment=establishment,
                by=users["directeur"],
                service=service_named(establishment=establishment, name=name),
                title=title,
            )
