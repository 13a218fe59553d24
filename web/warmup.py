"""What a fresh process would otherwise load during its first requests: URL patterns and the views
they import, the reverse lookups of each language, the translation catalogues, the page templates,
and what the apps load on first use (settings.WARM_UP_CALLS).

Measured (docs/performance.md): right after a start the journal page's p95 was 431 ms against
113 ms warm, each worker paying these once on its first requests. gunicorn calls ``warm_up``
once in its master before forking the workers (web.gunicorn_conf), so every worker starts warm
and shares the loaded pages copy-on-write.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation
from django.utils.module_loading import import_string

# Printed documents are rendered by the Celery workers, not by the web server.
SKIPPED_TEMPLATE_FOLDERS = ("pdf/",)


def warm_up() -> dict[str, int]:
    """Load it all in this process; how many URL patterns and templates, for the log."""
    resolver, names = get_resolver(), 0
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Main courante")  # loads the catalogue of the language
            names = len(resolver.reverse_dict)  # built per language on first use
            for _prefix, namespace in resolver.namespace_dict.values():
                names += len(namespace.reverse_dict)
    templates = sum(_load_templates(engine) for engine in engines.all())
    for dotted_path in settings.WARM_UP_CALLS:  # what the apps load on first use (web imports none of them)
        import_string(dotted_path)()
    connections.close_all()  # nothing opened here may be shared with the forked workers
    return {"urls": names, "templates": templates}


def _template_folders() -> list[Path]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    return [folder for folder in folders if folder.is_dir()]


def _load_templates(engine) -> int:
    loaded = 0
    for folder in _template_folders():
        for path in folder.rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            if name.startswith(SKIPPED_TEMPLATE_FOLDERS):
                continue
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # a fragment meant to be included elsewhere; the page that uses it loads it
            loaded += 1
    return loaded
