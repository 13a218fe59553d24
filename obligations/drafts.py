"""Pre-filled drafts of each report, from what the console knows: to copy into the portal, or printed.

A draft is a list of sections, each a list of (label, value) lines: the page shows it, the API
returns it, the "by any means" form prints it. The feature apps below this one (continuity,
tickets, comms, beds) are read through the app registry when they are installed: a console
without one of them still drafts every report, with what it has.
"""

from django.apps import apps
from django.db.models import Count
from django.utils.translation import gettext as _

from crisis.models import Crisis, Decision, JournalEntry, RidaLine
from web.moments import moment

from .models import Kind, Obligation

# What each report asks (REFERENCE.md), section by section.
SECTIONS = {
    Kind.SIGNALEMENT_PORTAIL: ("establishment", "declarant", "times", "scope", "systems", "impacts", "response"),
    Kind.ARS: ("establishment", "declarant", "times", "scope", "systems", "impacts", "response"),
    Kind.CNIL: ("establishment", "declarant", "times", "breach", "impacts", "response"),
    Kind.PLAINTE: ("establishment", "declarant", "times", "scope", "evidence"),
    Kind.ASSUREUR: ("establishment", "declarant", "times", "scope", "complaint", "costs"),
    Kind.RSSI_GHT: ("establishment", "declarant", "times", "scope", "systems", "alerts", "response"),
    Kind.PRIS: ("establishment", "declarant", "times", "scope", "systems", "alerts"),
}


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _counts_by(model, crisis: Crisis, field: str) -> list[tuple[str, int]]:
    """(value shown, count) of a crisis's records grouped by one choice field."""
    if model is None or "crisis" not in _field_names(model) or field not in _field_names(model):
        return []
    choices = dict(model._meta.get_field(field).choices or [])
    rows = model.objects.filter(crisis=crisis).values(field).annotate(n=Count("pk")).order_by("-n")
    return [(str(choices.get(row[field], row[field])), row["n"]) for row in rows]


def _down_applications(crisis: Crisis) -> list[str]:
    """The applications down or degraded in this crisis (continuity's situation board), worst first."""
    model = _model("continuity.ApplicationStatus")
    if model is None:
        return []
    rows = (
        model.objects.filter(crisis=crisis, status__in=("hors_service", "degrade"))
        .select_related("application")
        .order_by("-status", "application__name")[:40]
    )
    return [f"{row.application} ({row.get_status_display()})" for row in rows]


def _alert_counts(crisis: Crisis) -> list[tuple[str, int]]:
    from .retex import alerts_of

    alerts = alerts_of(crisis)
    if alerts is None:
        return []
    choices = dict(alerts.model._meta.get_field("severity").choices)
    rows = alerts.values("severity").annotate(n=Count("pk")).order_by("-n")
    return [(str(choices.get(row["severity"], row["severity"])), row["n"]) for row in rows]


def facts(crisis: Crisis, declarant) -> dict:
    """Everything a draft may show, gathered once."""
    establishment = crisis.establishment
    ticket_model = _model("tickets.Ticket")
    decisions = list(
        Decision.objects.filter(crisis=crisis).select_related("journal_entry").order_by("occurred_at")[:20]
    )
    urgent = list(
        JournalEntry.objects.filter(crisis=crisis, priority=JournalEntry.Priority.URGENT, corrects__isnull=True)
        .order_by("occurred_at")
        .values_list("occurred_at", "text")[:15]
    )
    complaint = Obligation.objects.filter(crisis=crisis, kind=Kind.PLAINTE).first()
    from .selectors import cost_totals

    return {
        "crisis": crisis,
        "establishment": establishment,
        "declarant": declarant,
        "tickets": _counts_by(ticket_model, crisis, "status"),
        "alerts": _alert_counts(crisis),
        "applications": _down_applications(crisis),
        "decisions": decisions,
        "urgent": urgent,
        "actions_open": RidaLine.objects.filter(
            crisis=crisis, kind=RidaLine.Kind.ACTION, status__in=RidaLine.OPEN_STATUSES
        ).count(),
        "complaint": complaint,
        "costs": cost_totals(crisis),
    }


