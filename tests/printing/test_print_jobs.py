"""Print jobs: request, dispatch on commit, claim, render, fail, sweep."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from pypdf import PdfReader

from printing import registry, services, tasks
from printing.models import PrintJob

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
    for document, params in [
        ("journal", {"crisis_id": "x"}),
        ("procedures", {"service": "Inconnu"}),
        ("message_form", {"a": 1}),
    ]:
        with pytest.raises(ValidationError):
            services.print_job_request(establishment=establishment, by=director, document=document, params=params)


def test_the_broker_being_down_does_not_lose_the_request(crisis, director, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.render_print_job, "apply_async", side_effect=BrokerError("connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            job = request_journal(crisis, director)
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert job.dispatched_at is None  # never reached the broker: the sweeper knows to send it at once


def test_dispatched_at_is_set_once_the_broker_has_the_job(crisis, director, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = request_journal(crisis, director)
    job.refresh_from_db()
    assert job.dispatched_at is None  # not before it is published
    before = timezone.now()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert sent == [("render_print_job", job.pk)] and job.dispatched_at >= before


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


def test_a_finished_print_moves_the_prints_topic_of_its_establishment(crisis, director, sent):
    from crisis import live
    from crisis.models import Topic

    before = live.version(crisis.establishment, [Topic.PRINTS])
    job = request_journal(crisis, director)
    assert live.version(crisis.establishment, [Topic.PRINTS]) == before  # asked is not printed
    tasks.render_print_job(job.pk)
    assert int(live.version(crisis.establishment, [Topic.PRINTS])) == int(before) + 1


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
    assert services.worker._finish(first, pages=1, sha256="x") is False
    second.refresh_from_db()
    assert second.status == Status.RUNNING


def test_a_render_error_fails_the_job_with_its_message(establishment, director, sent, monkeypatch):
    job = services.print_job_request(establishment=establishment, by=director, document="message_form")
    monkeypatch.setattr(registry.get("message_form"), "render", mock.Mock(side_effect=ValueError("gabarit cassé")))
    assert tasks.render_print_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == Status.FAILED and "gabarit cassé" in job.error and job.finished_at


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def test_the_sweeper_sends_at_once_a_job_that_never_reached_the_broker(crisis, director, monkeypatch):
    job = request_journal(crisis, director)  # created, its publication failed (or never ran)
    attempts = []
    monkeypatch.setattr(
        services.requests, "_send", lambda name, job_id: attempts.append(job_id) or False
    )  # broker down
    assert services.print_jobs_sweep().redispatched == 0
    job.refresh_from_db()
    assert job.dispatched_at is None  # still not sent: tried again on the next run, not a stale delay later
    assert services.print_jobs_sweep().redispatched == 0
    assert attempts == [job.pk, job.pk]
    monkeypatch.setattr(services.requests, "_send", lambda name, job_id: attempts.append(job_id) or True)  # back
    assert services.print_jobs_sweep().redispatched == 1
    job.refresh_from_db()
    assert job.dispatched_at is not None
    assert services.print_jobs_sweep().redispatched == 0  # sent: now it waits its turn in the queue


def test_a_job_waiting_in_the_queue_is_not_resent_until_its_message_looks_lost(crisis, director, sent, settings):
    stale = settings.PRINT_JOB_STALE_AFTER
    waiting = request_journal(crisis, director)
    lost = request_journal(crisis, director)
    PrintJob.objects.filter(pk=waiting.pk).update(dispatched_at=ago(stale + 5))  # a busy night: still in the queue
    PrintJob.objects.filter(pk=lost.pk).update(dispatched_at=ago(services.LOST_AFTER_STALE * stale + 5))
    report = services.print_jobs_sweep()
    assert sent == [("render_print_job", lost.pk)] and report.redispatched == 1
    lost.refresh_from_db()
    assert lost.dispatched_at > ago(5)
    sent.clear()
    assert services.print_jobs_sweep().redispatched == 0 and sent == []


def test_the_sweeper_resends_a_job_stuck_in_progress(crisis, director, sent, settings):
    stuck = request_journal(crisis, director)
    running = request_journal(crisis, director)
    for job in (stuck, running):
        services.print_job_claim(job_id=job.pk)
    old = ago(settings.PRINT_JOB_STALE_AFTER + 5)
    PrintJob.objects.filter(pk=stuck.pk).update(started_at=old, dispatched_at=old)
    PrintJob.objects.filter(pk=running.pk).update(dispatched_at=old)  # started recently: its worker is at it
    report = services.print_jobs_sweep()
    assert sent == [("render_print_job", stuck.pk)] and report.redispatched == 1
    sent.clear()
    assert services.print_jobs_sweep().redispatched == 0  # just resent: not again at once


def test_the_sweeper_sends_an_assembly_never_sent_or_lost(establishment, director, kit_data, sent, settings):
    kit = services.kit_build(establishment=establishment, by=director)
    services.print_job_render(job_id=kit.pk)  # planned: fans out its parts
    for child in kit.children.all():
        services.print_job_render(job_id=child.pk)  # the last one's assembly message was never published
    kit.refresh_from_db()
    assert kit.waiting_for_parts and kit.dispatched_at is None
    sent.clear()
    assert services.print_jobs_sweep().assembled == 1 and sent == [("render_assemble", kit.pk)]
    kit.refresh_from_db()
    assert kit.dispatched_at is not None
    assert services.print_jobs_sweep().assembled == 0  # sent: not again at once
    PrintJob.objects.filter(pk=kit.pk).update(dispatched_at=ago(settings.PRINT_JOB_STALE_AFTER + 5))
    assert services.print_jobs_sweep().assembled == 0  # still waiting its turn in the queue
    PrintJob.objects.filter(pk=kit.pk).update(
        dispatched_at=ago(services.LOST_AFTER_STALE * settings.PRINT_JOB_STALE_AFTER + 5)
    )
    assert services.print_jobs_sweep().assembled == 1


def test_the_sweeper_gives_up_after_max_attempts(crisis, director, sent, settings):
    job = request_journal(crisis, director)
    old = timezone.now() - timedelta(seconds=settings.PRINT_JOB_STALE_AFTER + 5)
    PrintJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=old, attempts=services.MAX_ATTEMPTS)
    report = services.print_jobs_sweep()
    job.refresh_from_db()
    assert report.abandoned == 1 and job.status == Status.FAILED and "tentatives" in job.error


def test_the_sweeper_task_and_command(crisis, director, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_journal(crisis, director)  # sent: waiting its turn in the queue
    assert tasks.sweep_print_jobs() == {"redispatched": 0, "assembled": 0, "abandoned": 0}
    from django.core.management import call_command

    out = io.StringIO()
    call_command("sweep_print_jobs", "--stale-after=0", stdout=out)
    assert "renvoyées : 1" in out.getvalue()


# --- time limits -----------------------------------------------------------------------------


def test_a_render_is_killed_before_the_sweeper_may_hand_its_job_to_another_worker(settings):
    hard, soft = services.render_time_limits()
    assert tasks.render_print_job.time_limit == tasks.render_assemble.time_limit == hard
    assert tasks.render_print_job.soft_time_limit == tasks.render_assemble.soft_time_limit == soft
    assert soft < hard <= settings.PRINT_JOB_STALE_AFTER - services.STALE_MARGIN
    assert services.render_time_limits(300) == (270, 255)


def test_the_delays_are_checked_at_start_up(settings):
    from printing.checks import print_job_delays

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}  # Redis, as configured
    settings.PRINT_JOB_STALE_AFTER = 300
    assert print_job_delays() == []
    settings.PRINT_JOB_STALE_AFTER = 60  # renders would be stopped after 15 s
    assert [e.id for e in print_job_delays()] == ["printing.E001"]
    settings.PRINT_JOB_STALE_AFTER = 900  # Redis would redeliver a running render
    assert [e.id for e in print_job_delays()] == ["printing.E002"]


def test_a_render_too_long_fails_with_a_clear_message(establishment, director, sent, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    job = services.print_job_request(establishment=establishment, by=director, document="message_form")
    monkeypatch.setattr(registry.get("message_form"), "render", mock.Mock(side_effect=SoftTimeLimitExceeded()))
    assert tasks.render_print_job(job.pk) == "failed"  # not raised: not retried
    job.refresh_from_db()
    assert job.status == Status.FAILED and "Rendu trop long" in job.error and job.attempts == 1


# --- transient database errors ------------------------------------------------------------------


def flaky(monkeypatch, name: str, failures: int = 1):
    """The document's render raises OperationalError this many times, then works."""
    from django.db import OperationalError

    document = registry.get(name)
    real = document.render
    calls = []

    def render(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(document, "render", render)
    return calls


def test_a_transient_error_after_the_claim_puts_the_job_back_for_the_retry(establishment, director, sent, monkeypatch):
    from django.db import OperationalError

    job = services.print_job_request(establishment=establishment, by=director, document="message_form")
    flaky(monkeypatch, "message_form")
    with pytest.raises(OperationalError):  # called directly, Celery's autoretry re-raises
        tasks.render_print_job(job.pk)
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.attempts == 1 and job.started_at is None
    assert tasks.render_print_job(job.pk) == "done"  # the retry claims it: not "skipped"
    job.refresh_from_db()
    assert job.status == Status.DONE and job.attempts == 2


def test_celery_retries_a_transient_error_and_the_job_is_done(establishment, director, sent, monkeypatch):
    job = services.print_job_request(establishment=establishment, by=director, document="message_form")
    calls = flaky(monkeypatch, "message_form")
    result = tasks.render_print_job.apply((job.pk,))  # eager: Celery's retries run here, in turn
    assert result.get() == "done" and len(calls) == 2
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_a_transient_error_on_the_last_attempt_fails_the_job(establishment, director, sent, monkeypatch):
    from django.db import OperationalError

    job = services.print_job_request(establishment=establishment, by=director, document="message_form")
    PrintJob.objects.filter(pk=job.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    flaky(monkeypatch, "message_form", failures=99)
    with pytest.raises(OperationalError):
        tasks.render_print_job(job.pk)
    job.refresh_from_db()
    # Not left queued where nobody may claim it any more.
    assert job.status == Status.FAILED and "base de données indisponible" in job.error


def test_a_transient_error_while_assembling_leaves_the_assembly_for_the_retry(
    establishment, director, kit_data, sent, monkeypatch
):
    from django.db import OperationalError

    from printing import assembly

    kit = services.kit_build(establishment=establishment, by=director)
    services.print_job_render(job_id=kit.pk)
    for child in kit.children.all():
        services.print_job_render(job_id=child.pk)
    real = assembly.build_kit
    monkeypatch.setattr(assembly, "build_kit", mock.Mock(side_effect=OperationalError("connection reset")))
    with pytest.raises(OperationalError):
        tasks.render_assemble(kit.pk)
    kit.refresh_from_db()
    assert kit.status == Status.RUNNING and kit.waiting_for_parts
    monkeypatch.setattr(assembly, "build_kit", real)
    assert tasks.render_assemble(kit.pk) == "done"


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_dropped_mid_render_puts_the_job_back(establishment, director, sent, monkeypatch):
    """The real transient error: the server drops the worker's connection; the requeue needs a new one."""
    from django.db import OperationalError, connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL, whose server can drop a connection")
    job = services.print_job_request(establishment=establishment, by=director, document="message_form")
    document = registry.get("message_form")
    real = document.render

    def render(*args, **kwargs):
        if not render.dropped:
            render.dropped = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            admin = connections.create_connection("default")
            try:
                with admin.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            finally:
                admin.close()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")  # OperationalError: the server closed the connection
        return real(*args, **kwargs)

    render.dropped = False
    monkeypatch.setattr(document, "render", render)
    with pytest.raises(OperationalError):
        tasks.render_print_job(job.pk)
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.attempts == 1
    assert tasks.render_print_job(job.pk) == "done"
