"""The printing API: request any document (kit and bundle included), follow the job, fetch the file, list documents."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from printing import tasks
from printing.models import PrintJob


@pytest.fixture
def api():
    return APIClient()


def as_user(api: APIClient, user) -> APIClient:
    api.force_login(user)
    return api


def establishment_prints(establishment) -> str:
    return reverse("printing:api-establishment-prints", args=[establishment.pk])


def crisis_prints(crisis) -> str:
    return reverse("printing:api-crisis-prints", args=[crisis.pk])


def test_requesting_the_kit_answers_202_with_the_job(api, establishment, director, kit_data, sent):
    response = as_user(api, director).post(establishment_prints(establishment), {"document": "kit"}, format="json")
    assert response.status_code == 202
    job = PrintJob.objects.get()
    body = response.json()
    assert body["id"] == job.pk and body["document"] == "kit" and body["status"] == "queued"
    assert body["requested_by"] == "director" and body["progress"] == {"parts_done": 0, "parts_total": 0}
    assert body["file"] is None and body["establishment"] == establishment.pk


def test_a_crisis_document_with_its_parameters(api, crisis, director, sent):
    response = as_user(api, director).post(crisis_prints(crisis), {"document": "journal", "params": {}}, format="json")
    assert response.status_code == 202
    job = PrintJob.objects.get()
    assert job.document == "journal" and job.params == {"crisis_id": crisis.pk} and job.crisis == crisis


def test_the_job_and_its_file_once_done(api, crisis, director, observer, sent):
    as_user(api, director).post(crisis_prints(crisis), {"document": "journal"}, format="json")
    job = PrintJob.objects.get()
    tasks.render_print_job(job.pk)
    body = as_user(api, observer).get(reverse("printing:api-print-job", args=[job.pk])).json()
    assert body["status"] == "done" and body["pages"] >= 1 and len(body["sha256"]) == 64
    assert body["progress"] == {"parts_done": 1, "parts_total": 1} and body["finished_at"] and body["error"] == ""
    assert body["file"].endswith(reverse("printing:api-print-job-file", args=[job.pk]))
    response = api.get(reverse("printing:api-print-job-file", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_pending_job_has_no_file_yet(api, crisis, director, sent):
    as_user(api, director).post(crisis_prints(crisis), {"document": "journal"}, format="json")
    job = PrintJob.objects.get()
    assert api.get(reverse("printing:api-print-job-file", args=[job.pk])).status_code == 404


def test_bad_input_is_a_400_with_field_errors(api, establishment, crisis, director, kit_data, sent):
    as_user(api, director)
    cases = [
        (establishment_prints(establishment), {}, "document"),
        (establishment_prints(establishment), {"document": "nope"}, "document"),
        (establishment_prints(establishment), {"document": "journal"}, "document"),  # a crisis document
        (crisis_prints(crisis), {"document": "kit"}, "document"),  # an establishment one
        (establishment_prints(establishment), {"document": "procedures", "params": {"service": "Inconnu"}}, "service"),
        (establishment_prints(establishment), {"document": "kit", "params": {"only": ["zzz"]}}, "only"),
        (establishment_prints(establishment), {"document": "message_form", "params": {"x": 1}}, "params"),
        (establishment_prints(establishment), {"document": "kit", "params": "x"}, "params"),
    ]
    for url, data, field in cases:
        response = api.post(url, data, format="json")
        assert response.status_code == 400 and field in response.json(), (data, response.json())
    assert not PrintJob.objects.exists()


def test_outsiders_get_404_and_members_without_the_capability_403(
    api, establishment, crisis, director, observer, outsider, kit_data, sent
):
    as_user(api, director).post(establishment_prints(establishment), {"document": "kit"}, format="json")
    job = PrintJob.objects.get()
    as_user(api, outsider)
    assert api.post(establishment_prints(establishment), {"document": "kit"}, format="json").status_code == 404
    assert api.post(crisis_prints(crisis), {"document": "journal"}, format="json").status_code == 404
    assert api.get(reverse("printing:api-print-job", args=[job.pk])).status_code == 404
    assert api.get(reverse("printing:api-print-job-file", args=[job.pk])).status_code == 404
    as_user(api, observer)  # reads, may not print
    assert api.post(establishment_prints(establishment), {"document": "kit"}, format="json").status_code == 403
    assert api.post(crisis_prints(crisis), {"document": "journal"}, format="json").status_code == 403
    assert PrintJob.objects.count() == 1


def test_a_document_needing_a_capability_the_member_lacks_is_a_403(
    api, establishment, director, scribe, patient_list, sent
):
    data = {"document": patient_list.name}
    assert as_user(api, scribe).post(establishment_prints(establishment), data, format="json").status_code == 403
    assert as_user(api, director).post(establishment_prints(establishment), data, format="json").status_code == 202
    job = PrintJob.objects.get()
    assert as_user(api, scribe).get(reverse("printing:api-print-job", args=[job.pk])).status_code == 403


def test_wrong_methods_and_anonymous_callers(api, establishment, crisis, director, kit_data, sent):
    assert api.post(establishment_prints(establishment), {"document": "kit"}, format="json").status_code in (401, 403)
    as_user(api, director)
    assert api.get(establishment_prints(establishment)).status_code == 405
    assert api.get(crisis_prints(crisis)).status_code == 405
    api.post(establishment_prints(establishment), {"document": "kit"}, format="json")
    job = PrintJob.objects.get()
    assert api.delete(reverse("printing:api-print-job", args=[job.pk])).status_code == 405
    assert api.post(reverse("printing:api-document-list")).status_code == 405


def test_the_list_of_documents_says_scope_parameters_and_capability(api, director, patient_list):
    documents = {d["name"]: d for d in as_user(api, director).get(reverse("printing:api-document-list")).json()}
    assert documents["journal"]["scope"] == "crisis" and documents["journal"]["parameters"] == []
    assert documents["kit"]["is_collection"] and documents["bundle"]["extension"] == "zip"
    assert [p["name"] for p in documents["procedures"]["parameters"]] == ["service"]
    assert documents["procedures"]["parameters"][0]["required"] is True
    assert documents["kit"]["parameters"][0]["type"] == "multiplechoice"
    assert documents[patient_list.name]["required_capability"] == "see_patient_data"
    assert documents["message_form"]["required_capability"] == "read" and documents["message_form"]["in_kit"]


def test_the_openapi_schema_is_valid(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    assert "/api/establishments/{establishment_id}/prints/" in schema and "/api/print-jobs/{job_id}/file/" in schema
