"""The printed crisis directory prints every character of every entry: long values wrap, nothing is cut.

The PDF is rendered by WeasyPrint exactly as the kit does it, chunk by chunk, and read back
with pypdf; the layout boxes are checked against their columns, so clipped text would show.
"""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from comms.models import DirectoryEntry
from crisis.models import Service
from printing import engine, registry, sheets

LONG_FUNCTIONS = [
    "Responsable adjoint de la coordination des soins non programmés et de la régulation des lits",
    "Ingénieur biomédical référent des dispositifs connectés",
    "Technicien de laboratoire",
    "Cadre supérieur de santé, pôle femme-mère-enfant",
]
LONG_SERVICES = [
    "Consultations externes",
    "Service de médecine physique et de réadaptation neurologique, site Saint-Exupéry",
    "Anatomocytopathologie-immunohistochimie-biologiemoléculaireetgénétiquesomatiquedestumeurs",
    "Urgences",
]


@pytest.fixture
def long_directory(establishment):
    """Eighty people, most with a function or service wider than its column; each value is unique."""
    return DirectoryEntry.objects.bulk_create(
        DirectoryEntry(
            establishment=establishment,
            last_name=f"De La Rochefoucauld-Montmorency-Nom{i:03d}" if i % 5 == 0 else f"Nom{i:03d}",
            first_name="Marie-Christine-Éléonore" if i % 4 == 0 else "Jean",
            function=f"{LONG_FUNCTIONS[i % 4]} n{i:03d}",
            service=Service.objects.create(establishment=establishment, name=f"{LONG_SERVICES[i % 4]} s{i:03d}"),
            direct_line=f"+33 (0)1 23 45 67 {i:02d} p. 12345" if i % 6 == 0 else "01 23 45 67 89",
            mobile="" if i % 3 else "06 12 34 56 78",
            dect=f"BIP-{i:04d}-XYZ" if i % 9 == 0 else "4321",
            on_call=i % 7 == 0,
        )
        for i in range(80)
    )


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _render_directory(establishment):
    """Every chunk of the directory as the kit renders it: (WeasyPrint documents, page texts)."""
    document = registry.get("directory")
    documents, texts = [], []
    for params in document.chunks(establishment, {}):
        html = document.render(establishment, params, generated_at=timezone.now()).html
        laid_out = _layout(html)
        documents.append(laid_out)
        reader = PdfReader(io.BytesIO(laid_out.write_pdf()))
        texts += [page.extract_text() for page in reader.pages]
    return documents, texts


def _layout(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url=engine.base_url(), url_fetcher=engine.url_fetcher()).render(
        stylesheets=[engine.stylesheet()]
    )


def _column_boxes(box):
    """The absolutely positioned .col blocks of a laid-out page (placeholders unwrapped)."""
    box = getattr(box, "_box", box)
    if box.element_tag == "div" and "col" in (box.element.get("class") or "").split() and hasattr(box, "children"):
        if box.style["position"] == "absolute":
            yield box
            return
    for child in getattr(box, "children", []):
        yield from _column_boxes(child)


@pytest.fixture
def small_chunks(monkeypatch):
    """Two pages per chunk: the 80 people span several chunks, numbered as one document."""
    monkeypatch.setattr(type(registry.get("directory")), "CHUNK_PAGES", 2)


def test_every_character_of_every_entry_is_printed_and_nothing_ends_with_an_ellipsis(
    establishment, long_directory, small_chunks
):
    _, texts = _render_directory(establishment)
    printed = _squeeze("".join(texts))
    for entry in long_directory:
        for value in (
            entry.last_name.upper(),
            entry.first_name,
            entry.function,
            entry.service.name,
            entry.direct_line,
            entry.mobile,
            entry.dect,
        ):
            assert _squeeze(value) in printed, value
    assert "…" not in printed and "..." not in printed


def test_no_printed_line_runs_past_its_column(establishment, long_directory, small_chunks):
    documents, _ = _render_directory(establishment)
    checked = 0
    for document in documents:
        for page in document.pages:
            for column in _column_boxes(page._page_box):  # WeasyPrint's laid-out boxes
                right = column.content_box_x() + column.width
                for line in column.children:
                    for text in line.children:
                        assert text.position_x + text.width <= right + 0.01, text.text
                        checked += 1
    assert checked > 80 * 3  # every visible cell was looked at


