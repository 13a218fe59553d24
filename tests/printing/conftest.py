"""Fixtures of the print pipeline: a small kit's worth of data, and a worker that runs inline.

- inline_worker: tasks published by the services run at once in this process,
  through the same task functions a Celery worker calls (ids in).
- sent: records what would be published, without running anything.
"""

import pytest

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
