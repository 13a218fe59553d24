"""Putting rendered parts together: merged PDFs with page numbers, the kit's cover, zip archives."""

import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pikepdf
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypdf import PdfReader

from crisis.models import Establishment

from .engine import html_to_pdf

MM = 72 / 25.4  # PDF points per millimetre


@dataclass
class AssembledItem:
    """One item of a job's plan, its parts rendered: what a collection puts together."""

    document: str
    label: str
    group: str
    data_label: str
    files: list[str]  # storage names of the item's parts, in order
    pages: int
    rendered_at: datetime | None = None
    extension: str = "pdf"
    stamp: bool = False  # number the merged pages "page x / y"

    def content(self) -> bytes:
        """The item on its own: its single part as stored, or its chunks merged; numbered if asked."""
        if self.extension != "pdf":
            return read(self.files[0])
        pdf = merge([read(name) for name in self.files]) if len(self.files) > 1 else read(self.files[0])
        return stamp_page_numbers(pdf) if self.stamp else pdf


@dataclass
class Output:
    """What a document or a collection assembles: the job's file."""

    content: bytes
    pages: int | None
    extension: str = "pdf"


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def merge(pdfs: list[bytes], *, outline: list[tuple[str, int]] | None = None) -> bytes:
    """Concatenate PDFs into one, with bookmarks.

    pikepdf (qpdf) rather than pypdf: merging the 70 parts of a large kit took
    1.2 s in pypdf (pure Python parsing of every object stream), 0.09 s here.
    """
    sources = []
    merged = pikepdf.new()
    try:
        for content in pdfs:
            source = pikepdf.open(io.BytesIO(content))
            sources.append(source)  # pages are copied on save: keep the sources open until then
            merged.pages.extend(source.pages)
        with merged.open_outline() as tree:
            for title, page_index in outline or []:
                tree.root.append(pikepdf.OutlineItem(title, page_index))
        out = io.BytesIO()
        merged.save(out)
    finally:
        for source in sources:
            source.close()
        merged.close()
    return out.getvalue()


# Helvetica's advance widths (1/1000 em) for what a page label holds: enough to right-align it.
_WIDTHS = {" ": 278, "/": 278, "i": 222, "l": 222, "f": 278, "t": 278, "r": 333}


def _text_width(text: str, size: float) -> float:
    return sum(_WIDTHS.get(ch, 556) for ch in text) * size / 1000


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252", errors="replace") + b")"


def stamp_page_numbers(pdf: bytes, *, size: float = 6.5, right: float = 12, bottom: float = 7) -> bytes:
    """Write "page x / y" at the bottom right of every page, where print.css puts its own counter.

    Chunks rendered in parallel cannot count the pages of the others; the merged
    document can. A text object per page in a base-14 font (nothing to embed):
    milliseconds for hundreds of pages, against seconds for a WeasyPrint overlay.
    """
    source = pikepdf.open(io.BytesIO(pdf))
    try:
        font = source.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        total = len(source.pages)
        for number, page in enumerate(source.pages, start=1):
            text = _("page %(page)s / %(pages)s") % {"page": number, "pages": total}
            x1, y0 = float(page.mediabox[2]), float(page.mediabox[1])
            x = x1 - right * MM - _text_width(text, size)
            y = y0 + bottom * MM
            page.add_resource(font, pikepdf.Name.Font, pikepdf.Name.PageNo)
            # The page's own drawing in q/Q, so that its graphics state does not move our text.
            page.contents_add(pikepdf.Stream(source, b"q\n"), prepend=True)
            stamp = b"\nQ\nq BT /PageNo %.1f Tf 0.267 g %.2f %.2f Td %s Tj ET Q\n" % (size, x, y, _pdf_string(text))
            page.contents_add(pikepdf.Stream(source, stamp))
        out = io.BytesIO()
        source.save(out)
    finally:
        source.close()
    return out.getvalue()


def _cover(establishment: Establishment, title: str, items: list[AssembledItem], generated_at, cover_pages: int):
    toc, page = [], cover_pages + 1
    groups = Counter(item.group for item in items)
    for item in items:
        # A heading only for documents with several items (procedures: one per service).
        group = item.group if groups[item.group] > 1 else ""
        toc.append({"label": item.label, "group": group, "data_label": item.data_label, "page": page})
        page += item.pages
    html = render_to_string(
        "pdf/kit_cover.html",
        {
            "establishment": establishment,
            "doc_title": title,
            "generated_at": generated_at,
            "data_label": _("sommaire"),
            "toc": toc,
            "total_pages": page - 1,
        },
    )
    return html_to_pdf(html)


def build_kit(establishment: Establishment, title: str, items: list[AssembledItem], generated_at) -> Output:
    """Cover with a table of contents (page numbers from the parts' page counts), then every item."""
    cover, cover_pages = _cover(establishment, title, items, generated_at, 1)
    if cover_pages != 1:  # a long table of contents: number again with its real length
        cover, cover_pages = _cover(establishment, title, items, generated_at, cover_pages)
    outline, page = [(_("Sommaire"), 0)], cover_pages
    for item in items:
        outline.append((item.label, page))
        page += item.pages
    return Output(merge([cover] + [item.content() for item in items], outline=outline), page)


def file_name(index: int, label: str, extension: str) -> str:
    return f"{index:02d}-{slugify(label)[:60] or 'document'}.{extension}"


def zip_archive(files: list[tuple[str, bytes]]) -> bytes:
    """A zip of (name, content) pairs, in order: any kind of file, not only PDFs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return out.getvalue()