def _section(key: str, f: dict) -> tuple[str, list[tuple[str, str]]]:
    crisis, establishment = f["crisis"], f["establishment"]
    if key == "establishment":
        return _("Établissement"), [
            (_("Nom"), establishment.name),
            (_("N° FINESS"), establishment.finess or _("(à compléter)")),
            (_("GHT"), str(establishment.ght) if establishment.ght_id else "—"),
            (_("Lits / personnels"), f"{establishment.beds} / {establishment.staff}"),
        ]
    if key == "declarant":
        user = f["declarant"]
        name = (user.get_full_name() or user.get_username()) if user is not None else _("(à compléter)")
        return _("Déclarant"), [(_("Nom"), name), (_("Courriel"), getattr(user, "email", "") or _("(à compléter)"))]
    if key == "times":
        return _("Dates et heures"), [
            (_("Détection"), moment(crisis.detected_at, "long_date_time")),
            (
                _("Prise de connaissance"),
                moment(crisis.awareness_at, "long_date_time") if crisis.awareness_at else _("(à compléter)"),
            ),
            (_("Phase actuelle"), crisis.get_phase_display()),
        ]
    if key == "scope":
        return _("Nature et périmètre"), [
            (_("Intitulé"), crisis.title),
            (_("Nature"), crisis.get_kind_display() + (" — " + _("EXERCICE") if crisis.is_exercise else "")),
            (_("Gravité"), crisis.get_severity_display()),
        ]
    if key == "systems":
        rows = [(_("Application"), name) for name in f["applications"]]
        return _("Systèmes concernés"), rows or [(_("Applications"), _("(état des applications non renseigné)"))]
    if key == "impacts":
        rows = [(moment(at, "day_time"), text) for at, text in f["urgent"]]
        return _("Impacts (faits urgents de la main courante)"), rows or [(_("Impacts"), _("(à compléter)"))]
    if key == "response":
        rows = [(moment(d.occurred_at, "day_time"), d.get_gate_display()) for d in f["decisions"]]
        rows.append((_("Actions en cours au RIDA"), str(f["actions_open"])))
        rows += [(_("Tickets : %(status)s") % {"status": label}, str(n)) for label, n in f["tickets"]]
        return _("État de la réponse"), rows
    if key == "alerts":
        rows = [(_("Alertes : %(level)s") % {"level": label}, str(n)) for label, n in f["alerts"]]
        return _("Alertes SOC/EDR"), rows or [(_("Alertes"), _("aucune alerte enregistrée"))]
    if key == "breach":
        return _("Violation de données (RGPD art. 33)"), [
            (_("Nature de la violation"), _("(confidentialité / intégrité / disponibilité : à compléter)")),
            (_("Catégories et nombre approximatif de personnes"), _("(à compléter)")),
            (_("Catégories et nombre approximatif d'enregistrements"), _("(à compléter)")),
            (_("Contact du DPO"), _("(à compléter)")),
            (_("Conséquences probables"), _("(à compléter)")),
            (_("Mesures prises ou envisagées"), "; ".join(d.get_gate_display() for d in f["decisions"]) or "—"),
        ]
    if key == "evidence":
        return _("Éléments de preuve"), [
            (
                _("Main courante"),
                _("%(count)s entrées, chaîne d'empreintes vérifiable") % {"count": crisis.journal_last_seq},
            ),
            (_("Empreinte de tête"), crisis.journal_last_hash or "—"),
            (_("Alertes SOC/EDR"), str(sum(n for _label, n in f["alerts"]))),
            (_("Dossier de preuves"), _("export signé de la console (export_crisis)")),
        ]
    if key == "complaint":
        complaint = f["complaint"]
        done = complaint is not None and complaint.status == Obligation.Status.FAIT
        return _("Plainte"), [
            (_("Déposée le"), moment(complaint.done_at, "long_date_time") if done else _("(pas encore déposée)")),
            (_("Référence du récépissé"), complaint.reference if done and complaint.reference else "—"),
            (_("N° de contrat"), _("(à compléter)")),
        ]
    if key == "costs":
        totals = f["costs"]
        rows = [(label, f"{amount:.2f} €") for _value, label, amount in totals["categories"] if amount]
        rows.append((_("Total"), f"{totals['total']:.2f} €"))
        return _("Coûts engagés"), rows
    raise KeyError(key)


def draft(obligation: Obligation, declarant) -> dict:
    """The pre-filled report of an obligation: its title and sections of (label, value) lines."""
    f = facts(obligation.crisis, declarant)
    sections = []
    for key in SECTIONS[obligation.kind]:
        title, lines = _section(key, f)
        sections.append({"key": key, "title": title, "lines": [{"label": str(a), "value": str(b)} for a, b in lines]})
    return {"kind": obligation.kind, "title": obligation.get_kind_display(), "sections": sections}


def draft_text(data: dict) -> str:
    """The draft as plain text, to copy into a portal's form."""
    out = [data["title"].upper(), ""]
    for section in data["sections"]:
        out.append(section["title"])
        out += [f"  {line['label']} : {line['value']}" for line in section["lines"]]
        out.append("")
    return "\n".join(out)
