"""The consignes' live page: the list (polled, cheap 204 on its topic), a form to add one, each one's state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisis import live
from crisis.permissions import get_establishment_for_user, object_of
from crisis.services.records import record_history
from web import live as web_live
from web.forms import add_service_errors

from . import access, selectors, services
from .forms import ConsigneForm, StatusForm
from .models import TOPIC, Consigne

TOPICS = (TOPIC,)


@login_required
@require_http_methods(["GET", "POST"])
def consignes(request: HttpRequest, establishment_id: int) -> HttpResponse:
    if request.method == "GET" and (
        unchanged := live.unchanged_poll(
            request, topics=TOPICS, establishment_id=establishment_id, capability=access.READ
        )
    ):
        return unchanged  # the poll of a page showing the current version: 204 after one query
    capability = access.WRITE if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    form = None
    if request.method == "POST":
        form = ConsigneForm(request.POST, establishment=establishment)
        if form.is_valid():
            try:
                services.consigne_create(establishment=establishment, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Consigne enregistrée."))
                return redirect("example_app:consignes", establishment.pk)
    return _page(request, establishment, membership, form)


@login_required
@require_POST
def consigne_status(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.WRITE)
    form = StatusForm(request.POST)
    if form.is_valid():
        consigne = object_of(establishment, Consigne, form.cleaned_data["consigne"])
        if services.consigne_update(consigne=consigne, by=request.user, status=form.cleaned_data["status"]):
            messages.success(request, _("État de la consigne enregistré."))
        return redirect("example_app:consignes", establishment.pk)
    return _page(request, establishment, membership, None, status=400)


@login_required
@require_GET
def consigne_detail(request: HttpRequest, establishment_id: int, consigne_id: int) -> HttpResponse:
    """One consigne and its history, every value as a person reads it (the record kit's record_history)."""
    establishment, membership = get_establishment_for_user(request.user, establishment_id, access.READ)
    consigne = object_of(establishment, selectors.consignes_of(establishment), consigne_id)
    context = {
        "establishment": establishment,
        "membership": membership,
        "consigne": consigne,
        "history": record_history(consigne),
    }
    return render(request, "example_app/consigne.html", context)


def _page(request, establishment, membership, form, status: int | None = None) -> HttpResponse:
    version = live.version(establishment, TOPICS)  # before the list: a change meanwhile shows at the next poll
    can_write = membership.has(access.WRITE)
    rows = list(selectors.consignes_of(establishment))
    for row in rows:
        row.status_form = (
            StatusForm(initial={"consigne": row.pk, "status": row.status}, auto_id=f"etat_{row.pk}_%s")
            if can_write
            else None
        )
    context = {
        "establishment": establishment,
        "membership": membership,
        "consignes": rows,
        "form": (form or ConsigneForm(establishment=establishment)) if can_write else None,
        "live_version": version,
    }
    template = "example_app/consignes.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    if status is None:
        status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)
