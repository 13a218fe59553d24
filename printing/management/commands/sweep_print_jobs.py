from django.core.management.base import BaseCommand

from printing import services


class Command(BaseCommand):
    help = (
        "Renvoie aux workers les impressions restées en attente ou bloquées en cours "
        "(mode embarqué sans Celery beat : à lancer chaque minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stale-after", type=int, default=None, help="secondes (défaut : PRINT_JOB_STALE_AFTER)")

    def handle(self, *args, stale_after: int | None = None, **options):
        report = services.print_jobs_sweep(stale_after=stale_after)
        self.stdout.write(
            f"Impressions renvoyées : {report.redispatched}, assemblages relancés : {report.assembled}, "
            f"abandonnées : {report.abandoned}."
        )
