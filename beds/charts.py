"""The occupancy chart, drawn on the server as SVG: attributes only (the CSP allows no inline style)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 28


def occupancy_svg(points: list[tuple]) -> SafeString:
    """Occupancy rate over time, with 0/50/100 % lines and a tick per day. points: (time, occupied, capacity)."""
    if len(points) < 2:
        return SafeString("")
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t) -> float:
        return round(LEFT + plot_w * (t - start).total_seconds() / span, 1)

    def y(rate: float) -> float:
        return round(TOP + plot_h * (1 - min(rate, 100) / 100), 1)

    rates = [(t, 100 * occupied / capacity if capacity else 0) for t, occupied, capacity in points]
    line = " ".join(f"{x(t)},{y(r)}" for t, r in rates)
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-grid"/><text x="{}" y="{}" class="chart-label" text-anchor="end">{} %</text>',
        ((LEFT, y(v), WIDTH - RIGHT, y(v), LEFT - 4, y(v) + 4, v) for v in (0, 50, 100)),
    )
    days = []
    day = timezone.localtime(start).replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= end:
        if day >= start:
            days.append((x(day), TOP, x(day), TOP + plot_h, x(day), HEIGHT - 8, day.strftime("%d/%m")))
        day = timezone.localtime(day + timedelta(days=1)).replace(hour=0)
    ticks = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-day"/><text x="{}" y="{}" class="chart-label" text-anchor="middle">{}</text>',
        days,
    )
    low, high = min(r for _t, r in rates), max(r for _t, r in rates)
    summary = _("Taux d'occupation du %(start)s au %(end)s : de %(low)s %% à %(high)s %%, %(last)s %% à la fin.") % {
        "start": timezone.localtime(start).strftime("%d/%m %H:%M"),
        "end": timezone.localtime(end).strftime("%d/%m %H:%M"),
        "low": round(low),
        "high": round(high),
        "last": round(rates[-1][1]),
    }
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="chart-title chart-desc">'
        '<title id="chart-title">{}</title><desc id="chart-desc">{}</desc>{}{}'
        '<polyline points="{}" class="chart-line" fill="none"/></svg>',
        WIDTH,
        HEIGHT,
        _("Occupation de l'unité"),
        summary,
        grid,
        ticks,
        line,
    )
