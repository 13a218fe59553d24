"""The console's URLs plus two bare views, to price a request without the journal in it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """Same middleware as every page, no session touched, no query: the floor."""
    return HttpResponse(status=204)


@login_required
def bare_authenticated(request):
    """The floor plus what any logged-in page pays: the session and the user."""
    return HttpResponse(status=204)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-authenticated/", bare_authenticated),
    path("", include("config.urls")),
]
