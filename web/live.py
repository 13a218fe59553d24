"""Live pages without websockets: "anything after version N?".

A live page renders its version into its polling element (``?v=...``). The
version comes from the change counters of what the page shows (crisis.live:
one per scope and topic, moved in the transaction of every write it shows). A
poll that sends back the current version gets an empty 204, which htmx swaps
for nothing: no rendering. This module knows no domain: only the protocol.
"""

from django.http import HttpRequest, HttpResponse

PARAM = "v"


def is_poll(request: HttpRequest) -> bool:
    return PARAM in request.GET


def nothing_new(request: HttpRequest, version: str) -> HttpResponse | None:
    """204 when the client already shows `version`; None when it must get the new content."""
    if request.GET.get(PARAM) == str(version):
        return HttpResponse(status=204)
    return None
