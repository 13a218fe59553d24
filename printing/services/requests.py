"""Asking for a print: the job row, created in the caller's transaction, and its dispatch on commit.

dispatched_at is set once the broker has the message, so a job left queued with
no dispatched_at never reached it (broker down) and the sweeper sends it on its
next run.
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from crisis.models import Establishment
from crisis.permissions import Cap, capabilities_of, membership_for, require

from .. import registry
from ..models import PrintJob
from ..registry import PrintableDocument

logger = logging.getLogger(__name__)

# Database trouble is transient: the job goes back to the queue and the task retries (tasks.py).
TRANSIENT = (OperationalError, InterfaceError)


def _send(task_name: str, job_id: int) -> bool:
    """Publish one task; a broker that is down only logs: the job row stays and the sweeper resends."""
    from .. import tasks

    task = getattr(tasks, task_name)
    try:
        # Fail fast: a web request must not wait on kombu's connection retries (seconds) for a dead broker.
        with task.app.connection_for_write(transport_options={"max_retries": 0}, connect_timeout=2) as connection:
            task.apply_async((job_id,), retry=False, connection=connection)
    except (BrokerError, OSError) as exc:
        logger.warning("Print job %s: broker unreachable (%s); left for the sweeper", job_id, exc)
        return False
    return True


def dispatch(task_name: str, job_id: int) -> bool:
    """Publish, then record when: a job whose dispatched_at is null never reached the broker.

    dispatched_at is that of the message the job waits for: its render, or (waiting for its
    parts) its assembly; hence the condition on waiting_for_parts, should a worker have fanned
    the job out already (its null then means: no assembly sent yet).
    """
    if not _send(task_name, job_id):
        return False
    try:
        waiting_for_parts = task_name == "render_assemble"
        PrintJob.objects.filter(pk=job_id, waiting_for_parts=waiting_for_parts).update(dispatched_at=timezone.now())
    except TRANSIENT as exc:  # the message is out; at worst the sweeper sends it once more (harmless)
        logger.warning("Print job %s: sent, but dispatched_at not recorded (%s)", job_id, exc)
    return True


def dispatch_on_commit(task_name: str, job_id: int) -> None:
    transaction.on_commit(partial(dispatch, task_name, job_id))


def document_get(name: str) -> PrintableDocument:
    try:
        return registry.get(name)
    except registry.UnknownDocument:
        raise ValidationError({"document": _("Document inconnu.")}) from None


def _language() -> str:
    """The active language if the console speaks it, else the default: the document's language."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(active)
    except LookupError:
        return settings.LANGUAGE_CODE


def _titles(document: PrintableDocument, establishment: Establishment, params: dict) -> dict[str, str]:
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = document.label(establishment, params)[:250]
    return titles


def _granted(by, establishment: Establishment, document: PrintableDocument) -> list[str] | None:
    """The requester's capabilities, checked: to print at all, and this document. None: the system."""
    if by is None:
        return None
    membership = membership_for(by, establishment.pk)
    require(membership, Cap.PRINT)
    require(membership, document.required_capability)
    return sorted(capabilities_of(membership.role))


def print_job_request(*, establishment: Establishment, by, document: str, params: dict | None = None) -> PrintJob:
    """Record a print request (any registered document, kit and bundle included) and send it on commit.

    by=None is the system (the nightly kit): it may print everything. A user must be a
    member with the print capability and the document's; a collection leaves out what
    their role may not read, and the job says so.
    """
    doc = document_get(document)
    granted = _granted(by, establishment, doc)
    params = doc.clean_params(establishment, dict(params or {}))
    if doc.is_collection and not doc.member_items(establishment, params, granted):
        raise ValidationError({"document": _("Le kit de cet établissement est vide.")})
    requires, left_out = doc.audience(granted)
    titles = _titles(doc, establishment, params)
    language = _language()
    with transaction.atomic():
        if by is not None:
            if pending := _pending_same(by, establishment, doc.name, params, language, granted):
                return pending
        job = PrintJob.objects.create(
            establishment=establishment,
            crisis=doc.crisis_of(establishment, params),
            document=doc.name,
            params=params,
            title=titles.get(language) or doc.label(establishment, params)[:250],
            titles=titles,
            language=language,
            requested_by=by,
            granted=granted,
            requires=requires,
            left_out=left_out,
        )
        dispatch_on_commit("render_print_job", job.pk)
    return job


def _pending_same(by, establishment, document: str, params: dict, language: str, granted) -> PrintJob | None:
    """The member's identical request still pending, if any; refuses past their cap of pending requests.

    Without this, one member clicking "print" again and again (or a script on the API) filled
    the print queue for everyone. The member's row is locked first, so two identical requests
    sent at once cannot both create a job.
    """
    get_user_model().objects.select_for_update().filter(pk=by.pk).exists()
    pending = list(
        PrintJob.objects.filter(requested_by=by, parent__isnull=True, status__in=PrintJob.PENDING).order_by("pk")
    )
    for job in pending:
        same = (job.establishment_id, job.document, job.params, job.language, job.granted)
        if same == (establishment.pk, document, params, language, granted):
            return job
    if len(pending) >= settings.PRINT_MAX_PENDING_PER_MEMBER:
        raise ValidationError(
            _(
                "Vous avez déjà %(n)s impressions en attente : attendez que l'une d'elles soit prête "
                "avant d'en demander une autre."
            )
            % {"n": len(pending)},
            code="too_many_pending",
        )
    return None


def kit_build(*, establishment: Establishment, by=None, only: list[str] | None = None) -> PrintJob:
    params = {} if only is None else {"only": only}
    return print_job_request(establishment=establishment, by=by, document="kit", params=params)


def bundle_build(*, establishment: Establishment, by=None) -> PrintJob:
    return print_job_request(establishment=establishment, by=by, document="bundle")


def kit_build_all() -> list[PrintJob]:
    """Nightly: a fresh kit for every establishment with something to print, unless one is on its way."""
    jobs = []
    busy = PrintJob.objects.filter(document="kit", parent__isnull=True, status__in=PrintJob.PENDING)
    for establishment in Establishment.objects.exclude(pk__in=busy.values("establishment_id")):
        if registry.kit_items(establishment):
            with translation.override(settings.LANGUAGE_CODE):
                jobs.append(kit_build(establishment=establishment))
    return jobs
