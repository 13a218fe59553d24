"""Ruled sheets: long lists laid out column by column on fixed-height pages.

WeasyPrint spends about a millisecond per line box, whatever holds it. A
directory as a table costs one box per cell (7 × 3,000 here); as one
``white-space: pre`` block per column and page, it costs one line per visible
column and row, no table layout. Rows stay aligned because every column shares
the same line height and WeasyPrint never wraps: the lines are ours.

Nothing is cut: a value wider than its column is wrapped here, at spaces (inside
a word only when the word alone is wider than the column), measured with the
font's own advance widths; the row then takes as many lines as its tallest cell
and the other columns are padded with empty lines. A page whose rows all fit on
one line keeps its background as one SVG tile; a page with a wrapped row gets
one band per shaded (zebra) or ruled (lined) row, so a row reads as one unit.
Pagination is ours, so page numbers are known before rendering, which lets a
long document render in parallel chunks.
"""

import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]+")
_SPACES = re.compile(r"( +)")  # only U+0020 is a break point: no-break and figure spaces glue
ROW_HEIGHT = {"zebra": 4.3, "lined": 7.9}  # mm, must match static/css/print.css
HEAD_HEIGHT = 5.0  # mm
GRID_HEIGHT = {"portrait": 244.0, "landscape": 160.0}  # mm under the sheet title
CELL_PADDING = 1.2  # mm each side of a column's text (.col in print.css)
FONT_SIZE = 9.0  # pt, the sheets' text (html in print.css); the directory sets 8
FONT_FAMILY = "DejaVu Sans"  # must match print.css
# Measured widths ignore kerning and shaping, which may move a line by a fraction of a
# point either way: wrap a little short of the column so a line never touches the next.
SAFETY = 0.97
UNKNOWN_GLYPH_EM = 1.0  # a character the font lacks comes from a fallback font: assume a full em


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # mm
    value: Callable[[object], str | tuple[str, ...]] | None = None  # None: left blank, to fill by hand
    css: str = ""
    # A value given as parts ("function", "service") is joined with this on one line when it
    # fits; otherwise lines break between parts first, so a part is cut only if it alone is too wide.
    separator: str = " · "


@dataclass
class SheetColumn:
    label: str
    left: float
    width: float
    css: str
    text: str


@dataclass
class SheetPage:
    number: int
    total: int
    heading: str
    columns: list[SheetColumn] = field(default_factory=list)
    rows_height: float = 0.0
    bands: list[tuple[float, float]] = field(default_factory=list)  # (top, height) mm; empty: the tile


