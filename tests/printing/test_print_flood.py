"""One member cannot flood the print queue: an identical pending request returns its job, and a cap refuses more.

Personas: director and scribe may print. A member who clicked "print" again and again, or
asked for the RIDA with a different filter each time (about 90 renders in 150 s), blocked
the queue for everyone for an hour.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from printing import services
from printing.models import PrintJob
from tests.conftest import login

Status = PrintJob.Status


def rida_url(crisis) -> str:
    return reverse("printing:crisis-document-print", args=[crisis.pk, "rida"])


def api_prints(crisis) -> str:
    return reverse("printing:api-crisis-prints", args=[crisis.pk])


@pytest.fixture
def api(director):
    client = APIClient()
    client.force_login(director)
    return client


def test_printing_the_same_document_again_while_it_is_pending_returns_the_pending_job(
    client, crisis, director, sent, django_capture_on_commit_callbacks
):
    login(client, director)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(rida_url(crisis), {"q": "eau"})
        again = client.post(rida_url(crisis), {"q": "eau"})
    job = PrintJob.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == reverse("printing:print-job", args=[job.pk])
    assert sent == [("render_print_job", job.pk)]  # sent once


def test_a_member_past_the_cap_of_pending_prints_is_refused_with_a_clear_message(
    client, crisis, director, sent, settings
):
    settings.PRINT_MAX_PENDING_PER_MEMBER = 3
    login(client, director)
    for query in ("a", "b", "c"):
        assert client.post(rida_url(crisis), {"q": query}).status_code == 302
    refused = client.post(rida_url(crisis), {"q": "d"})
    assert refused.status_code == 400
    assert "Vous avez déjà 3 impressions en attente" in refused.content.decode()
    assert PrintJob.objects.count() == 3


def test_a_finished_print_no_longer_counts_and_is_not_returned_again(crisis, director, sent, settings):
    settings.PRINT_MAX_PENDING_PER_MEMBER = 1
    params = {"crisis_id": crisis.pk}
    first = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params=params
    )
    PrintJob.objects.filter(pk=first.pk).update(status=Status.DONE)
    second = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params=params
    )
    assert second.pk != first.pk


def test_another_members_identical_request_is_their_own_and_counts_against_their_own_cap(
    crisis, director, scribe, sent, settings
):
    settings.PRINT_MAX_PENDING_PER_MEMBER = 1
    params = {"crisis_id": crisis.pk}
    mine = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params=params
    )
    theirs = services.print_job_request(
        establishment=crisis.establishment, by=scribe, document="journal", params=params
    )
    assert mine.pk != theirs.pk and theirs.requested_by == scribe


def test_the_nightly_kit_of_the_system_is_never_capped(establishment, kit_data, sent, settings):
    settings.PRINT_MAX_PENDING_PER_MEMBER = 0
    assert services.kit_build(establishment=establishment).status == Status.QUEUED


def test_the_api_returns_the_pending_job_for_an_identical_request(api, crisis, sent):
    first = api.post(api_prints(crisis), {"document": "rida", "params": {"q": "eau"}}, format="json")
    again = api.post(api_prints(crisis), {"document": "rida", "params": {"q": "eau"}}, format="json")
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"] == PrintJob.objects.get().pk


def test_the_api_refuses_a_request_past_the_cap_with_a_400(api, crisis, sent, settings):
    settings.PRINT_MAX_PENDING_PER_MEMBER = 2
    for query in ("a", "b"):
        assert (
            api.post(api_prints(crisis), {"document": "rida", "params": {"q": query}}, format="json").status_code == 202
        )
    refused = api.post(api_prints(crisis), {"document": "rida", "params": {"q": "c"}}, format="json")
    assert refused.status_code == 400
    assert "Vous avez déjà 2 impressions en attente" in str(refused.json())
    assert PrintJob.objects.count() == 2
