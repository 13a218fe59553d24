"""Live pages without websockets: "anything after version N?".

A live page renders its version into its polling element (``?v=...``). Each
scope (crisis, establishment) keeps a change counter that every write it shows
moves in its own transaction (``LiveVersioned.bump`` in crisis.models); a page's
version is made of the counters of what it shows. A poll that sends back the
current version gets an empty 204, which htmx swaps for nothing: one cheap
read of rows the access check loads anyway, no rendering.
"""

from django.http import HttpRequest, HttpResponse

PARAM = "v"


def version_of(*counters) -> str:
    """The version of a page showing several scopes (and, for time-based state, a clock bucket)."""
    return ".".join(str(counter) for counter in counters)


def is_poll(request: HttpRequest) -> bool:
    return PARAM in request.GET


def nothing_new(request: HttpRequest, version: str) -> HttpResponse | None:
    """204 when the client already shows `version`; None when it must get the new content."""
    if request.GET.get(PARAM) == str(version):
        return HttpResponse(status=204)
    return None
