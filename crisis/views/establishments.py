"""An establishment's home page: the cards the apps declare for the establishment's scope."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .. import live as live_topics
from .. import plugins
from ..models import Establishment
from ..permissions import get_establishment_for_user
from .cards import render_cards_page


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
    """The establishment's cards; a poll that missed answers with the cards whose topics moved only."""
    topics = establishment_topics()
    unchanged, counters = live_topics.cards_poll(request, topics=topics, establishment_id=establishment_id)
    if unchanged:
        return unchanged  # one query: the membership and the counters
    establishment, membership = get_establishment_for_user(request.user, establishment_id)
    return render_cards_page(
        request, establishment, membership, topics=topics, counters=counters, template="crisis/establishment.html"
    )
