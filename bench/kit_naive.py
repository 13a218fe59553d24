"""The naive baseline of bench/paper_kit.py: the kit's content as one document, one process.

Imported by bench/paper_kit.py once Django is set up; not a script of its own.
"""

import multiprocessing
import os
import time
from pathlib import Path

# --- (a) the naive baseline ---------------------------------------------------------------------
#
# The same documents with the same data, as one HTML document rendered in one process: no
# chunks, no cache, no parallel parts, no column-major sheets. Procedures and forms are the
# kit's own HTML (their templates are already plain); the lists (directory, bed census, blank
# registers) are plain tables written the straightforward way, but following the known WeasyPrint
# tips (PERFORMANCE.md): small fixed-layout tables, row rules, no collapsed borders. Cells wrap
# by themselves. Texts (headings, column labels, notes) come from the documents, so both renders
# print the same words; run_content_check() verifies it on the two PDFs.

NAIVE_CSS = """
@page { @bottom-right { content: "page " counter(page) " / " counter(pages); } }
.naive { break-before: page; }
.naive.landscape { page: landscape; }
.naive h1 { font-size: 12pt; margin: 0; }
.naive .meta, .naive .foot { font-size: 7pt; color: #444; margin: 1mm 0; }
.naive table { width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: 0; }
.naive th { font-size: 6.5pt; text-align: left; border-bottom: .9pt solid #333; padding: .6mm 1.2mm; }
.naive td { padding: 0 1.2mm; border-bottom: .4pt solid #c8ced4; vertical-align: top; line-height: 4.3mm; }
.naive.directory table { font-size: 8pt; }
.naive.lined td { height: 7.9mm; line-height: 7.9mm; border-bottom-color: #9aa5b0; }
.naive tr { break-inside: avoid; }
.toc a { color: inherit; text-decoration: none; }
.toc a::after { content: target-counter(attr(href), page); float: right; }
"""
SMALL_TABLE_ROWS = 25  # rows per table: a table spanning many pages is WeasyPrint's slow path


def _captured(document, establishment, params) -> dict:
    """What a sheet document passes to its template (labels, notes, pages): its texts, not its layout."""
    import printing.render as render

    captured = {}
    real = render.render_to_string
    render.render_to_string = lambda template, context: captured.update(context) or ""
    try:
        document.render(establishment, params, generated_at=_now())
    finally:
        render.render_to_string = real
    return captured


def _now():
    from django.utils import timezone

    return timezone.now()


def _body(html: str) -> str:
    return html[html.index(">", html.index("<body")) + 1 : html.rindex("</body>")]


def _table(labels, widths, rows) -> str:
    """Small tables of at most SMALL_TABLE_ROWS rows; the header on the first one only."""
    from django.utils.html import escape

    cols = "".join(f'<col style="width: {w}mm">' for w in widths)
    head = "<tr>" + "".join(f"<th>{escape(label)}</th>" for label in labels) + "</tr>"
    out = []
    for start in range(0, max(len(rows), 1), SMALL_TABLE_ROWS):
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell) or '&nbsp;'}</td>" for cell in row) + "</tr>"
            for row in rows[start : start + SMALL_TABLE_ROWS]
        )
        out.append(f"<table><colgroup>{cols}</colgroup>{head if start == 0 else ''}{body}</table>")
    return "".join(out)


def _cell_text(column, row) -> str:
    if column.value is None:
        return ""
    value = column.value(row)
    if isinstance(value, str):
        return value
    return column.separator.join(part for part in value if part.strip())


def _sheet_section(anchor, title, context, rows, *, css="") -> str:
    """One section per kit sheet document: title, note, table(s) with the document's columns, foot."""
    from django.utils.html import escape

    columns = context["columns"]
    labels, widths = [c.label for c in columns], [c.width for c in columns]
    head = f'<section id="{anchor}" class="naive {css}"><h1>{escape(title)}</h1>'
    if context.get("sheet_meta"):
        head += f'<p class="meta">{escape(context["sheet_meta"])}</p>'
    table = _table(labels, widths, [[_cell_text(c, row) for c in columns] for row in rows])
    foot = f'<p class="foot">{escape(context["sheet_foot"])}</p>' if context.get("sheet_foot") else ""
    return head + table + foot + "</section>"


