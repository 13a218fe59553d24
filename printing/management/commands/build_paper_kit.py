from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from crisis.models import Establishment
from printing import services


class Command(BaseCommand):
    help = "Demande le kit papier d'un établissement (nom court, FINESS ou identifiant) ; un worker le rend."

    def add_arguments(self, parser):
        parser.add_argument("establishment", help="nom court (CH-A), n° FINESS ou identifiant")

    def handle(self, *args, establishment: str, **options):
        lookup = Q(short_name__iexact=establishment) | Q(finess=establishment)
        if establishment.isdigit():
            lookup |= Q(pk=int(establishment))
        found = Establishment.objects.filter(lookup).first()
        if found is None:
            raise CommandError(f"Établissement inconnu : {establishment}")
        try:
            job = services.kit_build(establishment=found)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"Kit papier demandé pour {found.name} : impression n° {job.pk} ({job.get_status_display()})."
        )
