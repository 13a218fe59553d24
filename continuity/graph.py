"""The dependency graph of the application map, drawn on the server as SVG (no script, prints as is).

Layout: one column per restart wave (what restarts first on the left), applications of a wave stacked
by priority; cycles and what waits on them in a last column. An arrow goes from a dependency to what
depends on it. Names are escaped by the template engine's escape (no raw text reaches the markup).
"""

from django.utils.html import escape
from django.utils.translation import gettext as _

from .selectors import compute_plan

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN, HEAD = 205, 34, 64, 12, 16, 26
PRIORITY_FILL = {1: "#fde2e1", 2: "#fff1d6", 3: "#e6f0fa", 4: "#eef1f4"}


def _label(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dependency_svg(apps: dict, deps: dict) -> str:
    plan = compute_plan(apps, deps)
    columns = [[step.application for step in wave] for wave in plan.waves]
    placed = {a.pk for column in columns for a in column}
    rest = sorted((a for pk, a in apps.items() if pk not in placed), key=lambda a: (a.priority, a.name))
    if rest:
        columns.append(rest)
    where: dict[int, tuple[int, int]] = {}
    for c, column in enumerate(columns):
        for r, application in enumerate(column):
            where[application.pk] = (MARGIN + c * (BOX_W + GAP_X), MARGIN + HEAD + r * (BOX_H + GAP_Y))
    width = MARGIN * 2 + max(len(columns), 1) * (BOX_W + GAP_X) - GAP_X
    height = MARGIN * 2 + HEAD + max((len(c) for c in columns), default=0) * (BOX_H + GAP_Y)
    title = _("Graphe des dépendances : %(n)s applications, %(m)s dépendances") % {
        "n": len(apps),
        "m": sum(len(v) for v in deps.values()),
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" aria-labelledby="graph-title" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f'<title id="graph-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5b6770"/></marker></defs>',
    ]
    for c in range(len(columns)):
        x = MARGIN + c * (BOX_W + GAP_X)
        is_rest = rest and c == len(columns) - 1
        head = _("Cycle ou en attente d'un cycle") if is_rest else _("Vague %(n)s") % {"n": c + 1}
        parts.append(f'<text x="{x}" y="{MARGIN + 12}" font-weight="bold" fill="#1f3b57">{escape(head)}</text>')
    for source, targets in deps.items():
        if source not in where:
            continue
        x2, y2 = where[source]
        for target in targets:
            if target not in where:
                continue
            x1, y1 = where[target]
            if x1 < x2:
                start, end = (x1 + BOX_W, y1 + BOX_H / 2), (x2, y2 + BOX_H / 2)
            else:  # same column or backwards (a cycle): around the left side
                start, end = (x1, y1 + BOX_H / 2), (x2, y2 + BOX_H / 2)
            mid = (start[0] + end[0]) / 2 if x1 < x2 else min(start[0], end[0]) - GAP_X / 2
            parts.append(
                f'<path d="M {start[0]} {start[1]} C {mid} {start[1]}, {mid} {end[1]}, {end[0]} {end[1]}"'
                f' fill="none" stroke="#8a96a0" stroke-width="1" marker-end="url(#arrow)"/>'
            )
    cycle_members = {name for cycle in plan.cycles for name in cycle}
    for pk, (x, y) in where.items():
        application = apps[pk]
        fill = PRIORITY_FILL.get(application.priority, "#fff")
        stroke = "#b3261e" if application.name in cycle_members else "#5b6770"
        parts.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="4" fill="{fill}" stroke="{stroke}"/>'
            f'<text x="{x + 8}" y="{y + 14}" font-weight="bold">{escape(_label(application.name))}</text>'
            f'<text x="{x + 8}" y="{y + 27}" fill="#333" font-size="9.5">'
            f"{escape(_('priorité %(p)s') % {'p': application.priority})} · "
            f"{escape(application.get_kind_display())}</text>"
            f"<title>{escape(application.name)}</title></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
