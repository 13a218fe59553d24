"""Create a SOC/EDR alert source for an establishment and print its token, once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crisis.models import Establishment
from tickets.services import alert_source_create


class Command(BaseCommand):
    help = "Crée une source d'alertes SOC/EDR pour un établissement (id ou nom court) et affiche son jeton, une seule fois."

    def add_arguments(self, parser):
        parser.add_argument("establishment", help="id ou nom court de l'établissement")
        parser.add_argument("name", help="nom de la source (le SOC, l'EDR)")

    def handle(self, *args, establishment: str, name: str, **options):
        found = Establishment.objects.filter(short_name=establishment).first()
        if found is None and establishment.isdigit():
            found = Establishment.objects.filter(pk=int(establishment)).first()
        if found is None:
            raise CommandError(f"Établissement inconnu : {establishment}")
        try:
            source, token = alert_source_create(establishment=found, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"Source « {source.name} » ({found.short_name}) créée ; jeton, affiché une seule fois : {token}"
        )
