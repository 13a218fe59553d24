from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from obligations import evidence


class Command(BaseCommand):
    help = (
        "Importe un dossier de preuves dans une base vide : les mêmes enregistrements, les mêmes identifiants, "
        "la même chaîne d'empreintes (vérifiée ensuite par verify_journal)."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="Le dossier de preuves (zip).")
        parser.add_argument("--key", action="append", default=[], help="Clé de la main courante (sinon JOURNAL_KEY).")

    def handle(self, *args, zip, key, **options):
        report = evidence.verify_zip(zip, keys=key)
        if report.changed or report.added or report.removed or report.signature != "valide":
            raise CommandError("Dossier de preuves altéré ou signé d'une autre clé : lancez verify_export.")
        crisis = evidence.import_zip(zip)
        call_command("verify_journal", crisis=crisis.pk, stdout=self.stdout)
        self.stdout.write(f"Crise {crisis.pk} « {crisis.title} » importée ; {crisis.journal_last_seq} entrées.")
