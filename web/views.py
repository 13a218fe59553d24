"""Pages of no app in particular: signing in and out, the favicon, the accessibility statement."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import ratelimit
from .forms import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # This browser knows the password: its attempts are counted apart from now on (web.ratelimit).
        ratelimit.remember_device(self.request, response, form.get_user().get_username())
        return response


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The RGAA accessibility statement: public, like any statement the law asks a hospital to publish."""
    contact = settings.ACCESSIBILITY_CONTACT
    context = {"contact": contact, "contact_is_email": "@" in contact and "/" not in contact}
    return render(request, "web/accessibility.html", context)


# Browsers ask for /favicon.ico on every page (the API's JSON, the admin, a PDF) whatever the HTML says.
@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # Not permanent: the static file's name carries its hash, which changes with it.
    return HttpResponseRedirect(static("img/favicon.ico"))
