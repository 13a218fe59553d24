"""Print jobs: request, dispatch on commit, claim, render, fail, sweep."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from pypdf import PdfReader

from continuity import services, tasks
from continuity.models import PrintJob
from continuity.printing import registry

Status = PrintJob.Status


def request_journal(crisis, by):
    return services.print_job_request(
        establishment=crisis.establishment, by=by, document="journal", params={"crisis_id": crisis.pk}
    )


def test_a_request_is_dispatched_once_committed(crisis, director, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = request_journal(crisis, director)
    assert job.status == Status.QUEUED and job.crisis == crisis and job.requested_by == director
    assert sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sent == [("render_print_job", job.pk)]


def test_an_unknown_document_is_refused(establishment, director):
    with pytest.raises(ValidationError) as error:
        services.print_job_request(establishment=establishment, by=director, document="nope")
    assert "document" in error.value.message_dict
    assert not PrintJob.objects.exists()


def test_a_crisis_of_another_establishment_is_refused(crisis, outsider, other_establishment):
    with pytest.raises(ValidationError):
        services.print_job_request(
            establishment=other_establishment, by=outsider, document="journal", params={"crisis_id": crisis.pk}
        )


def test_bad_parameters_are_refused(establishment, director):
    for document, params in [("journal", {"crisis_id": "x"}), ("procedures", {"service": "Inconnu"}), ("message_form", {"a": 1})]:
        with pytest.raises(ValidationError):
            services.print_job_request(establishment=establishment, by=director, document=document, params=params)


def test_the_broker_being_down_does_not_lose_the_request(crisis, director, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.render_print_job, "apply_async", side_effect=BrokerError("connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            job = request_journal(crisis, director)
    job.refresh_from_db()
    assert job.status == Status.QUEUED


def test_the_task_renders_a_real_pdf(crisis, director, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = request_journal(crisis, director)
        assert tasks.render_print_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.status == Status.DONE and job.attempts == 1
    assert job.started_at <= job.finished_at and job.duration is not None
    content = job.file.read()
    assert content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(content)).pages) == job.page_count >= 1
    import hashlib

    assert hashlib.sha256(content).hexdigest() == job.sha256


def test_the_exercise_journal_says_exercice_on_every_page(exercise, director, sent):
    from crisis import services as crisis_services

    for n in range(60):
        crisis_services.journal_append(crisis=exercise, by=director, text=f"Inject {n} : " + "texte " * 40)
    job = request_journal(exercise, director)
    tasks.render_print_job(job.pk)
    job.refresh_from_db()
    reader = PdfReader(io.BytesIO(job.file.read()))
    assert len(reader.pages) > 1
    assert all("EXERCICE" in page.extract_text() for page in reader.pages)


def test_two_workers_cannot_both_claim_a_job(crisis, director, sent):
    job = request_journal(crisis, director)
    assert services.print_job_claim(job_id=job.pk) is not None
    assert services.print_job_claim(job_id=job.pk) is None
    assert tasks.render_print_job(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.attempts == 1


def test_a_finished_job_is_not_rendered_again(crisis, director, sent):
    job = request_journal(crisis, director)
    tasks.render_print_job(job.pk)
    assert tasks.render_print_job(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_stuck_in_progress_is_taken_over(crisis, director, sent, settings):
    job = request_journal(crisis, director)
    first = services.print_job_claim(job_id=job.pk)
    later = timezone.now() + timedelta(seconds=settings.PRINT_JOB_STALE_AFTER + 1)
    second = services.print_job_claim(job_id=job.pk, now=later)
    assert second is not None and second.attempts == 2
    # The first worker comes back late: its result no longer counts.
    assert services._finish(first, pages=1, sha256="x") is False
    second.refresh_from_db()
    assert second.status == Status.RUNNING


def test_a_render_error_fails_the_job_with_its_message(establishment, director, sent, monkeypatch):
    job = services.print_job_request(establishment=establishment, by=director, document="message_form")
    monkeypatch.setattr(registry.get("message_form"), "render", mock.Mock(side_effect=ValueError("gabarit cassé")))
    assert tasks.render_print_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == Status.FAILED and "gabarit cassé" in job.error and job.finished_at


def test_the_sweeper_resends_queued_and_stuck_jobs(crisis, director, sent, settings):
    queued = request_journal(crisis, director)
    stuck = request_journal(crisis, director)
    fresh = request_journal(crisis, director)
    services.print_job_claim(job_id=stuck.pk)
    old = timezone.now() - timedelta(seconds=settings.PRINT_JOB_STALE_AFTER + 5)
    PrintJob.objects.filter(pk=queued.pk).update(dispatched_at=old)
    PrintJob.objects.filter(pk=stuck.pk).update(started_at=old, dispatched_at=old)
    sent.clear()
    report = services.print_jobs_sweep()
    assert sorted(sent) == sorted([("render_print_job", queued.pk), ("render_print_job", stuck.pk)])
    assert report.redispatched == 2 and fresh.pk not in [j for _n, j in sent]
    sent.clear()
    assert services.print_jobs_sweep().redispatched == 0  # just resent: not again at once


def test_the_sweeper_gives_up_after_max_attempts(crisis, director, sent, settings):
    job = request_journal(crisis, director)
    old = timezone.now() - timedelta(seconds=settings.PRINT_JOB_STALE_AFTER + 5)
    PrintJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=old, attempts=services.MAX_ATTEMPTS)
    report = services.print_jobs_sweep()
    job.refresh_from_db()
    assert report.abandoned == 1 and job.status == Status.FAILED and "tentatives" in job.error


def test_the_sweeper_task_and_command(crisis, director, sent):
    request_journal(crisis, director)
    assert tasks.sweep_print_jobs() == {"redispatched": 0, "assembled": 0, "abandoned": 0}
    from django.core.management import call_command

    out = io.StringIO()
    call_command("sweep_print_jobs", "--stale-after=0", stdout=out)
    assert "renvoyées : 1" in out.getvalue()
