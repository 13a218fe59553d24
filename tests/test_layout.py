"""The layout the features plug into: every project app installed, each app's URLs in its own namespace."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.urls import reverse


def test_every_project_app_is_installed_with_its_migrations():
    for app in settings.PROJECT_APPS:
        assert app in settings.INSTALLED_APPS
        assert app == "web" or find_spec(f"{app}.migrations") is not None, app
    assert {"beds", "obligations", "preparedness"} <= set(settings.PROJECT_APPS)


def test_an_app_s_urls_live_in_its_own_namespace_and_need_no_line_in_config():
    with_urls = [app for app in settings.PROJECT_APPS if find_spec(f"{app}.urls")]
    assert {"web", "crisis", "printing"} <= set(with_urls)
    labels = {config.name: config.label for config in apps.get_app_configs()}
    for app in with_urls:  # the namespace is the app's label: its name, for an app at the top of the project
        assert import_module(f"{app}.urls").app_name == labels[app]
    assert reverse("crisis:api-crisis-list") == "/api/crises/" and reverse("printing:print-jobs") == "/impressions/"
