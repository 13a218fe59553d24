"""The monthly report's chart, drawn on the server as SVG (no script, prints as it shows)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .models import Alert

COLOURS = {"critique": "#9b1c1c", "haute": "#c2410c", "moyenne": "#a16207", "basse": "#1d4ed8", "info": "#475569"}
WIDTH, BAR_HEIGHT, GAP, LABEL = 560, 22, 8, 110


def report_chart(report: dict) -> SafeString:
    """Horizontal bars, one per severity, each labelled with its count (the words are in the figure)."""
    rows = [(severity, report["by_severity"].get(severity, 0)) for severity in Alert.SEVERITY_ORDER]
    top = max([count for _s, count in rows] + [1])
    span = WIDTH - LABEL - 60
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    bars = format_html_join(
        "",
        '<g><text x="{}" y="{}" text-anchor="end" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="13">{}</text></g>',
        (
            (
                LABEL - 8,
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT * 0.7,
                Alert.Severity(severity).label,
                LABEL,
                GAP + i * (BAR_HEIGHT + GAP),
                round(span * count / top, 1),
                BAR_HEIGHT,
                COLOURS[severity],
                LABEL + round(span * count / top, 1) + 6,
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT * 0.7,
                count,
            )
            for i, (severity, count) in enumerate(rows)
        ),
    )
    title = _("Alertes reçues par sévérité, %(month)s") % {"month": report["month"]}
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}"'
        ' class="chart"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        title,
        title,
        bars,
    )
