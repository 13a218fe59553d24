"""/favicon.ico: browsers ask for it on every page (the API's JSON, the admin, a PDF) whatever the HTML says."""

from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # Not permanent: the static file's name carries its hash, which changes with it.
    return HttpResponseRedirect(static("img/favicon.ico"))
