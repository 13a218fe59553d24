from django.core.management.base import BaseCommand, CommandError

from obligations import evidence


class Command(BaseCommand):
    help = (
        "Vérifie hors ligne un dossier de preuves : chaque fichier contre le manifeste (fichier modifié, ajouté ou "
        "retiré nommé), la signature du manifeste et la chaîne de la main courante (avec la clé)."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="Le dossier de preuves (zip).")
        parser.add_argument(
            "--key", action="append", default=[], help="Clé de la main courante (sinon JOURNAL_KEY) ; répétable."
        )

    def handle(self, *args, zip, key, **options):
        try:
            report = evidence.verify_zip(zip, keys=key)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Dossier illisible : {exc}") from None
        problems = [f"fichier modifié : {name}" for name in report.changed]
        problems += [f"fichier ajouté : {name}" for name in report.added]
        problems += [f"fichier retiré : {name}" for name in report.removed]
        if report.signature != "valide":
            problems.append(f"signature du manifeste {report.signature}")
        if not report.chain.startswith("intègre"):
            problems.append(f"chaîne de la main courante {report.chain}")
        if problems:
            raise CommandError("Dossier de preuves altéré — " + " ; ".join(problems))
        self.stdout.write(
            f"Dossier de preuves intègre : {report.files} fichiers conformes au manifeste, signature valide, "
            f"chaîne {report.chain}."
        )
