"""An establishment's home page: the cards the apps declare for the establishment's scope."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from web import live

from .. import plugins
from ..models import Crisis, Establishment
from ..permissions import get_establishment_for_user


def establishment_version(establishment: Establishment) -> str:
    """What the home page shows: the establishment's own counter and its crises' (a crisis opened,
    closed or changed moves the sum). The per-topic versions of crisis.plugins.topics_of replace it
    once topics have their counters."""
    crises = Crisis.objects.filter(establishment=establishment).aggregate(n=Count("pk"), v=Sum("live_version"))
    return live.version_of(establishment.live_version, crises["n"], crises["v"] or 0)


@login_required
@require_GET
def establishment_home(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id)
    version = establishment_version(establishment)
    if live.is_poll(request) and (unchanged := live.nothing_new(request, version)):
        return unchanged
    context = {
        "establishment": establishment,
        "membership": membership,
        "cards": plugins.cards_for(establishment, membership, request.user),
        "live_version": version,
    }
    template = (
        "crisis/establishment.html#live" if request.htmx and live.is_poll(request) else "crisis/establishment.html"
    )
    return render(request, template, context)