def rows_per_page(style: str = "zebra", orientation: str = "portrait") -> int:
    """Lines on a page; as many rows when none wraps."""
    return int((GRID_HEIGHT[orientation] - HEAD_HEIGHT) // ROW_HEIGHT[style])


def _cell(text: str) -> str:
    # One line per row, always: a newline in user text would shift every row below.
    # (Not str.split(): it would also eat the figure spaces that align numbers.)
    return _LINE_BREAKS.sub(" ", str(text)).strip(" ")


# --- measuring and wrapping ------------------------------------------------------------------


@cache
def _advances() -> tuple[dict[int, float], float]:
    """Advance width of every character of the sheets' font, in em; and the width to assume for others."""
    try:
        from fontTools.ttLib import TTFont

        path = subprocess.run(
            ["fc-match", "-f", "%{file}", FONT_FAMILY], capture_output=True, text=True, timeout=10, check=True
        ).stdout
        font = TTFont(path, lazy=True)
        metrics, per_em = font["hmtx"], font["head"].unitsPerEm
        return {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}, UNKNOWN_GLYPH_EM
    except (OSError, subprocess.SubprocessError, KeyError, ImportError):
        return {}, UNKNOWN_GLYPH_EM  # no font file found: every character a full em, never too long


def font_metrics() -> None:
    """Read the sheets' font once (web.warmup calls it before gunicorn forks its workers)."""
    _advances()


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Width of one line of text in mm, as the sheets' font draws it (without kerning)."""
    advances, unknown = _advances()
    return sum(advances.get(ord(ch), unknown) for ch in text) * font_size * 25.4 / 72


def _split_word(word: str, limit: float, font_size: float) -> list[str]:
    """A word wider than the column: as many characters per line as fit (at least one)."""
    pieces, current = [], ""
    for ch in word:
        if current and text_width(current + ch, font_size) > limit:
            pieces.append(current)
            current = ""
        current += ch
    return pieces + [current]


def wrap(text: str, width: float, font_size: float = FONT_SIZE) -> list[str]:
    """Lines of a cell in a column `width` mm wide; every character kept, spaces at breaks dropped."""
    text = _cell(text)
    limit = (width - 2 * CELL_PADDING) * SAFETY
    if text_width(text, font_size) <= limit:
        return [text]
    lines, current = [], ""
    tokens = _SPACES.split(text)
    for word, space in zip(tokens[::2], tokens[1::2] + [""], strict=True):
        candidate = current + word
        if current and text_width(candidate, font_size) > limit:
            lines.append(current.rstrip(" "))
            candidate = word
        if text_width(candidate, font_size) > limit:
            *full, candidate = _split_word(candidate, limit, font_size)
            lines += full
        current = candidate + space
    return lines + [current.rstrip(" ")]


# --- pagination --------------------------------------------------------------------------------


def wrap_parts(parts: Sequence[str], separator: str, width: float, font_size: float = FONT_SIZE) -> list[str]:
    """Parts joined by the separator, as many per line as fit; a part too wide alone is wrapped."""
    limit = (width - 2 * CELL_PADDING) * SAFETY
    lines, current = [], ""
    for part in (_cell(p) for p in parts):
        if not part:
            continue
        candidate = current + separator + part if current else part
        if text_width(candidate, font_size) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        if part.strip():  # padding (a blank number) is for alignment only: never opens a line
            *full, current = wrap(part, width, font_size)
            lines += full
    return lines + [current]


def _lines(column: Column, row, font_size: float) -> list[str]:
    if row is None or column.value is None:
        return [""]
    value = column.value(row)
    if isinstance(value, str):
        return wrap(value, column.width, font_size)
    return wrap_parts(value, column.separator, column.width, font_size)


def _row_cells(row, columns: Sequence[Column], font_size: float) -> list[list[str]]:
    return [_lines(column, row, font_size) for column in columns]


def paginate(heights: Sequence[int], lines: int) -> list[int]:
    """Start index of each page's first row, for rows `heights` lines tall on pages of `lines` lines.

    A row never straddles two pages (a row taller than a page has one to itself).
    """
    starts, used = [0], 0
    for index, height in enumerate(heights):
        if used and used + height > lines:
            starts.append(index)
            used = 0
        used += height
    return starts


def row_heights(rows: Sequence, columns: Sequence[Column], font_size: float = FONT_SIZE) -> list[int]:
    return [max(len(cell) for cell in _row_cells(row, columns, font_size)) for row in rows]


def page_starts(
    rows: Sequence, columns: Sequence[Column], *, style: str = "zebra", orientation="portrait", font_size=FONT_SIZE
) -> list[int]:
    """Page starts of these rows (see paginate): what a chunked document needs to number its pages."""
    return paginate(row_heights(rows, columns, font_size), rows_per_page(style, orientation))


def _bands(heights: list[int], style: str) -> list[tuple[float, float]]:
    """Shaded rows (zebra: every second row) or ruled rows (lined: every row) of a page with a wrapped row."""
    if all(h == 1 for h in heights):
        return []
    bands, top = [], 0
    for index, height in enumerate(heights):
        if style == "lined" or index % 2 == 1:
            bands.append((round(top * ROW_HEIGHT[style], 2), round(height * ROW_HEIGHT[style], 2)))
        top += height
    return bands


def layout(
    rows: Sequence,
    columns: Sequence[Column],
    *,
    style: str = "zebra",
    orientation: str = "portrait",
    heading: str = "",
    first_number: int = 1,
    total: int | None = None,
    min_rows: int = 0,
    font_size: float = FONT_SIZE,
) -> list[SheetPage]:
    """Cut rows into pages and each page into column texts; blank rows up to min_rows."""
    rows = list(rows) + [None] * max(0, min_rows - len(rows))
    cells = [_row_cells(row, columns, font_size) for row in rows]
    heights = [max(len(cell) for cell in row) for row in cells]
    starts = paginate(heights, rows_per_page(style, orientation)) if rows else [0]
    total = total or first_number - 1 + len(starts)
    out = []
    for index, (start, end) in enumerate(zip(starts, starts[1:] + [len(rows)], strict=True)):
        page_heights = heights[start:end] or [rows_per_page(style, orientation)]
        page = SheetPage(
            first_number + index,
            total,
            heading,
            rows_height=sum(page_heights) * ROW_HEIGHT[style],
            bands=_bands(heights[start:end], style),
        )
        left = 0.0
        for position, column in enumerate(columns):
            text = ""
            if column.value is not None:
                lines = []
                for row_cells, height in zip(cells[start:end], heights[start:end], strict=True):
                    cell = row_cells[position]
                    lines += cell + [""] * (height - len(cell))
                text = "\n".join(lines)
            page.columns.append(SheetColumn(column.label, left, column.width, column.css, text))
            left += column.width
        out.append(page)
    return out


def page_count(row_count: int, style: str = "zebra", orientation: str = "portrait") -> int:
    """Pages for rows that all fit on one line (blank registers); see page_starts for rows of real text."""
    per_page = rows_per_page(style, orientation)
    return max(1, -(-row_count // per_page))
