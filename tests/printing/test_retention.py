"""Old print files and unused cached parts are pruned; the latest kit and bundle always stay."""

import io
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from printing import services, tasks
from printing.models import PrintJob, RenderedPart
from tests.conftest import login


def finished(job: PrintJob, days_ago: float) -> PrintJob:
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    PrintJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days_ago))
    job.refresh_from_db()
    return job


def test_old_files_go_recent_ones_and_the_latest_kit_and_bundle_stay(
    client, establishment, crisis, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    days = settings.PRINT_RETENTION_DAYS

    def rendered(request, **kwargs):
        # One at a time: an identical request still pending would return the pending job.
        with django_capture_on_commit_callbacks(execute=True):
            return request(establishment=establishment, by=director, **kwargs)

    journal = {"document": "journal", "params": {"crisis_id": crisis.pk}}
    old_journal = rendered(services.print_job_request, **journal)
    recent_journal = rendered(services.print_job_request, **journal)
    older_kit = rendered(services.kit_build)
    latest_kit = rendered(services.kit_build)
    latest_bundle = rendered(services.bundle_build)
    old_journal = finished(old_journal, days + 1)
    recent_journal = finished(recent_journal, days - 1)
    older_kit = finished(older_kit, days + 3)
    latest_kit = finished(latest_kit, days + 2)
    latest_bundle = finished(latest_bundle, days + 2)
    old_name = old_journal.file.name

    report = services.print_files_prune()

    assert report.files == 2  # the old journal and the older kit
    for job in (old_journal, recent_journal, older_kit, latest_kit, latest_bundle):
        job.refresh_from_db()
    assert not old_journal.file and old_journal.file_pruned_at and not default_storage.exists(old_name)
    assert not older_kit.file
    assert recent_journal.file and latest_kit.file and latest_bundle.file
    page = login(client, director).get(reverse("printing:print-job", args=[old_journal.pk])).content.decode()
    assert "Fichier supprimé le" in page
    assert client.get(reverse("printing:print-job-download", args=[old_journal.pk])).status_code == 404


def test_cached_parts_unused_for_the_retention_delay_go(establishment, kit_data):
    kept = services.part_render(establishment=establishment, document="message_form", params={})
    unused = services.part_render(establishment=establishment, document="blank_rida", params={})
    RenderedPart.objects.filter(pk=unused.pk).update(
        used_at=timezone.now() - timedelta(days=settings.PRINT_RETENTION_DAYS + 1)
    )
    assert services.print_files_prune().parts == 1
    assert list(RenderedPart.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not default_storage.exists(unused.file.name)


def test_the_beat_task_has_a_soft_limit_below_its_hard_limit_and_is_scheduled(db):
    task = tasks.prune_print_files
    assert task.soft_time_limit < task.time_limit
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert task.name in schedule and task.name in app.tasks
    assert tasks.prune_print_files() == {"files": 0, "parts": 0}


def test_the_prune_command(db):
    out = io.StringIO()
    call_command("prune_print_files", "--days=5", stdout=out)
    assert "Fichiers supprimés : 0" in out.getvalue()


def test_a_retention_below_a_day_fails_the_start_up_checks(settings):
    from printing.checks import print_job_delays

    settings.PRINT_RETENTION_DAYS = 0
    assert "printing.E003" in [e.id for e in print_job_delays()]
