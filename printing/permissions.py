"""Access to print jobs and documents: an outsider gets 404, a member lacking a capability 403."""

from django.http import Http404

from crisis.models import Membership
from crisis.permissions import Cap, membership_for, require

from . import registry
from .models import PrintJob
from .registry import PrintableDocument


def get_print_job_for_user(user, job_id: int) -> PrintJob:
    """The top-level job if the user is a member of its establishment with every capability its documents need."""
    job = (
        PrintJob.objects.select_related("establishment", "crisis", "requested_by")
        .filter(pk=job_id, parent__isnull=True)
        .first()
    )
    if job is None:
        raise Http404
    membership = membership_for(user, job.establishment_id)
    for capability in job.requires or [Cap.READ]:
        require(membership, capability)
    return job


def get_document(name: str, scope: str) -> PrintableDocument:
    """A registered document of this scope, or 404 (an unknown name in a URL is a missing page)."""
    try:
        document = registry.get(name)
    except registry.UnknownDocument:
        raise Http404 from None
    if document.scope != scope:
        raise Http404
    return document


def require_document(membership: Membership, document: PrintableDocument) -> None:
    """To print a document: the print capability and the document's own."""
    require(membership, Cap.PRINT)
    require(membership, document.required_capability)


def may_print(membership: Membership | None, document: PrintableDocument) -> bool:
    return bool(membership and membership.has(Cap.PRINT) and membership.has(document.required_capability))
