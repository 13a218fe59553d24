"""The campaigns' chart over time, drawn on the server as SVG (no script, prints as it shows).

Only coordinates are computed here; the template (preparedness/_campaign_chart.html) writes the
SVG, so every text in it is escaped like any other.
"""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40


@dataclass
class Series:
    key: str
    label: str
    points: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, the value in words

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, _v) in enumerate(self.points))


@dataclass
class Chart:
    width: int
    height: int
    series: list[Series]
    y_ticks: list[tuple[float, int]]  # y, percent
    x_ticks: list[tuple[float, str]]  # x, date label
    top: int = TOP
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM


def campaign_chart(campaigns, *, click_label: str, report_label: str, date_label) -> Chart | None:
    """Click and report rates (percent) of the campaigns, oldest first; None with fewer than one."""
    rows = sorted(campaigns, key=lambda c: (c.date, c.pk))
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
        clicks.points.append((x_of(c.date), y_of(c.click_rate), f"{round(c.click_rate * 100)} %"))
        reports.points.append((x_of(c.date), y_of(c.report_rate), f"{round(c.report_rate * 100)} %"))
    y_ticks = [(y_of(p / 100), p) for p in range(0, ceiling + 1, 10 if ceiling <= 50 else 20)]
    step = max(1, len(rows) // 6)
    x_ticks = [(x_of(c.date), date_label(c.date)) for c in rows[::step]]
    return Chart(WIDTH, HEIGHT, [clicks, reports], y_ticks, x_ticks)
