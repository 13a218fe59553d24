"""What the accessibility tests share: the console's pages found from the URL resolver, and the checks.

The pages are not listed by hand: every named URL pattern of the console is filled with ids of
demo data (`seed_demo`, so that each app's demo data shows on its pages) and kept when a GET of
it answers an HTML page. A new page is then visited by the tests without touching them; a new
kind of id in a URL of the core needs one line in `id_values` (tests/e2e/test_accessibility.py),
of an app, a function in its own tests: `tests/<app label>/accessibility.py` with
`id_values(establishment) -> {"bed_id": [...]}`, ids of its demo data (`app_id_values`).

The checks run axe-core (vendored from the npm package, `vendor/axe-core/`: nothing is fetched at
run time) with the WCAG 2.0/2.1 A and AA rules, plus two of ours that axe leaves to HTML
validation: ids unique on the page, and every id reference (`for`, `aria-describedby`,
`aria-labelledby`, `aria-controls`, `aria-errormessage`, `list`) pointing at an element that exists.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

AXE_JS = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# URL prefixes that are not the console's own pages. The admin is Django's, for the staff; the
# API's documentation (Swagger UI) is a developer tool: both declared outside the scope in the
# accessibility statement (templates/web/accessibility.html), which says why.
OUT_OF_SCOPE = ("/admin/", "/i18n/", "/api/")


@dataclass(frozen=True)
class Pattern:
    name: str  # with its namespace, ready for reverse()
    kwargs: tuple[str, ...]
    route: str  # "/crises/<id:crisis_id>/rida/"


def named_patterns(resolver: URLResolver | None = None, namespace: str = "", kwargs=(), route="/") -> Iterator[Pattern]:
    """Every named URL pattern of the project, with the names of the arguments its route takes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        converters = tuple(getattr(entry.pattern, "converters", {}) or {})
        here = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner, kwargs + converters, here)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Pattern(f"{namespace}{entry.name}", kwargs + converters, here)


def app_id_values(establishment, known: dict[str, list]) -> dict[str, list]:
    """The demo values each app gives for the ids of its own URLs (tests/<app label>/accessibility.py)."""
    values: dict[str, list] = {}
    for config in apps.get_app_configs():
        name = f"tests.{config.label}.accessibility"
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"tests.{config.label}"):
                raise
            continue
        for key, found in module.id_values(establishment).items():
            if key in known or key in values:
                raise LookupError(f"{name} gives values for {key!r}, which another app or the core already names")
            values[key] = found
    return values


def urls_of(pattern: Pattern, values: dict[str, list]) -> list[str]:
    """The pattern filled with every combination of the values known for its arguments."""
    missing = [name for name in pattern.kwargs if name not in values]
    if missing:
        raise LookupError(
            f"URL {pattern.name!r} takes {missing}: add demo values for them to id_values in"
            " tests/e2e/test_accessibility.py, or for an app's URL in tests/<app label>/accessibility.py"
        )
    combos = itertools.product(*(values[name] for name in pattern.kwargs))
    return [reverse(pattern.name, kwargs=dict(zip(pattern.kwargs, combo, strict=True))) for combo in combos]


def html_pages(client, values: dict[str, list]) -> tuple[list[str], list[str]]:
    """(pages, names without a page): each named pattern's URLs that answer 200 HTML to a GET.

    A pattern whose every URL answers 405 (a POST-only action), a redirect (an action that
    answers GET by going back) or a file is not a page; a page's (its route ends with "/", a
    file's does not) that answers only 404 means the demo data has nothing to show there, which
    is reported.
    """
    pages, uncovered = [], []
    for pattern in named_patterns():
        if pattern.route.startswith(OUT_OF_SCOPE):
            continue
        urls = urls_of(pattern, values)
        statuses = []
        for url in urls:
            response = client.get(url)
            statuses.append(response.status_code)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages.append(url)
        if pattern.route.endswith("/") and statuses and all(status == 404 for status in statuses):
            uncovered.append(pattern.name)
    return pages, uncovered


