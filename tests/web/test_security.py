"""Content-Security-Policy on every page, the request size cap, attachments judged by a real parser."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import FakePayload
from django.urls import reverse
from rest_framework.test import APIClient

from crisis import services
from tests.conftest import image_bytes, pdf_bytes

HTML = b"<html><body><script>fetch('/api/crises/').then(r => r.text()).then(alert)</script></body></html>"
POLYGLOTS = {
    "signature-then-html.png": b"\x89PNG\r\n\x1a\n" + HTML,
    "picture-then-html.png": image_bytes() + HTML,
    "signature-then-html.jpg": b"\xff\xd8\xff\xe0" + HTML,
    "signature-then-html.webp": b"RIFF\x00\x00\x00\x00WEBPVP8 " + HTML,
    "signature-then-html.pdf": b"%PDF-1.7\n" + HTML,
    "png-named.jpg": image_bytes("PNG"),
}

ENTRY = {"kind": "fait", "text": "Pièce", "priority": "normal", "channel": "papier"}


def page_urls(crisis, entry_seq):
    return [
        reverse("crisis:home"),
        reverse("crisis:dashboard", args=[crisis.pk]),
        reverse("crisis:journal", args=[crisis.pk]),
        reverse("crisis:journal-entry", args=[crisis.pk, entry_seq]),
        reverse("crisis:roster", args=[crisis.pk]),
        reverse("crisis:edit", args=[crisis.pk]),
        reverse("printing:crisis-prints", args=[crisis.pk]),
        reverse("printing:print-jobs"),
        reverse("printing:paper-kit", args=[crisis.establishment_id]),
        reverse("api-docs"),
        "/admin/",
    ]


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


# --- Content-Security-Policy ---------------------------------------------------


def test_every_page_has_a_strict_policy_and_needs_no_inline_code(client, crisis, director, settings):
    director.is_staff = director.is_superuser = True
    director.save()
    client.force_login(director)
    for url in page_urls(crisis, 1):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == "script-src 'self'", url
        assert policy["style-src"] == "style-src 'self'", url
        assert policy["object-src"] == "object-src 'none'" and policy["frame-ancestors"] == "frame-ancestors 'none'"
        body = response.content.decode()
        if url.startswith("/admin/"):
            continue  # Django's own templates
        inline_scripts = [s for s in re.findall(r"<script\b[^>]*>", body) if "src=" not in s]
        assert not inline_scripts, url
        assert not re.search(r"\sstyle=", body) or url.startswith(("/impressions/", "/etablissements/")), url
        assert " hx-on" not in body and "[!" not in body, url  # htmx would need eval


def test_the_login_page_and_errors_have_the_policy_too(client, db):
    assert "script-src 'self'" in client.get(reverse("web:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in client.get("/nulle-part/")["Content-Security-Policy"]


def test_the_policy_built_once_is_django_csps_and_follows_the_settings(rf, settings):
    """web.security.CSPMiddleware keeps the settings' header instead of building it for every
    response: the same header as django-csp's, a response's own policy (attachments) left to
    django-csp, a new header when the settings' policy is replaced."""
    from csp.decorators import csp_update
    from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
    from django.http import HttpResponse

    from web.security import CSPMiddleware, attachment_csp

    ours, theirs = CSPMiddleware(lambda r: None), DjangoCSPMiddleware(lambda r: None)

    def headers(middleware, view=lambda request: HttpResponse(status=204)):
        request = rf.get("/")
        middleware.process_request(request)
        response = middleware.process_response(request, view(request))
        return response.get("Content-Security-Policy"), response.get("Content-Security-Policy-Report-Only")

    assert headers(ours) == headers(theirs) and "script-src 'self'" in headers(ours)[0]
    for own in (
        attachment_csp(lambda r: HttpResponse()),
        csp_update({"img-src": ["https://x.test"]})(lambda r: HttpResponse()),
    ):
        assert headers(ours, own) == headers(theirs, own) != headers(theirs)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    assert headers(ours) == headers(theirs) == ("default-src 'none'", "default-src 'self'")


def test_htmx_is_told_to_inject_no_style_and_eval_nothing(client, director):
    client.force_login(director)
    body = client.get(reverse("crisis:home")).content.decode()
    assert '"includeIndicatorStyles": false' in body and '"allowEval": false' in body


# --- attachments --------------------------------------------------------------


@pytest.fixture
def photo_entry(crisis, scribe):
    upload = SimpleUploadedFile("note.png", image_bytes(), content_type="image/png")
    return services.journal_append(crisis=crisis, by=scribe, text="Note papier", attachment=upload)


