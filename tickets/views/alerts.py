"""The alerts' pages: the live list with its triage, one alert, the monthly report, the banner's poll."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crisis import live
from crisis.permissions import get_establishment_for_user, object_of
from crisis.services.records import record_history
from web import live as web_live

from .. import access, selectors, services
from ..charts import report_chart
from ..forms import AlertActionForm, AlertFilterForm, ReportMonthForm
from ..models import ALERTS_TOPIC, Alert

TOPICS = (ALERTS_TOPIC,)
PAGE = 100


@login_required
@require_GET
def alerts(request: HttpRequest, establishment_id: int) -> HttpResponse:
    if unchanged := live.unchanged_poll(
        request, topics=TOPICS, establishment_id=establishment_id, capability=access.READ
    ):
        return unchanged
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    version = live.version(establishment, TOPICS)
    filters = AlertFilterForm(request.GET or None)
    rows = selectors.alerts_filtered(selectors.alerts_of(establishment.pk), filters.filters()).defer("payload")
    query = request.GET.copy()
    query.pop(web_live.PARAM, None)
    context = {
        "establishment": establishment,
        "membership": membership,
        "alerts": list(rows[:PAGE]),
        "total": rows.count(),
        "filters": filters,
        "can_triage": membership.has(access.ALERTS_TRIAGE),
        "live_version": version,
        "poll_url": f"{request.path}?{web_live.PARAM}={version}{'&' + query.urlencode() if query else ''}",
        "back": request.get_full_path(),
        "month": timezone.localtime().strftime("%Y-%m"),
    }
    template = "tickets/alerts.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context)


@login_required
@require_GET
def alert_detail(request: HttpRequest, establishment_id: int, alert_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    alert = object_of(establishment, selectors.alerts_of(establishment.pk), alert_id)
    return _alert_page(request, establishment, membership, alert)


def _alert_page(request, establishment, membership, alert, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "establishment": establishment,
        "membership": membership,
        "alert": alert,
        "history": record_history(alert),
        "can_triage": membership.has(access.ALERTS_TRIAGE),
        "error": error,
    }
    return render(request, "tickets/alert.html", context, status=status)


def _safe_back(request: HttpRequest, fallback: str) -> str:
    back = request.POST.get("back", "")
    return back if back.startswith("/") and not back.startswith("//") else fallback


@login_required
@require_POST
def alert_action(request: HttpRequest, establishment_id: int, alert_id: int) -> HttpResponse:
    """Take, qualify, resolve an alert; record the host's isolation; open a ticket or write the journal."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.ALERTS_TRIAGE)
    alert = object_of(establishment, selectors.alerts_of(establishment.pk), alert_id)
    form = AlertActionForm(request.POST)
    if not form.is_valid() or (form.cleaned_data["action"] == "status" and not form.cleaned_data["status"]):
        return _alert_page(request, establishment, membership, alert, _("Action inconnue."), status=400)
    action = form.cleaned_data["action"]
    try:
        if action == "status":
            services.alert_update(alert=alert, by=request.user, status=form.cleaned_data["status"])
            done = _("Alerte : %(status)s.") % {"status": Alert.Status(form.cleaned_data["status"]).label}
        elif action == "isolate":
            services.alert_isolate_host(alert=alert, by=request.user)
            done = _("Isolement de %(host)s enregistré.") % {"host": alert.host or "l'hôte"}
        elif action == "ticket":
            ticket = services.alert_open_ticket(alert=alert, by=request.user)
            done = _("Ticket %(number)s ouvert.") % {"number": ticket.number}
        else:
            entry = services.alert_write_journal(alert=alert, by=request.user)
            done = _("Écrit dans la main courante (n° %(seq)s).") % {"seq": entry.seq}
    except ValidationError as exc:
        return _alert_page(request, establishment, membership, alert, " ".join(exc.messages), status=400)
    messages.success(request, done)
    return redirect(_safe_back(request, reverse("tickets:alert", args=[establishment.pk, alert.pk])))


@login_required
@require_GET
def alert_report(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """A month of alerts on screen, with its chart (server-side SVG), and its PDF through the pipeline."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    form = ReportMonthForm(request.GET or {"month": timezone.localtime().strftime("%Y-%m")})
    status = 200
    if form.is_valid():
        month = form.cleaned_data["month"]
    else:
        month, status = timezone.localtime().strftime("%Y-%m"), 400
    report = selectors.monthly_report(establishment.pk, month)
    context = {
        "establishment": establishment,
        "membership": membership,
        "form": form,
        "report": report,
        "chart": report_chart(report),
        "month": month,
    }
    return render(request, "tickets/alert_report.html", context, status=status)


@login_required
@require_GET
def banner(request: HttpRequest) -> HttpResponse:
    """The banner's poll (every page of the RSSI and DSI): 204 after one query when no alert moved.
    Only htmx polls here; a page shows its banner when it renders (crisis.plugins.banner)."""
    if not request.htmx:
        return HttpResponse(status=204)
    if web_live.is_poll(request) and (
        unchanged := web_live.nothing_new(request, selectors.banner_version(request.user))
    ):
        return unchanged
    context = banner_context(request)
    if context is None:
        return HttpResponse(status=204)
    return render(request, "tickets/banner.html", {"banner": context})


def banner_context(request: HttpRequest) -> dict | None:
    """What the alert banner shows this user (crisis.plugins.banner): None when no role of theirs sees it."""
    establishment_ids = selectors.banner_establishments(request.user)
    if not establishment_ids:
        return None
    version = selectors.banner_version(request.user)
    count, shown = selectors.banner_alerts(establishment_ids)
    # "Je la prends" comes back to the page the banner is on (its poll's own URL is not a page).
    back = (request.htmx.current_url_abs_path if request.htmx else None) or request.get_full_path()
    return {"version": version, "count": count, "alerts": shown, "back": back}
