"""An establishment's home page: the cards the apps declare for the establishment's scope."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from web import live

from .. import live as live_topics
from .. import plugins
from ..models import Establishment
from ..permissions import get_establishment_for_user


def establishment_topics() -> tuple[str, ...]:
    """What the home page shows: the topics of the establishment cards the apps declare (its
    crises, the paper kit...). An establishment's counters include its crises': a crisis opened,
    closed or changed moves the page of its establishment."""
    return plugins.page_topics(plugins.Scope.ESTABLISHMENT)


def establishment_version(establishment: Establishment) -> str:
    return live_topics.version(establishment, establishment_topics())


@login_required
@require_GET
def establishment_home(request: HttpRequest, establishment_id: int) -> HttpResponse:
    topics = establishment_topics()
    if unchanged := live_topics.unchanged_poll(request, topics=topics, establishment_id=establishment_id):
        return unchanged  # one query: the membership and the summed counters
    establishment, membership = get_establishment_for_user(request.user, establishment_id)
    version = establishment_version(establishment)  # before the cards read what they show
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
