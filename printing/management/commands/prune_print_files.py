from django.core.management.base import BaseCommand

from printing import services


class Command(BaseCommand):
    help = (
        "Supprime les fichiers d'impression plus anciens que PRINT_RETENTION_DAYS (sauf le dernier kit et "
        "la dernière copie hors ligne de chaque établissement) et les parties en cache inutilisées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="jours (défaut : PRINT_RETENTION_DAYS)")

    def handle(self, *args, days: int | None = None, **options):
        report = services.print_files_prune(days=days)
        self.stdout.write(f"Fichiers supprimés : {report.files}, parties supprimées : {report.parts}.")
