"""The beds' pages: the live map, a bed's movement form, the slips entry page, the census, import and
export, the units' history with their occupancy chart, and the DPO's access log.

Patient references show only to members with ``permissions.PATIENT``; every page that shows them
writes one AccessLog row (who, what, when).
"""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisis import live
from crisis.permissions import get_establishment_for_user, object_of
from web import live as web_live
from web.forms import add_service_errors

from . import charts, rendering, selectors, services
from . import permissions as access
from .forms import CensusForm, ImportForm, MovementForm, ReceiveForm
from .models import TOPIC, AccessLog, Bed, BedStatus, Movement

TOPICS = (TOPIC,)
POLL_SECONDS = 5


def _log(request, establishment, what: str, patients: int, detail: str = "") -> None:
    if patients:
        services.access_log(establishment=establishment, user=request.user, what=what, detail=detail, patients=patients)


# --- the map ---------------------------------------------------------------------------------


@login_required
@require_GET
def bed_map(request: HttpRequest, establishment_id: int) -> HttpResponse:
    if unchanged := live.unchanged_poll(request, topics=TOPICS, establishment_id=establishment_id):
        return unchanged  # nothing moved: 204 after one query
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    version = live.version(establishment, TOPICS)  # before the map: a change meanwhile shows at the next poll
    with_patients = membership.has(access.PATIENT)
    maps, hospital = selectors.current_map(establishment, with_patients=with_patients)
    _log(request, establishment, "carte des lits", sum(1 for m in maps for c in m.cells if c.patient))
    prefix = reverse("beds:map", args=[establishment.pk])  # a bed's page is the map's URL and its id
    for m in maps:
        m.html = rendering.cells_html(m.cells, prefix)
    context = {
        "establishment": establishment,
        "membership": membership,
        "maps": maps,
        "hospital": hospital,
        "with_patients": with_patients,
        "can_write": membership.has(access.WRITE),
        "pending": selectors.pending_slips(establishment).count(),
        "live_version": version,
        "poll_seconds": POLL_SECONDS,
        "statuses": BedStatus,
    }
    template = "beds/map.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context)


def _bed_of(establishment, bed_id: int, with_patients: bool) -> Bed:
    beds = selectors.beds_of(establishment)
    return object_of(establishment, beds.select_related("patient") if with_patients else beds, bed_id)


