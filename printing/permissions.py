"""Access to print jobs: members of the job's establishment only; an outsider gets 404."""

from django.http import Http404

from crisis.permissions import Cap, get_establishment_for_user

from .models import PrintJob


def get_print_job_for_user(user, job_id: int, capability: str = Cap.READ) -> PrintJob:
    """The top-level job if the user is an active member of its establishment, else 404."""
    job = (
        PrintJob.objects.select_related("establishment", "crisis", "requested_by")
        .filter(pk=job_id, parent__isnull=True)
        .first()
    )
    if job is None:
        raise Http404
    get_establishment_for_user(user, job.establishment_id, capability)
    return job