CHECK_IDS_JS = """() => {
  const problems = [];
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) {
    seen.set(element.id, (seen.get(element.id) || 0) + 1);
  }
  for (const [id, count] of seen) if (count > 1) problems.push(`id "${id}" used ${count} times`);
  const refs = ["for", "aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage", "aria-owns", "list"];
  for (const attribute of refs) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      if (attribute === "for" && element.tagName !== "LABEL" && element.tagName !== "OUTPUT") continue;
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${element.tagName.toLowerCase()}[${attribute}] points at missing id "${id}"`);
      }
    }
  }
  return problems;
}"""


@functools.cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def check_page(page, label: str) -> list[str]:
    """axe's violations and our id checks on the page as it is now, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())  # through the DevTools protocol: the page's CSP allows no injected <script>
    result = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
          return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
            v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | ") + (v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ""));
        }""",
        AXE_TAGS,
    )
    return [f"{label}: {problem}" for problem in result + page.evaluate(CHECK_IDS_JS) + page.evaluate(REFLOW_JS)]


REFLOW_JS = """() => document.documentElement.scrollWidth > window.innerWidth
  ? [`scrolls sideways at ${window.innerWidth} px: ${document.documentElement.scrollWidth} px wide (WCAG 1.4.10)`] : []"""


def open_everything(page) -> None:
    """Folded parts unfolded (<details>), so that their forms are checked too."""
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def forms_to_fail(page) -> int:
    """How many POST forms of the page can be sent in error with no side effect: those with a required text field."""
    return page.evaluate(f"() => ({FORMS_TO_FAIL}).length")


FORMS_TO_FAIL = """[...document.querySelectorAll("form[method=post]")].filter((form) => form.querySelector(
  "input[required]:not([type=radio]):not([type=checkbox]):not([type=hidden]):not([type=file]), textarea[required]"))"""


def send_form_in_error(page, index: int) -> None:
    """The index-th such form sent with its text fields emptied: the server answers it in error."""
    form = page.evaluate_handle(f"(index) => ({FORMS_TO_FAIL})[index]", index)
    form.evaluate(
        """(form) => {
          form.noValidate = true;
          form.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file]), textarea")
            .forEach((field) => { field.value = ""; });
        }"""
    )
    if form.evaluate("(form) => form.hasAttribute('hx-post')"):
        # Sent by htmx, answered in place: wait for the answer to be swapped in.
        page.evaluate(
            """(form) => { window.__answered = false;
              for (const name of ["htmx:afterSettle", "htmx:responseError"]) {
                document.body.addEventListener(name, () => { window.__answered = true; }, {once: true});
              }
              form.requestSubmit(); }""",
            form,
        )
        page.wait_for_function("() => window.__answered")
    else:
        with page.expect_navigation():
            form.evaluate("(form) => form.requestSubmit()")


VISITED: list[str] = []  # what the last run saw, for its report


def same_page_actions(page, url: str) -> list[str]:
    """The page's action buttons that reopen it with a query: a form opened ("?nouvelle=1"), a filter."""
    hrefs = page.evaluate(
        "() => [...new Set([...document.querySelectorAll('main a.button[href^=\"?\"]')].map((a) => a.getAttribute('href')))]"
    )
    return [url.split("?")[0] + href.split("#")[0] for href in hrefs]


def visit_all(page, base: str, pages: list[str], label: str) -> list[str]:
    """Each page as it opens, then each of its forms sent in error; the page's own action buttons are visited too."""
    problems, seen, pages_asked = [], set(pages), pages
    pages = list(pages)
    for url in pages:
        page.goto(base + url)
        open_everything(page)
        problems += check_page(page, f"{label} {url}")
        VISITED.append(f"{label} {url}")
        for action in same_page_actions(page, url):
            if action not in seen and len(seen) < 3 * len(pages_asked):
                seen.add(action)
                pages.append(action)
        for index in range(forms_to_fail(page)):
            if index:
                page.goto(base + url)
                open_everything(page)
            send_form_in_error(page, index)
            open_everything(page)
            problems += check_page(page, f"{label} {url} (form {index + 1} in error)")
    return problems
