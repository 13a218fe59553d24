from django.core.management.base import BaseCommand, CommandError

from crisis.models import Crisis
from crisis.services import journal_verify_attachments, journal_verify_chain


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes de la main courante de chaque crise et les pièces jointes ; "
        "échoue en nommant la première entrée altérée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--crisis", type=int, help="Ne vérifier que cette crise (id).")

    def handle(self, *args, crisis=None, **options):
        crises = Crisis.objects.order_by("pk")
        if crisis is not None:
            crises = crises.filter(pk=crisis)
        broken = []
        for item in crises:
            entry = journal_verify_chain(item)
            if entry is not None:
                broken.append(f"crise {item.pk} « {item.title} » : entrée n° {entry.seq} altérée ou manquante")
            entry = journal_verify_attachments(item)
            if entry is not None:
                broken.append(
                    f"crise {item.pk} « {item.title} » : pièce jointe de l'entrée n° {entry.seq} altérée ou manquante"
                )
        if broken:
            raise CommandError("Main courante altérée — " + " ; ".join(broken))
        self.stdout.write(f"Main courante intègre : {crises.count()} crise(s) vérifiée(s).")
