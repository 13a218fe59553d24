"""The sweeper asks the live workers what they hold, and resends at once what nobody holds.

What the workers answer is given here (printing.workers.broker_view); the answers of real
workers are in tests/integration/test_beat.py and tests/resilience/.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from printing import services, workers
from printing.models import PrintJob

Status = PrintJob.Status


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def request_journal(crisis, by):
    return services.print_job_request(
        establishment=crisis.establishment, by=by, document="journal", params={"crisis_id": crisis.pk}
    )


@pytest.fixture
def workers_say(monkeypatch, settings):
    """Sets what the broker and workers answer: (queue empty, ids held), or None for no answer."""
    settings.PRINT_SWEEP_ASKS_WORKERS = True
    answer = {"view": None, "asked": 0}

    def view():
        answer["asked"] += 1
        return answer["view"]

    monkeypatch.setattr(workers, "broker_view", view)
    return answer


def running_since(job, seconds: float, attempts: int = 1) -> None:
    PrintJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, started_at=ago(seconds), dispatched_at=ago(seconds + 1), attempts=attempts
    )


def test_a_job_in_progress_that_no_live_worker_holds_is_sent_again_at_once(crisis, director, scribe, sent, workers_say):
    # Two members: one member's identical request would return the pending job.
    orphan, rendering = request_journal(crisis, director), request_journal(crisis, scribe)
    running_since(orphan, 30)  # far below the stale delay (300 s)
    running_since(rendering, 30)
    workers_say["view"] = (False, {rendering.pk})
    report = services.print_jobs_sweep()
    assert sent == [("render_print_job", orphan.pk)] and report.redispatched == 1
    orphan.refresh_from_db()
    assert orphan.status == Status.QUEUED and orphan.dispatched_at is not None
    assert services.print_job_claim(job_id=orphan.pk).attempts == 2  # the resent message takes it
    rendering.refresh_from_db()
    assert rendering.status == Status.RUNNING and rendering.attempts == 1  # left to its worker


def test_a_job_just_claimed_is_not_questioned(crisis, director, sent, workers_say):
    job = request_journal(crisis, director)
    running_since(job, 2)
    workers_say["view"] = (True, set())
    assert services.print_jobs_sweep().redispatched == 0 and sent == []
    assert workers_say["asked"] == 0  # nothing in doubt: no broadcast


def test_when_no_worker_answers_the_sweeper_keeps_to_its_delays(crisis, director, sent, workers_say):
    job = request_journal(crisis, director)
    running_since(job, 30)
    workers_say["view"] = None
    assert services.print_jobs_sweep().redispatched == 0 and sent == []
    job.refresh_from_db()
    assert job.status == Status.RUNNING


def test_an_orphan_on_its_last_attempt_fails(crisis, director, sent, workers_say):
    job = request_journal(crisis, director)
    running_since(job, 30, attempts=services.MAX_ATTEMPTS)
    workers_say["view"] = (True, set())
    assert services.print_jobs_sweep().abandoned == 1 and sent == []
    job.refresh_from_db()
    assert job.status == Status.FAILED and "tentatives" in job.error


def test_a_sent_job_held_by_nobody_with_the_queue_empty_lost_its_message(crisis, director, scribe, sent, workers_say):
    lost, reserved = request_journal(crisis, director), request_journal(crisis, scribe)
    PrintJob.objects.filter(pk__in=[lost.pk, reserved.pk]).update(dispatched_at=ago(30))
    workers_say["view"] = (True, {reserved.pk})
    assert services.print_jobs_sweep().redispatched == 1 and sent == [("render_print_job", lost.pk)]


def test_a_sent_job_may_be_waiting_in_a_queue_that_is_not_empty(crisis, director, sent, workers_say):
    job = request_journal(crisis, director)
    PrintJob.objects.filter(pk=job.pk).update(dispatched_at=ago(30))
    workers_say["view"] = (False, set())
    assert services.print_jobs_sweep().redispatched == 0 and sent == []


def test_an_assembly_message_lost_is_sent_again(establishment, director, kit_data, sent, workers_say):
    kit = services.kit_build(establishment=establishment, by=director)
    services.print_job_render(job_id=kit.pk)
    for child in kit.children.all():
        services.print_job_render(job_id=child.pk)
    PrintJob.objects.filter(pk=kit.pk).update(dispatched_at=ago(30))  # its assembly was sent, then lost
    sent.clear()
    workers_say["view"] = (True, set())
    assert services.print_jobs_sweep().assembled == 1 and sent == [("render_assemble", kit.pk)]
