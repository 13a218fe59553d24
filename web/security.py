"""Response hardening shared by every app: the Content-Security-Policy of files, the request size cap.

The page policy itself is django-csp's, configured in settings (CONTENT_SECURITY_POLICY).
"""

import time

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# A stored file shown in the browser (photo, PDF) may run nothing and fetch nothing but
# itself: even a file that fooled the upload checks cannot script the console's origin.
# Inline style only for the browser's own image and PDF viewers.
attachment_csp = csp({"default-src": [NONE], "img-src": [SELF], "style-src": [UNSAFE_INLINE]})


class RequestSizeLimitMiddleware:
    """Refuse a body over REQUEST_MAX_BYTES from its Content-Length, before anything parses or stores it.

    Django would otherwise stream a 200 MiB multipart body to disk before any view
    could say no, and answer a large form with a bare "Bad Request". A body with no
    Content-Length is not read by Django at all (WSGI), so the header is the whole story.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0  # Django reads nothing of a body whose length it cannot parse
        if size > settings.REQUEST_MAX_BYTES:
            _discard_body(request, size)
            return request_too_large(request)
        return self.get_response(request)


# A client that is still sending does not read the answer: a server that closes the socket
# on unread data resets the connection, and the browser shows "connection reset" instead of
# the message. So a body up to twice the limit is read and thrown away (never parsed nor
# stored) before answering; a bigger one is cut off unread, its sender is no browser user.
DISCARD_FACTOR = 2
DISCARD_SECONDS = 10
DISCARD_CHUNK = 64 * 1024


def _discard_body(request: HttpRequest, size: int) -> None:
    if size > DISCARD_FACTOR * settings.REQUEST_MAX_BYTES:
        return
    stream, left, deadline = request.META["wsgi.input"], size, time.monotonic() + DISCARD_SECONDS
    while left > 0 and time.monotonic() < deadline:
        chunk = stream.read(min(DISCARD_CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)


def request_too_large(request: HttpRequest) -> HttpResponse:
    megabytes = {
        "limit": _megabytes(settings.REQUEST_MAX_BYTES),
        "attachment": _megabytes(settings.ATTACHMENT_MAX_BYTES),
    }
    message = (
        _("Requête trop volumineuse : %(limit)s Mo au plus, dont %(attachment)s Mo pour une pièce jointe.") % megabytes
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    # An htmx form post gets a fragment in place of the form (htmx is told to swap 413s).
    template = (
        "web/request_too_large.html#fragment" if request.headers.get("HX-Request") else "web/request_too_large.html"
    )
    return render(request, template, {"message": message}, status=413)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"
