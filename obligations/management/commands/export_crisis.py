from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crisis.models import Crisis
from obligations import evidence


class Command(BaseCommand):
    help = (
        "Construit le dossier de preuves d'une crise (zip : main courante PDF et JSON avec sa chaîne et sa "
        "vérification, RIDA, points, décisions, obligations, coûts, données des applications installées, pièces "
        "jointes, manifeste SHA-256 signé avec la clé de la main courante)."
    )

    def add_arguments(self, parser):
        parser.add_argument("crisis", type=int, help="Id de la crise.")
        parser.add_argument("--output", "-o", help="Fichier zip à écrire (défaut : dossier-de-preuves-<id>.zip).")
        parser.add_argument(
            "--patient-data",
            action="store_true",
            help="Inclure les mouvements de patients (à réserver à qui a le droit de voir les données des patients).",
        )
        parser.add_argument("--without-pdf", action="store_true", help="Sans les PDF (données et manifeste seuls).")

    def handle(self, *args, crisis, output=None, patient_data=False, without_pdf=False, **options):
        found = Crisis.objects.select_related("establishment").filter(pk=crisis).first()
        if found is None:
            raise CommandError(f"Crise {crisis} inconnue.")
        content = evidence.evidence_zip(found, include_patient_data=patient_data, with_pdfs=not without_pdf)
        path = Path(output or f"dossier-de-preuves-{found.pk}.zip")
        path.write_bytes(content)
        self.stdout.write(f"Dossier de preuves écrit : {path} ({len(content) // 1024} Ko).")