def test_pages_are_numbered_as_one_document_across_chunks(establishment, long_directory, small_chunks):
    _, texts = _render_directory(establishment)
    total = len(texts)
    assert total > 2  # wrapped rows take more pages than 80 one-line rows would (2)
    for number, text in enumerate(texts, start=1):
        assert f"page {number} / {total}" in text


def test_a_wrapped_row_keeps_its_columns_aligned_and_is_never_split_across_pages(establishment, long_directory):
    from comms.documents import FONT_SIZE, _columns

    entries = list(registry.get("directory").entries(establishment.pk))
    pages = sheets.layout(entries, _columns(), font_size=FONT_SIZE)
    for page in pages:
        counts = {len(column.text.split("\n")) for column in page.columns}
        assert len(counts) == 1  # every column has as many lines: rows stay side by side
        assert counts.pop() <= sheets.rows_per_page()
        assert page.bands  # a page with wrapped rows shades each second row as a whole
    names = [_squeeze(page.columns[0].text) for page in pages]
    for entry in entries:
        # The whole name on one page, once: a row is never cut by a page break.
        assert sum(_squeeze(entry.last_name.upper() + entry.first_name) in name for name in names) == 1


def test_a_value_wider_than_its_column_wraps_at_spaces_and_keeps_every_character():
    text = "Service de médecine physique et de réadaptation neurologique " + "x" * 90
    lines = sheets.wrap(text, 40, 8)
    assert len(lines) > 2
    assert _squeeze("".join(lines)) == _squeeze(text)
    assert all(sheets.text_width(line, 8) <= 40 - 2 * sheets.CELL_PADDING for line in lines)
    assert lines[0].startswith("Service de") and " " not in lines[-1]


def test_parts_share_a_line_when_they_fit_and_break_between_them_first():
    assert sheets.wrap_parts(("Médecin", "Urgences"), " · ", 60, 8) == ["Médecin · Urgences"]
    assert sheets.wrap_parts(("Technicien de laboratoire", "Consultations externes"), " · ", 50, 8) == [
        "Technicien de laboratoire",
        "Consultations externes",
    ]
    assert sheets.wrap_parts(("", "Urgences"), " · ", 60, 8) == ["Urgences"]


def test_the_direct_line_the_mobile_and_the_dect_each_have_their_own_labelled_column(establishment):
    from comms.documents import FONT_SIZE, _columns

    DirectoryEntry.objects.create(
        establishment=establishment,
        last_name="Garde",
        first_name="Anne",
        function="Cadre",
        direct_line="04 90 00 10 01",
        mobile="06 70 00 10 01",
        dect="4321",
    )
    DirectoryEntry.objects.create(
        establishment=establishment, last_name="Zorn", first_name="Luc", function="IDE", mobile="06 70 00 20 02"
    )
    entries = list(registry.get("directory").entries(establishment.pk))
    page = sheets.layout(entries, _columns(), font_size=FONT_SIZE)[0]
    column = {c.label: c.text.split("\n") for c in page.columns}
    assert column["Ligne directe"][:2] == ["04 90 00 10 01", ""]
    assert column["Mobile"][:2] == ["06 70 00 10 01", "06 70 00 20 02"]
    assert column["DECT"][:2] == ["4321", ""]


def test_the_directory_by_service_is_chunked_numbered_as_one_document_and_prints_everyone_once(
    establishment, long_directory, small_chunks
):
    document = registry.get("directory_by_service")
    chunks = document.chunks(establishment, {})
    assert len(chunks) > 1
    texts = []
    for params in chunks:
        html = document.render(establishment, params, generated_at=timezone.now()).html
        texts += [page.extract_text() for page in PdfReader(io.BytesIO(_layout(html).write_pdf())).pages]
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"page {number} / {total}" in text and "À jour du" in text
    printed = _squeeze("".join(texts))
    for entry in long_directory:
        assert printed.count(_squeeze(f"{entry.last_name.upper()}{entry.first_name}")) == 1
        assert _squeeze(entry.service.name) in printed
