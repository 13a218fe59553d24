from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExampleAppConfig(AppConfig):
    name = "tests.example_app"
    label = "example_app"
    verbose_name = _("Consignes de service (exemple)")
    default_auto_field = "django.db.models.BigAutoField"
    # Named in the API's description (web.api_schema): the URL segment, then the words naming it.
    api_resources = {"consignes": _("consignes de service (liste, création)")}
