"""A document's required capability, enforced on request, view, download and kit assembly.

Personas: director sees patient data; scribe prints but does not see patient data;
observer only reads; outsider belongs elsewhere.
"""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from printing import services
from printing.models import PrintJob
from tests.conftest import login


def kit_for(by, establishment, django_capture_on_commit_callbacks) -> PrintJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.kit_build(establishment=establishment, by=by)
    job.refresh_from_db()
    return job


def outline_titles(job: PrintJob) -> list[str]:
    return [item.title for item in PdfReader(io.BytesIO(job.file.read())).outline]


def test_a_member_lacking_the_capability_cannot_request_the_document(client, establishment, scribe, patient_list, sent):
    with pytest.raises(PermissionDenied):
        services.print_job_request(establishment=establishment, by=scribe, document=patient_list.name)
    url = reverse("printing:establishment-document-print", args=[establishment.pk, patient_list.name])
    assert login(client, scribe).post(url).status_code == 403
    assert login(client, scribe).get(url).status_code == 403
    assert not PrintJob.objects.exists()


def test_their_kit_leaves_the_document_out_and_says_why(
    client, establishment, scribe, kit_data, patient_list, inline_worker, django_capture_on_commit_callbacks
):
    job = kit_for(scribe, establishment, django_capture_on_commit_callbacks)
    assert job.status == PrintJob.Status.DONE, job.error
    assert {"document": patient_list.name, "capability": "see_patient_data"} in job.left_out
    assert {entry["capability"] for entry in job.left_out} == {"see_patient_data"}  # the beds' lists too
    assert patient_list.name not in [entry["document"] for entry in job.plan]
    assert patient_list.title not in outline_titles(job)
    page = login(client, scribe).get(reverse("printing:print-job", args=[job.pk])).content.decode()
    assert "Documents laissés de côté" in page and patient_list.title in page
    assert "voir les données des patients" in page
    kit_page = client.get(reverse("printing:paper-kit", args=[establishment.pk])).content.decode()
    assert "Documents hors de votre kit" in kit_page and patient_list.title in kit_page


def test_the_nightly_kit_holds_everything_and_only_those_allowed_may_open_it(
    client, establishment, director, scribe, kit_data, patient_list, inline_worker, django_capture_on_commit_callbacks
):
    job = kit_for(None, establishment, django_capture_on_commit_callbacks)
    assert job.status == PrintJob.Status.DONE and job.left_out == []
    assert patient_list.title in outline_titles(job)
    assert "see_patient_data" in job.requires
    login(client, scribe)
    assert client.get(reverse("printing:print-job", args=[job.pk])).status_code == 403
    assert client.get(reverse("printing:print-job-download", args=[job.pk])).status_code == 403
    login(client, director)
    assert client.get(reverse("printing:print-job", args=[job.pk])).status_code == 200
    assert client.get(reverse("printing:print-job-download", args=[job.pk])).status_code == 200


def test_a_kit_without_such_documents_is_open_to_every_member(
    client, establishment, director, observer, kit_data, inline_worker, django_capture_on_commit_callbacks, monkeypatch
):
    from printing import registry

    for document in registry.kit_documents():  # the beds' patient lists are such documents: set aside here
        if document.required_capability != "read":
            monkeypatch.delitem(registry._registry, document.name)
    job = kit_for(director, establishment, django_capture_on_commit_callbacks)
    assert job.requires == ["read"]
    assert login(client, observer).get(reverse("printing:print-job-download", args=[job.pk])).status_code == 200


def test_a_document_job_needs_the_documents_capability_to_be_seen(
    client, establishment, director, scribe, patient_list, sent
):
    job = services.print_job_request(establishment=establishment, by=director, document=patient_list.name)
    assert login(client, scribe).get(reverse("printing:print-job", args=[job.pk])).status_code == 403
    assert login(client, director).get(reverse("printing:print-job", args=[job.pk])).status_code == 200
