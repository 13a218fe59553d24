"""Print pages: ask for a document or the kit, follow the job, download the file.

Nothing here renders a PDF: views record a job and redirect to its page,
which polls with htmx until the worker is done (and works without JavaScript).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from crisis.permissions import Cap, get_crisis_for_user, get_establishment_for_user

from . import selectors, services
from .models import PrintJob
from .permissions import get_print_job_for_user
from .printing import registry


@login_required
@require_GET
def print_jobs(request: HttpRequest) -> HttpResponse:
    """Mes impressions: the user's recent requests."""
    jobs = selectors.recent_jobs_for_user(request.user)
    return render(request, "continuity/print_jobs.html", {"jobs": jobs})


@login_required
@require_GET
def print_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_print_job_for_user(request.user, job_id)
    context = {"job": job, "crisis": job.crisis}
    if request.htmx:
        response = render(request, "continuity/print_job.html#status", context)
        # A finished job ends the polling and shows the download link (htmx swaps a 286 and stops).
        return response if job.is_pending else HttpResponseStopPolling(response.content)
    return render(request, "continuity/print_job.html", context)


@login_required
@require_GET
def print_job_download(request: HttpRequest, job_id: int) -> FileResponse:
    """Served through this view, for members of the establishment only: never from a public MEDIA_URL."""
    job = get_print_job_for_user(request.user, job_id)
    if not job.is_done or not job.file:
        raise Http404
    filename = f"{slugify(job.title)[:80] or 'impression'}.{job.extension}"
    content_type = "application/zip" if job.extension == "zip" else "application/pdf"
    response = FileResponse(
        job.file.open("rb"), as_attachment=job.extension == "zip", filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def crisis_prints(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """A crisis's printing page: the main courante PDF and the crisis's recent prints."""
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    return render(
        request,
        "continuity/crisis_prints.html",
        {"crisis": crisis, "can_print": membership.has(Cap.PRINT), "jobs": selectors.crisis_jobs(crisis)},
    )


@login_required
@require_POST
def crisis_print_journal(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, _membership = get_crisis_for_user(request.user, crisis_id, Cap.PRINT)
    try:
        job = services.print_job_request(
            establishment=crisis.establishment, by=request.user, document="journal", params={"crisis_id": crisis.pk}
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("crisis-prints", crisis.pk)
    return redirect("print-job", job.pk)


@login_required
@require_GET
def paper_kit(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id)
    freshness = selectors.kit_freshness(establishment)
    jobs = selectors.establishment_jobs(establishment, [PrintJob.Kind.KIT, PrintJob.Kind.BUNDLE])
    return render(
        request,
        "continuity/paper_kit.html",
        {
            "establishment": establishment,
            "freshness": freshness,
            "jobs": jobs,
            "can_print": membership.has(Cap.PRINT),
            "total_items": len(freshness.items),
        },
    )


def _follow(request: HttpRequest, establishment, request_job) -> HttpResponse:
    """Record the job and go to its page; a refusal goes back to the kit page with its message."""
    try:
        job = request_job()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("paper-kit", establishment.pk)
    return redirect("print-job", job.pk)


@login_required
@require_POST
def paper_kit_build(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """The whole kit, or with only=<keys> (the "à réimprimer" button) just those documents."""
    establishment, _membership = get_establishment_for_user(request.user, establishment_id, Cap.PRINT)
    only = request.POST.getlist("only") if "only" in request.POST else None
    return _follow(
        request, establishment, lambda: services.kit_build(establishment=establishment, by=request.user, only=only)
    )


@login_required
@require_POST
def paper_kit_bundle(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, _membership = get_establishment_for_user(request.user, establishment_id, Cap.PRINT)
    return _follow(request, establishment, lambda: services.bundle_build(establishment=establishment, by=request.user))


@login_required
@require_POST
def paper_kit_document(request: HttpRequest, establishment_id: int) -> HttpResponse:
    """One document of the kit on its own, chosen by its item key."""
    establishment, _membership = get_establishment_for_user(request.user, establishment_id, Cap.PRINT)
    key = request.POST.get("item", "")
    item = next((i for i in registry.kit_items(establishment) if i.key == key), None)
    if item is None:
        messages.error(request, _("Document inconnu dans ce kit."))
        return redirect("paper-kit", establishment.pk)
    return _follow(
        request,
        establishment,
        lambda: services.print_job_request(
            establishment=establishment, by=request.user, document=item.document, params=item.params
        ),
    )
