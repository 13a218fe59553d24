"""Ruled sheets: long lists laid out column by column on fixed-height pages.

WeasyPrint spends about a millisecond per line box, whatever holds it. A
directory as a table costs one box per cell (7 × 3,000 here); as one
``white-space: pre`` block per column and page, it costs one line per visible
column and row, no table layout, and rows stay aligned because every column
shares the same line height and nothing wraps. The zebra or ruled background
is one gradient per page. Pagination is ours, so page numbers are known
before rendering, which lets a long document render in parallel chunks.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]+")
ROW_HEIGHT = {"zebra": 4.3, "lined": 7.9}  # mm, must match static/css/print.css
HEAD_HEIGHT = 5.0  # mm
GRID_HEIGHT = {"portrait": 244.0, "landscape": 160.0}  # mm under the sheet title


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # mm
    value: Callable[[object], str] | None = None  # None: left blank, to fill by hand
    css: str = ""


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


def rows_per_page(style: str = "zebra", orientation: str = "portrait") -> int:
    return int((GRID_HEIGHT[orientation] - HEAD_HEIGHT) // ROW_HEIGHT[style])


def _cell(text: str) -> str:
    # One line per row, always: a newline in user text would shift every row below.
    # (Not str.split(): it would also eat the figure spaces that align numbers.)
    return _LINE_BREAKS.sub(" ", str(text))


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
) -> list[SheetPage]:
    """Cut rows into pages and each page into column texts; blank rows up to min_rows."""
    per_page = rows_per_page(style, orientation)
    rows = list(rows) + [None] * max(0, min_rows - len(rows))
    pages = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[None] * per_page]
    total = total or first_number - 1 + len(pages)
    out = []
    for index, page_rows in enumerate(pages):
        page = SheetPage(first_number + index, total, heading, rows_height=len(page_rows) * ROW_HEIGHT[style])
        left = 0.0
        for column in columns:
            if column.value is None:
                text = ""
            else:
                text = "\n".join("" if row is None else _cell(column.value(row)) for row in page_rows)
            page.columns.append(SheetColumn(column.label, left, column.width, column.css, text))
            left += column.width
        out.append(page)
    return out


def page_count(row_count: int, style: str = "zebra", orientation: str = "portrait") -> int:
    per_page = rows_per_page(style, orientation)
    return max(1, -(-row_count // per_page))