def naive_html(establishment) -> tuple[str, list[tuple[str, str]]]:
    """The whole kit as one document; also (anchor, section name) of every section, in order."""
    from django.utils.html import escape

    from comms import documents as comms_documents
    from printing import registry, sheets

    sections, toc, out = [], [], []

    def add(anchor, name, label, html):
        sections.append((anchor, name))
        toc.append(f'<tr><td><a href="#{anchor}">{escape(label)}</a></td></tr>')
        out.append(html)

    directory = registry.get("directory")
    entries = list(directory.entries(establishment.pk))
    context = _captured(directory, establishment, {"chunk": 0})
    context["columns"] = comms_documents._columns()
    add(
        "directory",
        "directory",
        directory.title,
        _sheet_section("directory", str(directory.title), context, entries, css="directory"),
    )

    procedures = registry.get("procedures")
    for index, params in enumerate(procedures.kit_params(establishment)):
        html = procedures.render(establishment, params, generated_at=_now()).html
        anchor = f"procedures-{index}"
        label = procedures.label(establishment, params)
        add(anchor, "procedures", label, f'<section id="{anchor}" class="naive">{_body(html)}</section>')

    for name in ("blank_journal", "message_form", "blank_rida", "signalement_form"):
        document = registry.get(name)
        context = document.context()
        if "pages" in context:  # a ruled register: as many blank rows, on as many sheets
            page = context["pages"][0]
            context["columns"] = [sheets.Column(c.label, c.width) for c in page.columns]
            rows = [None] * sheets.rows_per_page("lined", "landscape")
            html = "".join(
                _sheet_section(f"{name}-{copy}", str(document.title), context, rows, css="lined landscape")
                for copy in range(len(context["pages"]))
            )
            add(f"{name}-0", name, document.title, html)
        else:
            rendered = document.render(establishment, {}, generated_at=_now()).html
            add(name, name, document.title, f'<section id="{name}" class="naive">{_body(rendered)}</section>')

    cover = (
        f'<section id="cover"><div class="cover-band"><h1>Kit papier</h1><p>{escape(establishment.name)}</p></div>'
        f'<h2>Sommaire</h2><table class="toc">{"".join(toc)}</table></section>'
    )
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Kit papier</title>'
        f"<style>{NAIVE_CSS}</style></head><body>{cover}{''.join(out)}</body></html>"
    )
    return html, [("cover", "cover"), *sections]


def vmhwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _naive_child(html: str, sections, pdf_path: str, queue) -> None:
    from weasyprint import HTML

    from printing import engine

    engine.warm_up()  # start-up (import, fonts, the stylesheet) is not what we measure
    started, cpu = time.perf_counter(), time.process_time()
    document = HTML(string=html, base_url=engine.base_url(), url_fetcher=engine.url_fetcher()).render(
        stylesheets=[engine.stylesheet()]
    )
    pdf = document.write_pdf()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    Path(pdf_path).write_bytes(pdf)
    first_page = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    queue.put(
        {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "pages": len(document.pages),
            "bytes": len(pdf),
            "peak_mb": vmhwm_mb(os.getpid()),
            "sections": _pages_by_section(first_page, sections, len(document.pages)),
        }
    )


def _pages_by_section(first_page: dict, sections, total: int) -> dict:
    starts = [(first_page[anchor], name) for anchor, name in sections]
    counts = {}
    for (start, name), (end, _) in zip(starts, starts[1:] + [(total, "")], strict=True):
        counts[name] = counts.get(name, 0) + end - start
    return counts


def run_naive(establishment, pdf_path: str) -> dict:
    html, sections = naive_html(establishment)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_naive_child, args=(html, sections, pdf_path, queue))
    process.start()
    result = queue.get()
    process.join()
    return result
