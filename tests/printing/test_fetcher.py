"""WeasyPrint fetches nothing but the project's static files."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from printing import engine


@pytest.fixture
def spy_server():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_a_template_pointing_outside_fetches_nothing(spy_server):
    url, hits = spy_server
    html = f"""<!doctype html><html><head><meta charset="utf-8">
      <link rel="stylesheet" href="{url}/style.css"><style>@import url("{url}/import.css");
      body {{ background: url("{url}/bg.png") }}</style></head>
      <body><img src="{url}/logo.png"><img src="file:///etc/passwd"><img src="../../../../etc/hostname">
      <p>Texte</p></body></html>"""
    pdf, pages = engine.html_to_pdf(html)
    assert pdf.startswith(b"%PDF-") and pages == 1
    assert hits == []


def test_the_fetcher_refuses_files_outside_static():
    fetcher = engine.url_fetcher()
    for url in ("file:///etc/passwd", "http://example.org/x.png", "https://example.org/", "ftp://example.org/a"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_fetcher_serves_static_files_and_data_urls():
    fetcher = engine.url_fetcher()
    response = fetcher.fetch(engine.base_url() + "css/print.css")
    assert b"@page" in response.read()
    assert fetcher.fetch("data:text/plain,bonjour").read() == b"bonjour"
