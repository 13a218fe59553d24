"""WeasyPrint, configured once per worker process.

- The stylesheet is parsed once (``CSS(string=...)``) and passed to every render.
- The URL fetcher serves the project's static files and ``data:`` URLs only:
  documents carry user text, and a template must never make the worker fetch
  anything from the network or read files outside ``static/``.
"""

import hashlib
import logging
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.base import Variable
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode

logger = logging.getLogger(__name__)

STYLESHEET = "css/print.css"


class RefusedURL(ValueError):
    """A document asked for something outside the static files: WeasyPrint skips it."""


def static_roots() -> list[Path]:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def base_url() -> str:
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in static_roots()) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            logger.warning("PDF: refused to fetch %s (static files only)", url[:200])
            raise RefusedURL(f"Refused: {url[:200]}")

    return StaticOnlyFetcher


def url_fetcher():
    return _fetcher_class()(timeout=1, allowed_protocols=["file", "data"], allow_redirects=False)


def _read_static(name: str) -> str:
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    return Path(path).read_text(encoding="utf-8")


@cache
def stylesheet():
    from weasyprint import CSS

    # Based where the file lives (static/css/), so its relative URLs work in a browser too.
    return CSS(string=_read_static(STYLESHEET), base_url=base_url() + STYLESHEET, url_fetcher=url_fetcher())


@cache
def style_version() -> str:
    """Changes when the print stylesheet changes: part of every fingerprint."""
    return hashlib.sha256(_read_static(STYLESHEET).encode()).hexdigest()[:16]


def _constant_name(expression) -> str | None:
    """The template name of an {% extends %} or {% include %} written as a literal string."""
    if expression is None or isinstance(getattr(expression, "var", None), Variable):
        return None
    return str(expression.var) if isinstance(expression.var, str) else None


def _template_sources(name: str, seen: dict[str, str]) -> None:
    """The source of a template and of everything it extends or includes by literal name, recursively."""
    if name in seen:
        return
    template = get_template(name).template
    seen[name] = template.source
    nodes = template.nodelist.get_nodes_by_type(ExtendsNode) + template.nodelist.get_nodes_by_type(IncludeNode)
    for node in nodes:
        target = _constant_name(node.parent_name if isinstance(node, ExtendsNode) else node.template)
        if target:
            _template_sources(target, seen)


def templates_digest(names: tuple[str, ...]) -> str:
    """SHA-256 of the sources of these templates with what they extend and include.

    The sources of the templates the renderer will use: those the template loader
    holds (cached until the process restarts, as after a deployment), so a part is
    never stored under a fingerprint its content does not match. An include whose
    name is a variable cannot be followed: declare that template as well.
    """
    names = tuple(names)
    roots = tuple(get_template(name).template for name in names)
    known = _digests.get(names)
    # The loader's cache hands back the same objects until it is reset (a deployment, or a
    # template edited in development): the digest of those objects is still the right one.
    if known is not None and all(a is b for a, b in zip(known[0], roots, strict=True)):
        return known[1]
    seen: dict[str, str] = {}
    for name in names:
        _template_sources(name, seen)
    sha = hashlib.sha256()
    for name in sorted(seen):
        sha.update(f"{name}\0{seen[name]}\0".encode())
    digest = sha.hexdigest()[:16]
    _digests[names] = (roots, digest)
    return digest


# names -> (the root templates the digest was made from, the digest): every page showing the kit's
# freshness fingerprints each document of the kit, templates included.
_digests: dict[tuple[str, ...], tuple[tuple, str]] = {}


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Lay out and write one HTML document: (PDF bytes, page count)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url(), url_fetcher=url_fetcher()).render(stylesheets=[stylesheet()])
    return document.write_pdf(), len(document.pages)


def warm_up() -> None:
    """Import WeasyPrint, load fonts and parse the stylesheet before the first real job."""
    html_to_pdf('<!doctype html><html lang="fr"><meta charset="utf-8"><p>Préchauffage</p></html>')


# WeasyPrint logs every layout step at INFO: keep workers' logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
