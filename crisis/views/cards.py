"""The pages made of the apps' cards (a crisis's dashboard, an establishment's home), and their polls."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from web import live

from .. import live as live_topics
from .. import plugins
from ..models import Crisis, Establishment, Membership


def render_cards_page(
    request: HttpRequest,
    scope: Crisis | Establishment,
    membership: Membership,
    *,
    topics: tuple[str, ...],
    counters: dict | None,
    template: str,
) -> HttpResponse:
    """The whole page, or, for a poll that missed (`counters` read by live.cards_poll), its moved cards.

    The counters are read before the cards read what they show: a change in between shows at the
    next poll. On a poll, only the cards following a topic that moved are computed, sent out of
    band with a new poller."""
    polled = counters is not None and request.htmx
    if counters is None:
        counters = live_topics.counters(scope, topics)
    moved = live.moved(request, counters) if polled else None
    context = {
        scope._meta.model_name: scope,
        "membership": membership,
        "cards": plugins.cards_for(scope, membership, request.user, moved=moved, counters=counters),
        "live_version": live.total(counters),
        "live_counters": live.encode(counters),
    }
    return render(request, f"{template}#poll-response" if polled else template, context)
