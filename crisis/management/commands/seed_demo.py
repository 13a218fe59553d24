from django.conf import settings
from django.core.management.base import BaseCommand

from crisis.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Crée (ou met à jour) l'établissement de démonstration, un compte par rôle et la crise rejouée."

    def handle(self, *args, **options):
        result = seed_demo(password=settings.DEMO_PASSWORD)
        created = ", ".join(result["created"]) or "aucune nouvelle crise"
        self.stdout.write(
            f"Démo prête ({result['establishment'].short_name}) : {len(result['users'])} comptes ; {created}."
        )
