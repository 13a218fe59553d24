"""The printed readiness report and observation grid; the demo data; the app plugs in without touching the core."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from crisis.models import Crisis, JournalEntry
from preparedness import services
from preparedness.demo import EXERCISE_TITLE, seed_demo_data
from preparedness.models import Campaign, Inject
from printing import registry
from printing import services as printing_services
from printing.models import PrintJob
from tests.printing.conftest import inline_worker  # noqa: F401 — the print pipeline's worker, inline


def pdf_text(job) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(job.file.read()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_readiness_report_prints_on_one_page(
    establishment,
    director,
    inline_worker,  # noqa: F811 — the fixture imported above
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = printing_services.print_job_request(establishment=establishment, by=director, document="readiness_report")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    pages, text = pdf_text(job)
    assert pages == 1 and "Score" in text and "Kit papier à jour" in text


def test_the_observation_grid_prints_with_exercice_on_it(
    played,
    director,
    inline_worker,  # noqa: F811 — the fixture imported above
    django_capture_on_commit_callbacks,
):
    first = Inject.objects.get(crisis=played, number=1)
    services.inject_deliver(inject=first, by=director)
    services.inject_observe(inject=first, by=director, observation="manque", comment="Personne n'a décroché")
    with django_capture_on_commit_callbacks(execute=True):
        job = printing_services.print_job_request(
            establishment=played.establishment,
            by=director,
            document="observation_grid",
            params={"crisis_id": played.pk},
        )
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    _pages, text = pdf_text(job)
    assert "EXERCICE" in text and "Personne n'a décroché" in text and "Chiffrement en cours." in text


def test_the_grid_s_fingerprint_moves_with_an_observation(played, director):
    document = registry.get("observation_grid")
    params = {"crisis_id": played.pk}
    before = document.fingerprint(played.establishment, params)
    first = Inject.objects.get(crisis=played, number=1)
    services.inject_deliver(inject=first, by=director)
    assert document.fingerprint(played.establishment, params) != before


def test_the_demo_plays_part_of_the_shared_scenario_and_a_year_of_campaigns(establishment, director, scribe):
    from tests.conftest import make_user

    users = {"directeur": director, "secretaire": scribe, "rssi": make_user("rssi")}
    seed_demo_data(establishment=establishment, users=users)
    seed_demo_data(establishment=establishment, users=users)  # twice: nothing doubled
    crisis = Crisis.objects.get(title=EXERCISE_TITLE)
    injects = Inject.objects.filter(crisis=crisis)
    assert crisis.is_exercise and injects.count() == 23
    assert injects.filter(delivered_at__isnull=False).count() == 8 and injects.exclude(observation="").count() == 6
    assert JournalEntry.objects.filter(crisis=crisis, source__startswith="Exercice").count() == 8
    assert Campaign.objects.filter(establishment=establishment).count() == 9


def test_preparedness_s_migrations_are_up_to_date(db):
    call_command("makemigrations", "preparedness", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize("name", ["readiness_report", "observation_grid"])
def test_the_documents_are_declared_in_the_app(name):
    assert type(registry.get(name)).__module__ == "preparedness.documents"


def test_the_paper_kit_item_follows_the_last_kit_printed_and_what_changed_since(
    establishment,
    director,
    kit_data,
    inline_worker,  # noqa: F811 — the fixture imported above
    django_capture_on_commit_callbacks,
):
    from comms.models import DirectoryEntry
    from preparedness import readiness

    with django_capture_on_commit_callbacks(execute=True):
        job = printing_services.print_job_request(establishment=establishment, by=director, document="kit")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    found = readiness.paper_kit(establishment)
    assert found.ok and found.detail.endswith("rien n'a changé depuis."), found.detail
    entry = DirectoryEntry.objects.filter(establishment=establishment).first()
    entry.last_name = "Changé"
    entry.save()  # the printed directory is now stale
    found = readiness.paper_kit(establishment)
    assert not found.ok and "documents ont changé depuis" in found.detail, found.detail