@login_required
@require_http_methods(["GET", "POST"])
def bed_detail(request: HttpRequest, establishment_id: int, bed_id: int) -> HttpResponse:
    """One bed: its state, its latest movements, and the form to record the next one (htmx: the map's panel)."""
    capability = access.WRITE if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    with_patients = membership.has(access.PATIENT)
    bed = _bed_of(establishment, bed_id, with_patients)
    form, done = None, ""
    if request.method == "POST":
        form = MovementForm(request.POST, establishment=establishment, bed=bed)
        if form.is_valid():
            try:
                movement = services.movement_record(
                    establishment=establishment, by=request.user, **form.movement_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                done = _("Mouvement enregistré : %(what)s.") % {"what": _describe(movement)}
                if not request.htmx:
                    messages.success(request, done)
                    return redirect("beds:map", establishment.pk)
                bed = _bed_of(establishment, bed.pk, with_patients)  # the panel shows the bed as it is now
                form = MovementForm(establishment=establishment, bed=bed, initial=_initial_for(bed))
    elif membership.has(access.WRITE):
        form = MovementForm(establishment=establishment, bed=bed, initial=_initial_for(bed))
    movements = list(
        (Movement.objects.filter(bed=bed) | Movement.objects.filter(to_bed=bed))
        .select_related("bed", "to_bed", "author", *(["patient"] if with_patients else []))
        .order_by("-occurred_at", "-pk")[:10]
    )
    shown = (1 if bed.patient_id else 0) + sum(1 for m in movements if m.patient_id)
    if with_patients:
        _log(request, establishment, "lit", shown, detail=bed.label)
    context = {
        "establishment": establishment,
        "membership": membership,
        "bed": bed,
        "form": form,
        "movements": movements,
        "with_patients": with_patients,
        "done": done,
    }
    template = "beds/bed.html#panel" if request.htmx else "beds/bed.html"
    # htmx swaps no 4xx answer (base.html's config): the panel in error comes back as a 200, as the journal's form.
    status = 400 if form is not None and form.errors and not request.htmx else 200
    response = render(request, template, context, status=status)
    if done:
        response["HX-Trigger"] = "beds-changed"  # the map polls at once
    return response


def _initial_for(bed: Bed) -> dict:
    kind = {
        BedStatus.FREE: "admission",
        BedStatus.OCCUPIED: "sortie",
        BedStatus.BLOCKED: "deblocage",
        BedStatus.CLEANING: "deblocage",
    }.get(bed.status, "blocage")
    return {"kind": kind, "source": Movement.Source.PAPER}


def _describe(movement: Movement) -> str:
    text = f"{movement.get_kind_display()} {movement.bed.label}"
    if movement.to_bed_id:
        text += f" → {movement.to_bed.label}"
    return text


# --- pending slips: the keyboard entry page ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def slips(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """A pile of fiches navettes typed one after another: the form comes back empty and focused after each."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.WRITE)
    form = MovementForm(request.POST or None, establishment=establishment, prefix_id="fiche")
    if request.method == "POST" and form.is_valid():
        try:
            movement = services.movement_record(establishment=establishment, by=request.user, **form.movement_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Fiche saisie : %(what)s.") % {"what": _describe(movement)})
            return redirect("beds:slips", establishment.pk)
    return _slips_page(request, establishment, membership, form)


def _slips_page(request, establishment, membership, form, receive_form=None) -> HttpResponse:
    typed = list(
        Movement.objects.filter(establishment=establishment, author=request.user)
        .select_related("bed", "to_bed", "patient")
        .order_by("-recorded_at", "-pk")[:10]
    )
    _log(request, establishment, "fiches saisies", sum(1 for m in typed if m.patient_id))
    context = {
        "establishment": establishment,
        "membership": membership,
        "form": form,
        "receive_form": receive_form or ReceiveForm(),
        "pending": list(selectors.pending_slips(establishment)[:100]),
        "pending_count": selectors.pending_slips(establishment).count(),
        "typed": typed,
    }
    status = 400 if form.errors or (receive_form is not None and receive_form.errors) else 200
    return render(request, "beds/slips.html", context, status=status)


@login_required
@require_POST
def slips_receive(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.WRITE)
    receive_form = ReceiveForm(request.POST)
    if receive_form.is_valid():
        created = services.slips_receive(
            establishment=establishment, by=request.user, numbers=receive_form.cleaned_data["numbers"]
        )
        messages.success(request, _("%(n)d fiche(s) ajoutée(s) à la pile.") % {"n": len(created)})
        return redirect("beds:slips", establishment.pk)
    form = MovementForm(establishment=establishment, prefix_id="fiche")
    return _slips_page(request, establishment, membership, form, receive_form)


# --- census, import, export --------------------------------------------------------------------


@login_required
@require_GET
def census(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """The census at a chosen time, by unit, compared with the one 24 hours before (counts only)."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    form = CensusForm(request.GET or None)
    at = form.at() if form.is_bound and form.is_valid() else timezone.now()
    previous_at = selectors.previous_census_time(at)
    maps, hospital = selectors.map_at(establishment, at, with_patients=False)
    before, hospital_before = selectors.map_at(establishment, previous_at, with_patients=False)
    before_by_unit = {m.unit.pk: m.totals for m in before}
    comparison = selectors.movements_between(establishment, previous_at, at)
    rows = [
        {
            "unit": m.unit,
            "totals": m.totals,
            "previous": before_by_unit.get(m.unit.pk),
            "changes": comparison.by_unit.get(m.unit.pk, {"entries": 0, "exits": 0, "transfers": 0}),
        }
        for m in maps
    ]
    context = {
        "establishment": establishment,
        "membership": membership,
        "form": form if form.is_bound else CensusForm(),
        "at": at,
        "previous_at": previous_at,
        "rows": rows,
        "hospital": hospital,
        "hospital_before": hospital_before,
        "comparison": comparison,
        "can_import": membership.has(access.WRITE),
    }
    return render(request, "beds/census.html", context, status=400 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def census_import(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.WRITE)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(2_000_001)
        if len(raw) > 2_000_000:
            form.add_error("file", _("Fichier trop volumineux (2 Mo au plus)."))
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
            dry_run = form.cleaned_data["dry_run"]
            errors, created = services.census_import(
                establishment=establishment, by=request.user, text=text, dry_run=dry_run
            )
            if not dry_run and not errors:
                messages.success(request, _("Recensement importé : %(n)d admission(s).") % {"n": created})
                return redirect("beds:map", establishment.pk)
            result = {"dry_run": dry_run, "errors": errors, "would_create": created}
    context = {"establishment": establishment, "membership": membership, "form": form, "result": result}
    status = 400 if form.errors or (result and result["errors"]) else 200
    return render(request, "beds/import.html", context, status=status)


@login_required
@require_GET
def export_csv(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """Every bed and its patient now, in the import's columns (plus unit and status): a census to keep or re-import."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.PATIENT)
    maps, _hospital = selectors.current_map(establishment, with_patients=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="lits-{establishment.short_name}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["unite", "lit", "etat", *services.IMPORT_COLUMNS])
    shown = 0
    for m in maps:
        for c in m.cells:
            p = c.patient
            shown += 1 if p else 0
            writer.writerow(
                [
                    m.unit.name,
                    c.bed.label,
                    c.status,
                    c.bed.label,
                    p.ref if p else "",
                    p.initials if p else "",
                    p.birth_year if p else "",
                    p.sex if p else "",
                    timezone.localtime(c.bed.admitted_at).strftime("%Y-%m-%d %H:%M") if p and c.bed.admitted_at else "",
                    c.bed.expected_discharge.isoformat() if p and c.bed.expected_discharge else "",
                ]
            )
    _log(request, establishment, "export CSV", shown)
    return response


# --- units' history -----------------------------------------------------------------------------


@login_required
@require_GET
def units(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    maps, hospital = selectors.current_map(establishment, with_patients=False)
    context = {"establishment": establishment, "membership": membership, "maps": maps, "hospital": hospital}
    return render(request, "beds/units.html", context)


@login_required
@require_GET
def unit_history(request: HttpRequest, establishment_id: int, unit_id: int) -> HttpResponse:
    """A unit's movements (latest first) and its occupancy over the last three days (an SVG drawn here)."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    unit = object_of(establishment, selectors.units_of(establishment), unit_id)
    with_patients = membership.has(access.PATIENT)
    movements = selectors.unit_history(establishment, unit)
    if with_patients:
        _log(request, establishment, "historique d'unité", sum(1 for m in movements if m.patient_id), detail=unit.name)
    points = selectors.occupancy_series(establishment, unit, days=3, step_hours=1)
    context = {
        "establishment": establishment,
        "membership": membership,
        "unit": unit,
        "movements": movements,
        "with_patients": with_patients,
        "chart": charts.occupancy_svg(points),
        "points": points[-1:] if points else [],
    }
    return render(request, "beds/unit.html", context)


# --- the DPO's access log ----------------------------------------------------------------------------


@login_required
@require_GET
def access_log(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """Who saw patient references, what, when: for the DPO (permissions.ACCESS_LOG), not the patient data."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.ACCESS_LOG)
    rows = AccessLog.objects.filter(establishment=establishment).select_related("user")
    since = timezone.now() - timedelta(days=1)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    context = {
        "establishment": establishment,
        "membership": membership,
        "page": page,
        "last_day": rows.filter(at__gte=since).count(),
    }
    return render(request, "beds/access_log.html", context)
