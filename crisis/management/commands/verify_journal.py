from django.core.management.base import BaseCommand, CommandError

from crisis.models import Crisis
from crisis.services import journal_anchor_seq, journal_verify_attachments, journal_verify_chain


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes (HMAC avec la clé JOURNAL_KEY) de la main courante de chaque crise "
        "et les pièces jointes ; avec --head, vérifie aussi qu'une empreinte imprimée (l'ancre papier de la "
        "dernière page) figure dans la chaîne. Échoue en nommant la première entrée altérée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--crisis", type=int, help="Ne vérifier que cette crise (id).")
        parser.add_argument(
            "--head",
            help="Empreinte de tête imprimée sur la main courante papier (complète, ou ses 16 premiers caractères).",
        )

    def handle(self, *args, crisis=None, head=None, **options):
        crises = Crisis.objects.order_by("pk")
        if crisis is not None:
            crises = crises.filter(pk=crisis)
        broken, anchored = [], []
        for item in crises:
            entry = journal_verify_chain(item)
            if entry is not None:
                broken.append(f"crise {item.pk} « {item.title} » : entrée n° {entry.seq} altérée ou manquante")
            entry = journal_verify_attachments(item)
            if entry is not None:
                broken.append(
                    f"crise {item.pk} « {item.title} » : pièce jointe de l'entrée n° {entry.seq} altérée ou manquante"
                )
            if head and (seq := journal_anchor_seq(item, head)) is not None:
                anchored.append(f"crise {item.pk}, entrée n° {seq}")
        if head and not anchored:
            broken.append(f"l'empreinte imprimée {head.strip()[:16]}… ne figure dans aucune main courante vérifiée")
        if broken:
            raise CommandError("Main courante altérée — " + " ; ".join(broken))
        anchor = f" ; ancre papier retrouvée : {', '.join(anchored)}" if head else ""
        self.stdout.write(f"Main courante intègre : {crises.count()} crise(s) vérifiée(s){anchor}.")
