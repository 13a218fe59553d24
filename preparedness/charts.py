"""The campaigns' chart over time, drawn on the server as SVG (no script, prints as it shows).

Only coordinates are computed here; the template (preparedness/_campaign_chart.html) writes the
SVG, so every text in it is escaped like any other.
"""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 34, 30


@dataclass
class Series:
    key: str
    label: str
    points: list[tuple[str, str, str]] = field(default_factory=list)  # x, y (SVG numbers), the value in words

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y, _v) in enumerate(self.points))


@dataclass
class Chart:
    width: int
    height: int
    series: list[Series]
    y_ticks: list[tuple[str, str, int]]  # y, the label's y, percent
    x_ticks: list[tuple[str, str]]  # x, date label
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    label_x: int = LEFT - 6
    date_y: int = HEIGHT - BOTTOM + 18


def svg_number(value: float) -> str:
    """A coordinate as SVG reads it: a dot, whatever the language (French would write a comma)."""
    return f"{value:.1f}"


def campaign_chart(campaigns, *, click_label: str, report_label: str, date_label) -> Chart | None:
    """Click and report rates (percent) of the phishing campaigns (the others have no clicks), oldest
    first; None without any."""
    rows = sorted((c for c in campaigns if c.kind == c.Kind.PHISHING), key=lambda c: (c.date, c.pk))
    if not rows:
        return None
    top_rate = max(max(c.click_rate, c.report_rate) for c in rows)
    ceiling = max(20, min(100, int(top_rate * 100 // 10 + 1) * 10))
    first, last = rows[0].date.toordinal(), rows[-1].date.toordinal()
    span = max(1, last - first)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day) -> float:
        return LEFT + (inner_w / 2 if last == first else (day.toordinal() - first) / span * inner_w)

    def y_of(rate: float) -> float:
        return TOP + inner_h - min(rate * 100, ceiling) / ceiling * inner_h

    clicks, reports = Series("click", click_label), Series("report", report_label)
    for c in rows:
        x = svg_number(x_of(c.date))
        clicks.points.append((x, svg_number(y_of(c.click_rate)), f"{round(c.click_rate * 100)} %"))
        reports.points.append((x, svg_number(y_of(c.report_rate)), f"{round(c.report_rate * 100)} %"))
    y_ticks = [
        (svg_number(y_of(p / 100)), svg_number(y_of(p / 100) + 4), p)
        for p in range(0, ceiling + 1, 10 if ceiling <= 50 else 20)
    ]
    step = max(1, -(-len(rows) // 6))
    x_ticks = [(svg_number(x_of(c.date)), date_label(c.date)) for c in rows[::step]]
    return Chart(WIDTH, HEIGHT, [clicks, reports], y_ticks, x_ticks)
