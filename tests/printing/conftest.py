"""Fixtures of the print pipeline: a small kit's worth of data, and a worker that runs inline.

- inline_worker: tasks published by the services run at once in this process,
  through the same task functions a Celery worker calls (ids in).
- sent: records what would be published, without running anything.
"""

from datetime import date

import pytest

from comms.models import DirectoryEntry
from continuity.models import Bed, CareUnit, DegradedProcedure
from printing import tasks
from printing.services import requests


@pytest.fixture
def sent(monkeypatch):
    published = []
    monkeypatch.setattr(requests, "_send", lambda name, job_id: published.append((name, job_id)) or True)
    return published


@pytest.fixture
def inline_worker(monkeypatch):
    published = []

    def run(name, job_id):
        published.append((name, job_id))
        getattr(tasks, name)(job_id)
        return True

    monkeypatch.setattr(requests, "_send", run)
    return published


@pytest.fixture
def procedures(establishment):
    body = (
        "## Déclenchement\nSur décision de l'administrateur de garde.\n\n"
        "- Sortir les classeurs de fiches papier.\n- Prévenir le standard.\n\n"
        "Les résultats partent par coursier toutes les 30 minutes."
    )
    return [
        DegradedProcedure.objects.create(
            establishment=establishment,
            service=service,
            title=f"Sans DPI — {service}",
            owner="Dr Martin",
            version="2",
            reviewed_at=date(2025, 3, 1),
            body=body,
        )
        for service in ("Laboratoire", "Urgences")
    ]


@pytest.fixture
def beds(establishment):
    unit = CareUnit.objects.create(establishment=establishment, name="Médecine interne", location="Bât. B")
    return [Bed.objects.create(unit=unit, label=f"{201 + i // 2}-{'AB'[i % 2]}", position=i) for i in range(8)]


@pytest.fixture
def directory(establishment):
    return [
        DirectoryEntry.objects.create(
            establishment=establishment,
            last_name=f"Nom{i:03d}",
            first_name="Marie",
            function="Infirmière",
            service="Urgences",
            phone="01 23 45 67 89",
            mobile="" if i % 3 else "06 12 34 56 78",
            bip="4321",
            on_call=i % 7 == 0,
        )
        for i in range(20)
    ]


@pytest.fixture
def kit_data(procedures, beds, directory):
    return {"procedures": procedures, "beds": beds, "directory": directory}


@pytest.fixture
def patient_list():
    """A kit document only members who see patient data may read (the bed lists with names, soon)."""
    from crisis.permissions import Cap
    from printing import registry
    from printing.declare import BlankForm

    class PatientList(BlankForm):
        name = "test_patient_list"
        title = "Liste des patients hospitalisés"
        kit_order = 35
        templates = ("pdf/message_form.html",)
        required_capability = Cap.SEE_PATIENT_DATA

    document = registry.register(PatientList())
    yield document
    registry.unregister(document.name)
