"""The RIDA sheet and a meeting's relevé print through the pipeline, from the generic URL and the tag."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from crisis import services as crisis_services
from printing import services
from printing.models import PrintJob


def pdf_text(job: PrintJob) -> str:
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(job.file.read())).pages)


def test_the_rida_sheet_prints_the_filtered_lines_with_overdue_flagged(
    crisis, director, inline_worker, django_capture_on_commit_callbacks
):
    late = timezone.now() - timedelta(hours=2)
    crisis_services.rida_create(crisis=crisis, by=director, text="Rappeler le SAMU", owner=director, due_at=late)
    crisis_services.rida_create(crisis=crisis, by=director, kind="information", text="Messagerie coupée")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_job_request(
            establishment=crisis.establishment,
            by=director,
            document="rida",
            params={"crisis_id": crisis.pk, "kind": "action"},
        )
    text = pdf_text(job)
    assert "RIDA-001" in text and "Rappeler le SAMU" in text and "EN RETARD" in text
    assert "Messagerie coupée" not in text


def test_the_rida_fingerprint_moves_when_a_line_changes(crisis, director):
    from printing import registry

    document = registry.get("rida")
    params = {"crisis_id": crisis.pk}
    line = crisis_services.rida_create(crisis=crisis, by=director, text="Commander des classeurs")
    before = document.fingerprint(crisis.establishment, params)
    crisis_services.rida_update(line=line, by=director, status="en_cours")
    assert document.fingerprint(crisis.establishment, params) != before


def test_the_rida_page_offers_its_print_button_with_the_filters(client, crisis, director, observer):
    client.force_login(director)
    body = client.get(reverse("crisis:rida", args=[crisis.pk]), {"kind": "action"}).content.decode()
    assert reverse("printing:crisis-document-print", args=[crisis.pk, "rida"]) in body
    assert 'name="kind" value="action"' in body


def test_a_meeting_releve_prints_its_attendees_and_lines(
    crisis, director, scribe, inline_worker, django_capture_on_commit_callbacks
):
    meeting = crisis_services.meeting_create(
        crisis=crisis, by=director, scheduled_at=timezone.now(), chair=director, attendees=[director, scribe]
    )
    crisis_services.meeting_start(meeting=meeting, by=director)
    crisis_services.rida_create(crisis=crisis, by=director, kind="decision", text="Fermeture des urgences 24 h")
    crisis_services.meeting_end(meeting=meeting, by=director)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_job_request(
            establishment=crisis.establishment,
            by=director,
            document="meeting_releve",
            params={"crisis_id": crisis.pk, "meeting_id": meeting.pk},
        )
    text = pdf_text(job)
    assert "Relevé du point de situation" in text and "Sam Secrétaire" in text
    assert "Fermeture des urgences 24 h" in text


def test_a_releve_of_another_crisis_meeting_is_refused(crisis, exercise, director):
    meeting = crisis_services.meeting_create(crisis=exercise, by=director, scheduled_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        services.print_job_request(
            establishment=crisis.establishment,
            by=director,
            document="meeting_releve",
            params={"crisis_id": crisis.pk, "meeting_id": meeting.pk},
        )
    assert "meeting_id" in refused.value.message_dict
    assert not PrintJob.objects.exists()
