"""Response hardening shared by every app: the Content-Security-Policy of files, the request size cap.

The page policy itself is django-csp's, configured in settings (CONTENT_SECURITY_POLICY).
"""

import time

from csp.constants import HEADER, HEADER_REPORT_ONLY, NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
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


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the settings' own policy built once per process.

    django-csp builds the header from the settings for every response: two dataclass copies and
    the directives joined, about a tenth of the CPU of a "nothing new" poll, on every request. A
    response with nothing of its own (no decorator's policy such as attachment_csp, no nonce asked,
    no excluded prefix configured) gets the same headers every time: built once, and again when the
    settings' policy objects are replaced (a test overriding them). Anything else is django-csp's.
    """

    _OWN = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
    _built: tuple = (None, None, ("", ""))  # (policy setting, report-only setting, their two headers)

    def process_response(self, request, response):
        policies = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if not self._plain(request, response, policies):
            return super().process_response(request, response)
        enforced, report_only, headers = CSPMiddleware._built
        if enforced is not policies[0] or report_only is not policies[1]:
            headers = (build_policy(), build_policy(report_only=True))
            CSPMiddleware._built = (*policies, headers)
        for name, value in zip((HEADER, HEADER_REPORT_ONLY), headers, strict=True):
            if value and name not in response:
                response[name] = value
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _plain(self, request, response, policies) -> bool:
        """Does django-csp build the settings' policy, unchanged, for this response?"""
        if settings.DEBUG and response.status_code in (404, 500):
            return False  # django-csp leaves the debug pages alone
        if getattr(request, "_csp_nonce", None) is not None:
            return False
        if any(hasattr(response, attr) or hasattr(response, f"{attr}_ro") for attr in self._OWN):
            return False
        return not any(policy and policy.get("EXCLUDE_URL_PREFIXES") for policy in policies)
