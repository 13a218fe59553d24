"""Live pages without websockets: "anything after version N?".

A live page renders its version into its polling element (``?v=...``). The
version comes from the change counters of what the page shows (crisis.live:
one per scope and topic, moved in the transaction of every write it shows). A
poll that sends back the current version gets an empty 204, which htmx swaps
for nothing: no rendering. This module knows no domain: only the protocol.
"""

from django.http import HttpRequest, HttpResponse

PARAM = "v"
COUNTERS = "c"  # a page of cards: each topic's counter it shows, "crisis:3,journal:12"


def is_poll(request: HttpRequest) -> bool:
    return PARAM in request.GET


def nothing_new(request: HttpRequest, version: str) -> HttpResponse | None:
    """204 when the client already shows `version`; None when it must get the new content."""
    if request.GET.get(PARAM) == str(version):
        return HttpResponse(status=204)
    return None


def encode(counters: dict[str, int]) -> str:
    """The counters a page shows, as its poll sends them back."""
    return ",".join(f"{topic}:{value}" for topic, value in sorted(counters.items()))


def total(counters: dict[str, int]) -> str:
    """The page's version: the sum of its counters (they only grow, so the sum moves when one does)."""
    return str(sum(counters.values()))


def shown_counters(request: HttpRequest) -> dict[str, int] | None:
    """The counters the polling page shows; None when it sent none (a page older than them) or garbage."""
    text = request.GET.get(COUNTERS)
    if text is None:
        return None
    shown = {}
    for pair in text.split(",") if text else []:
        topic, _, value = pair.rpartition(":")
        if not topic or not value.isdigit() or len(value) > 18:
            return None
        shown[topic] = int(value)
    return shown


def nothing_new_in(request: HttpRequest, counters: dict[str, int]) -> HttpResponse | None:
    """204 when the client already shows these counters (or, sending only a version, their sum)."""
    if COUNTERS in request.GET:
        return HttpResponse(status=204) if request.GET[COUNTERS] == encode(counters) else None
    return nothing_new(request, total(counters))


def moved(request: HttpRequest, counters: dict[str, int]) -> set[str]:
    """The topics whose counter moved since the page's: all of them when the page sent no counters."""
    shown = shown_counters(request)
    if shown is None:
        return set(counters)
    return {topic for topic, value in counters.items() if shown.get(topic) != value}
