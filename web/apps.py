from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import IdConverter

        # Registered here, before any URLconf is imported: every app's URLs use <id:...>.
        register_converter(IdConverter, "id")
