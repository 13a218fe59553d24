from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BedsConfig(AppConfig):
    name = "beds"
    verbose_name = _("Lits et mouvements")
    default_auto_field = "django.db.models.BigAutoField"
    # Named in the API's description (web.api_schema): the URL segment, then the words naming it.
    api_resources = {
        "units": _("unités de soins (capacité, occupation)"),
        "beds": _("lits (carte, état)"),
        "movements": _("mouvements (fiches navettes)"),
        "census": _("recensement à une heure donnée, import CSV"),
        "import": _("import d'un recensement en CSV, avec essai à blanc"),
    }