def test_both_attachment_views_send_the_attachment_policy(client, crisis, scribe, photo_entry):
    client.force_login(scribe)
    web = client.get(reverse("crisis:journal-attachment", args=[crisis.pk, photo_entry.seq]))
    api = client.get(reverse("crisis:api-journal-attachment", args=[crisis.pk, photo_entry.pk]))
    for response in (web, api):
        assert response.status_code == 200
        assert directives(response)["default-src"] == "default-src 'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", POLYGLOTS)
def test_a_file_that_is_not_what_it_claims_is_refused_by_the_web_form(client, crisis, scribe, name):
    client.force_login(scribe)
    upload = SimpleUploadedFile(name, POLYGLOTS[name])
    response = client.post(reverse("crisis:journal", args=[crisis.pk]), {**ENTRY, "attachment": upload})
    assert response.status_code == 400
    assert "ne correspond pas" in response.content.decode()
    assert crisis.journal_entries.count() == 1


@pytest.mark.parametrize("name", POLYGLOTS)
def test_a_file_that_is_not_what_it_claims_is_refused_by_the_api(crisis, scribe, name):
    api = APIClient()
    api.force_authenticate(scribe)
    upload = SimpleUploadedFile(name, POLYGLOTS[name])
    response = api.post(reverse("crisis:api-journal-list", args=[crisis.pk]), {"text": "Pièce", "attachment": upload})
    assert response.status_code == 400 and "attachment" in response.json()
    assert crisis.journal_entries.count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("note.png", image_bytes("PNG")),
        ("note.jpg", image_bytes("JPEG")),
        ("note.jpeg", image_bytes("JPEG")),
        ("note.webp", image_bytes("WEBP")),
        ("note.pdf", pdf_bytes()),
    ],
)
def test_real_pictures_and_pdfs_are_accepted(crisis, scribe, name, content):
    entry = services.journal_append(
        crisis=crisis, by=scribe, text="Pièce", attachment=SimpleUploadedFile(name, content)
    )
    assert entry.attachment.name.endswith(name.rsplit(".", 1)[-1])


# --- request size ------------------------------------------------------------


def test_a_12_mb_form_gets_a_clear_page_not_a_bare_bad_request(client, crisis, scribe):
    client.force_login(scribe)
    body = "text=" + "x" * (12 * 1024 * 1024)
    response = client.post(
        reverse("crisis:journal", args=[crisis.pk]), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Requête trop volumineuse" in page and "11 Mo au plus, dont 10 Mo pour une pièce jointe" in page
    assert "<html" in page and crisis.journal_entries.count() == 1


def test_an_oversized_htmx_post_gets_a_fragment_in_place_of_the_form(client, crisis, scribe):
    client.force_login(scribe)
    body = "text=" + "x" * (12 * 1024 * 1024)
    response = client.post(
        reverse("crisis:journal", args=[crisis.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 413
    fragment = response.content.decode()
    assert 'id="entry-form"' in fragment and "<html" not in fragment and "trop volumineuse" in fragment


def test_the_api_refuses_an_oversized_body_in_json(crisis, scribe):
    api = APIClient()
    api.force_authenticate(scribe)
    upload = SimpleUploadedFile("grande.png", b"\x00" * (12 * 1024 * 1024))
    response = api.post(reverse("crisis:api-journal-list", args=[crisis.pk]), {"text": "Pièce", "attachment": upload})
    assert response.status_code == 413
    assert "trop volumineuse" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/auth/token/", "/connexion/", "/admin/login/"])
def test_an_absurd_anonymous_body_is_refused_before_anything_reads_it(client, db, path):
    # The body announced is 200 MiB; the stream holds nothing and fails any read.
    response = client.generic(
        "POST",
        path,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": FakePayload(b"")},
    )
    assert response.status_code == 413


def test_a_body_under_the_limit_is_read_as_usual(client, crisis, scribe, settings):
    settings.REQUEST_MAX_BYTES = 2000
    client.force_login(scribe)
    response = client.post(reverse("crisis:journal", args=[crisis.pk]), {**ENTRY, "text": "x" * 500})
    assert response.status_code == 302 and crisis.journal_entries.count() == 2
    response = client.post(reverse("crisis:journal", args=[crisis.pk]), {**ENTRY, "text": "x" * 3000})
    assert response.status_code == 413 and crisis.journal_entries.count() == 2


def test_a_body_a_little_over_the_limit_is_thrown_away_unparsed_so_the_browser_reads_the_answer(client, db):
    class Counting(FakePayload):
        read_bytes = 0

        def read(self, size=-1):
            chunk = super().read(size)
            Counting.read_bytes += len(chunk)
            return chunk

    body = b"text=" + b"x" * (12 * 1024 * 1024)
    response = client.generic(
        "POST",
        "/connexion/",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": Counting(body)},
    )
    assert response.status_code == 413 and Counting.read_bytes == len(body)
