from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = _("Crise")

    def ready(self) -> None:
        from . import live, plugins, signals
        from .guards import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="crisis-journal-guard")
        signals.connect()
        live.moved.connect(plugins.warm_shared_cards, dispatch_uid="crisis-warm-shared-cards")
