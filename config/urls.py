from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Each app's pages and API (under api/), in its own namespace: an app with a urls.py needs nothing here.
    *[path("", include(f"{app}.urls")) for app in settings.PROJECT_APPS if find_spec(f"{app}.urls")],
]

# JSON under /api/, Django's pages elsewhere (web.error_views).
handler400 = "web.error_views.bad_request"
handler403 = "web.error_views.permission_denied"
handler404 = "web.error_views.page_not_found"
handler500 = "web.error_views.server_error"
