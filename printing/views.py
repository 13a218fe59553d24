"""Print pages: ask for any registered document, follow the job, download the file.

Nothing here renders a PDF: views record a job and redirect to its page, which
polls with htmx until the worker is done (and works without JavaScript). Every
document prints from one URL per scope; feature pages put a {% print_button %}.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseStopPolling

from crisis.permissions import Cap, capabilities_of, get_crisis_for_user, get_establishment_for_user

from . import registry, selectors, services
from .permissions import get_document, get_print_job_for_user, may_print, require_document
from .registry import Scope


@login_required
@require_GET
def print_jobs(request: HttpRequest) -> HttpResponse:
    """Mes impressions: the user's recent requests."""
    jobs = selectors.recent_jobs_for_user(request.user)
    return render(request, "printing/print_jobs.html", {"jobs": jobs})


@login_required
@require_GET
def print_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_print_job_for_user(request.user, job_id)
    left_out = [{"document": registry.get(row["document"]), "capability": row["capability"]} for row in job.left_out]
    done, total = job.progress()
    context = {
        "job": job,
        "crisis": job.crisis or selectors.current_crisis(job.establishment),
        "left_out": left_out,
        "parts_done": done,
        "parts_total": total,
    }
    if request.htmx:
        response = render(request, "printing/print_job.html#status", context)
        # A finished job ends the polling and shows the download link (htmx swaps a 286 and stops).
        return response if job.is_pending else HttpResponseStopPolling(response.content)
    return render(request, "printing/print_job.html", context)


@login_required
@require_GET
def print_job_download(request: HttpRequest, job_id: int) -> FileResponse:
    """Served through this view, for members allowed to read its documents: never from a public MEDIA_URL."""
    job = get_print_job_for_user(request.user, job_id)
    return job_file_response(job)


def job_file_response(job) -> FileResponse:
    if not job.is_done or not job.file:
        raise Http404
    filename = f"{slugify(job.display_title)[:80] or 'impression'}.{job.extension}"
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=job.extension != "pdf",
        filename=filename,
        content_type=job.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- any document, one URL per scope ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def crisis_document_print(request: HttpRequest, crisis_id: int, document: str) -> HttpResponse:
    """GET: the form of the document's parameters; POST: request it and follow the job."""
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    doc = get_document(document, Scope.CRISIS)
    require_document(membership, doc)
    return _print_form(request, doc, crisis.establishment, {"crisis_id": crisis.pk}, crisis)


@login_required
@require_http_methods(["GET", "POST"])
def establishment_document_print(request: HttpRequest, establishment_id: int, document: str) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id)
    doc = get_document(document, Scope.ESTABLISHMENT)
    require_document(membership, doc)
    return _print_form(request, doc, establishment, {}, selectors.current_crisis(establishment))


def _posted_params(form: forms.Form, data) -> dict:
    """The parameters as posted: lists for multiple choices, and only those sent (absent means default)."""
    return {
        name: data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else data.get(name)
        for name, field in form.fields.items()
        if name in data
    }


def _print_form(request: HttpRequest, doc, establishment, scope_params: dict, crisis) -> HttpResponse:
    form = doc.form(establishment, data=request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            job = services.print_job_request(
                establishment=establishment,
                by=request.user,
                document=doc.name,
                params={**_posted_params(form, request.POST), **scope_params},
            )
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect("printing:print-job", job.pk)
    context = {"document": doc, "form": form, "errors": errors, "establishment": establishment, "crisis": crisis}
    status = 400 if request.method == "POST" else 200
    return render(request, "printing/document_print.html", context, status=status)


# --- the pages that gather them --------------------------------------------------------------


@login_required
@require_GET
def crisis_prints(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """A crisis's printing page: its documents (the main courante first) and the crisis's recent prints."""
    crisis, membership = get_crisis_for_user(request.user, crisis_id)
    documents = [
        {"document": d, "allowed": may_print(membership, d)} for d in registry.documents_of_scope(Scope.CRISIS)
    ]
    return render(
        request,
        "printing/crisis_prints.html",
        {
            "crisis": crisis,
            "membership": membership,
            "documents": documents,
            "can_print": membership.has(Cap.PRINT),
            "jobs": selectors.crisis_jobs(crisis),
        },
    )


@login_required
@require_GET
def paper_kit(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, membership = get_establishment_for_user(request.user, establishment_id)
    freshness = selectors.kit_freshness(establishment, sorted(capabilities_of(membership.role)))
    return render(
        request,
        "printing/paper_kit.html",
        {
            "establishment": establishment,
            "crisis": selectors.current_crisis(establishment),
            "membership": membership,
            "freshness": freshness,
            "jobs": selectors.establishment_jobs(establishment, list(selectors.COLLECTIONS)),
            "can_print": membership.has(Cap.PRINT),
            "total_items": len(freshness.items),
        },
    )
